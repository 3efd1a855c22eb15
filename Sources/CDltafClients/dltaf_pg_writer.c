/* PostgreSQL for the loader, opened with dlopen: statements with parameters, and COPY FROM STDIN. */
#include "clients_internal.h"
#include "dltaf_load_clients.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PQ_SONAME "libpq.so.5"

enum { CONNECTION_OK = 0 };
enum { PGRES_COMMAND_OK = 1, PGRES_TUPLES_OK = 2, PGRES_COPY_IN = 4 };
enum { PG_DIAG_SQLSTATE = 'C' };

static struct {
    void *(*connectdb_params)(const char *const *, const char *const *, int);
    int (*status)(const void *);
    const char *(*error_message)(const void *);
    void (*finish)(void *);
    void *(*set_notice_processor)(void *, void (*)(void *, const char *), void *);
    void *(*exec)(void *, const char *);
    void *(*exec_params)(void *, const char *, int, const unsigned int *, const char *const *, const int *,
                         const int *, int);
    int (*result_status)(const void *);
    const char *(*result_error_message)(const void *);
    const char *(*result_error_field)(const void *, int);
    int (*ntuples)(const void *);
    int (*nfields)(const void *);
    const char *(*get_value)(const void *, int, int);
    int (*get_is_null)(const void *, int, int);
    const char *(*cmd_tuples)(void *);
    void (*clear)(void *);
    int (*put_copy_data)(void *, const char *, int);
    int (*put_copy_end)(void *, const char *);
    void *(*get_result)(void *);
} pq;

static const char *const pq_names[] = {
    "PQconnectdbParams", "PQstatus",     "PQerrorMessage",        "PQfinish",          "PQsetNoticeProcessor",
    "PQexec",            "PQexecParams", "PQresultStatus",        "PQresultErrorMessage", "PQresultErrorField",
    "PQntuples",         "PQnfields",    "PQgetvalue",   "PQgetisnull",           "PQcmdTuples",       "PQclear",
    "PQputCopyData",     "PQputCopyEnd", "PQgetResult",           NULL,
};

static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char pq_load_error[DLTAF_CLIENT_ERROR_SIZE];
static int pq_loaded;

static void load_pq(void) {
    void **const fields[] = {
        (void **)&pq.connectdb_params, (void **)&pq.status,       (void **)&pq.error_message,
        (void **)&pq.finish,           (void **)&pq.set_notice_processor, (void **)&pq.exec,
        (void **)&pq.exec_params,      (void **)&pq.result_status, (void **)&pq.result_error_message,
        (void **)&pq.result_error_field, (void **)&pq.ntuples,    (void **)&pq.nfields, (void **)&pq.get_value,
        (void **)&pq.get_is_null,      (void **)&pq.cmd_tuples,   (void **)&pq.clear,
        (void **)&pq.put_copy_data,    (void **)&pq.put_copy_end, (void **)&pq.get_result,
    };
    pq_loaded = dltaf_bind_library(PQ_SONAME, pq_names, fields, pq_load_error);
}

static void ignore_notice(void *context, const char *message) {
    (void)context;
    (void)message;
}

/* Fills `error` from the connection (and the result, when there is one); returns its kind. */
static int fail(void *conn, const void *result, const char *step, dltaf_pq_error *error) {
    memset(error, 0, sizeof *error);
    error->connection_lost = conn == NULL || pq.status(conn) != CONNECTION_OK;
    error->kind = error->connection_lost ? DLTAF_CLIENT_TRANSPORT : DLTAF_CLIENT_QUERY;
    const char *text = NULL;
    if (result != NULL) {
        const char *state = pq.result_error_field(result, PG_DIAG_SQLSTATE);
        if (state != NULL) snprintf(error->sqlstate, sizeof error->sqlstate, "%s", state);
        text = pq.result_error_message(result);
    }
    if ((text == NULL || text[0] == '\0') && conn != NULL) text = pq.error_message(conn);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: ", step);
    dltaf_copy_message(error->message, prefix, text != NULL && text[0] != '\0' ? text : "failed");
    return error->kind;
}

int dltaf_pq_open(const char *const *keywords, const char *const *values, void **conn, dltaf_pq_error *error) {
    *conn = NULL;
    memset(error, 0, sizeof *error);
    pthread_once(&pq_once, load_pq);
    if (!pq_loaded) {
        error->kind = DLTAF_CLIENT_LIBRARY_MISSING;
        memcpy(error->message, pq_load_error, sizeof error->message);
        return error->kind;
    }
    void *opened = pq.connectdb_params(keywords, values, 0);
    if (opened == NULL) {
        error->kind = DLTAF_CLIENT_TRANSPORT;
        dltaf_set_error(error->message, "connecting: out of memory");
        return error->kind;
    }
    if (pq.status(opened) != CONNECTION_OK) {
        int kind = fail(opened, NULL, "connecting", error);
        pq.finish(opened);
        return kind;
    }
    pq.set_notice_processor(opened, ignore_notice, NULL);
    *conn = opened;
    return DLTAF_CLIENT_OK;
}

void dltaf_pq_close(void *conn) {
    if (conn != NULL) pq.finish(conn);
}

int dltaf_pq_exec(void *conn, const char *sql, int count, const char *const *params, void **result,
                  dltaf_pq_error *error) {
    memset(error, 0, sizeof *error);
    if (result != NULL) *result = NULL;
    /* Without parameters PQexec, which also takes several statements in one string. */
    void *answer = count == 0 ? pq.exec(conn, sql) : pq.exec_params(conn, sql, count, NULL, params, NULL, NULL, 0);
    int status = answer != NULL ? pq.result_status(answer) : -1;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        int kind = fail(conn, answer, "running a statement", error);
        if (answer != NULL) pq.clear(answer);
        return kind;
    }
    if (result != NULL) {
        *result = answer;
    } else {
        pq.clear(answer);
    }
    return DLTAF_CLIENT_OK;
}

int dltaf_pq_ntuples(const void *result) { return pq.ntuples(result); }

int dltaf_pq_nfields(const void *result) { return pq.nfields(result); }

const char *dltaf_pq_value(const void *result, int row, int column) {
    return pq.get_is_null(result, row, column) ? NULL : pq.get_value(result, row, column);
}

void dltaf_pq_clear(void *result) {
    if (result != NULL) pq.clear(result);
}

int dltaf_pq_copy_start(void *conn, const char *sql, dltaf_pq_error *error) {
    memset(error, 0, sizeof *error);
    void *answer = pq.exec(conn, sql);
    int status = answer != NULL ? pq.result_status(answer) : -1;
    int kind = status == PGRES_COPY_IN ? DLTAF_CLIENT_OK : fail(conn, answer, "starting COPY", error);
    if (answer != NULL) pq.clear(answer);
    return kind;
}

int dltaf_pq_copy_put(void *conn, const char *bytes, int length, dltaf_pq_error *error) {
    memset(error, 0, sizeof *error);
    if (pq.put_copy_data(conn, bytes, length) == 1) return DLTAF_CLIENT_OK;
    return fail(conn, NULL, "sending COPY data", error);
}

int dltaf_pq_copy_end(void *conn, const char *abort_reason, long long *rows, dltaf_pq_error *error) {
    memset(error, 0, sizeof *error);
    *rows = 0;
    if (pq.put_copy_end(conn, abort_reason) != 1) return fail(conn, NULL, "ending COPY", error);
    int kind = DLTAF_CLIENT_OK;
    void *answer;
    /* Every result must be read before the connection takes another command. */
    while ((answer = pq.get_result(conn)) != NULL) {
        if (pq.result_status(answer) == PGRES_COMMAND_OK) {
            *rows = strtoll(pq.cmd_tuples(answer), NULL, 10);
        } else if (kind == DLTAF_CLIENT_OK) {
            kind = fail(conn, answer, "loading with COPY", error);
        }
        pq.clear(answer);
    }
    return kind;
}
