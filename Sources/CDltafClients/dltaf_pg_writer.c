/*
 * PostgreSQL for the loader and the sqldb source, opened with dlopen: statements with parameters, COPY FROM STDIN,
 * COPY TO STDOUT, and statement descriptions.
 */
#include "clients_internal.h"
#include "dltaf_load_clients.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PQ_SONAME "libpq.so.5"

enum { CONNECTION_OK = 0 };
enum { PGRES_COMMAND_OK = 1, PGRES_TUPLES_OK = 2, PGRES_COPY_OUT = 3, PGRES_COPY_IN = 4 };
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
    int (*get_copy_data)(void *, char **, int);
    void (*freemem)(void *);
    int (*get_length)(const void *, int, int);
    void *(*prepare)(void *, const char *, const char *, int, const unsigned int *);
    void *(*describe_prepared)(void *, const char *);
    const char *(*fname)(const void *, int);
    unsigned int (*ftype)(const void *, int);
    int (*fmod)(const void *, int);
} pq;

static const char *const pq_names[] = {
    "PQconnectdbParams", "PQstatus",     "PQerrorMessage",        "PQfinish",          "PQsetNoticeProcessor",
    "PQexec",            "PQexecParams", "PQresultStatus",        "PQresultErrorMessage", "PQresultErrorField",
    "PQntuples",         "PQnfields",    "PQgetvalue",   "PQgetisnull",           "PQcmdTuples",       "PQclear",
    "PQputCopyData",     "PQputCopyEnd", "PQgetResult",           "PQgetCopyData",     "PQfreemem",
    "PQgetlength",       "PQprepare",    "PQdescribePrepared",    "PQfname",           "PQftype",
    "PQfmod",            NULL,
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
        (void **)&pq.get_copy_data,    (void **)&pq.freemem,      (void **)&pq.get_length,
        (void **)&pq.prepare,          (void **)&pq.describe_prepared, (void **)&pq.fname,
        (void **)&pq.ftype,            (void **)&pq.fmod,
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

int dltaf_pq_length(const void *result, int row, int column) { return pq.get_length(result, row, column); }

int dltaf_pq_describe(void *conn, const char *sql, void **result, dltaf_pq_error *error) {
    memset(error, 0, sizeof *error);
    *result = NULL;
    void *prepared = pq.prepare(conn, "", sql, 0, NULL);
    int status = prepared != NULL ? pq.result_status(prepared) : -1;
    if (status != PGRES_COMMAND_OK) {
        int kind = fail(conn, prepared, "preparing the query", error);
        if (prepared != NULL) pq.clear(prepared);
        return kind;
    }
    pq.clear(prepared);
    void *described = pq.describe_prepared(conn, "");
    status = described != NULL ? pq.result_status(described) : -1;
    if (status != PGRES_COMMAND_OK) {
        int kind = fail(conn, described, "describing the query", error);
        if (described != NULL) pq.clear(described);
        return kind;
    }
    *result = described;
    return DLTAF_CLIENT_OK;
}

const char *dltaf_pq_fname(const void *result, int column) { return pq.fname(result, column); }

unsigned int dltaf_pq_ftype(const void *result, int column) { return pq.ftype(result, column); }

int dltaf_pq_fmod(const void *result, int column) { return pq.fmod(result, column); }

int dltaf_pq_copy_out_start(void *conn, const char *sql, dltaf_pq_error *error) {
    memset(error, 0, sizeof *error);
    void *answer = pq.exec(conn, sql);
    int status = answer != NULL ? pq.result_status(answer) : -1;
    int kind = status == PGRES_COPY_OUT ? DLTAF_CLIENT_OK : fail(conn, answer, "starting COPY TO STDOUT", error);
    if (answer != NULL) pq.clear(answer);
    return kind;
}

int dltaf_pq_copy_get(void *conn, char **row, int *length, dltaf_pq_error *error) {
    memset(error, 0, sizeof *error);
    *row = NULL;
    *length = pq.get_copy_data(conn, row, 0);
    if (*length > 0) return DLTAF_CLIENT_OK;
    if (*length == -2) return fail(conn, NULL, "reading COPY data", error);
    /* The end: read the COPY's outcome (and every result) before the connection takes another command. */
    int kind = DLTAF_CLIENT_OK;
    void *answer;
    while ((answer = pq.get_result(conn)) != NULL) {
        if (pq.result_status(answer) != PGRES_COMMAND_OK && kind == DLTAF_CLIENT_OK) {
            kind = fail(conn, answer, "reading COPY data", error);
        }
        pq.clear(answer);
    }
    *length = -1;
    return kind;
}

void dltaf_pq_freemem(void *memory) {
    if (memory != NULL) pq.freemem(memory);
}
