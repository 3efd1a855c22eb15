/* PostgreSQL through libpq, opened with dlopen: connect and `SELECT 1` with libpq's non-blocking calls. */
#include "clients_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define PQ_SONAME "libpq.so.5"

enum { CONNECTION_OK = 0, CONNECTION_BAD = 1 };
enum { PGRES_POLLING_FAILED = 0, PGRES_POLLING_READING = 1, PGRES_POLLING_WRITING = 2, PGRES_POLLING_OK = 3 };
enum { PGRES_TUPLES_OK = 2 };

static struct {
    void *(*connect_start_params)(const char *const *, const char *const *, int);
    int (*connect_poll)(void *);
    int (*status)(const void *);
    int (*socket)(const void *);
    const char *(*error_message)(const void *);
    const char *(*parameter_status)(const void *, const char *);
    int (*send_query)(void *, const char *);
    int (*flush)(void *);
    int (*consume_input)(void *);
    int (*is_busy)(void *);
    void *(*get_result)(void *);
    int (*result_status)(const void *);
    const char *(*result_error_message)(const void *);
    void (*clear)(void *);
    void (*finish)(void *);
} pq;

static const char *const pq_names[] = {
    "PQconnectStartParams", "PQconnectPoll", "PQstatus",     "PQsocket",  "PQerrorMessage",
    "PQparameterStatus",    "PQsendQuery",   "PQflush",      "PQconsumeInput", "PQisBusy",
    "PQgetResult",          "PQresultStatus", "PQresultErrorMessage", "PQclear", "PQfinish",
    NULL,
};

static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char pq_load_error[DLTAF_CLIENT_ERROR_SIZE];
static int pq_loaded;

static void load_pq(void) {
    void *library = dltaf_open_library(PQ_SONAME);
    if (library == NULL) {
        dltaf_set_error(pq_load_error, "%s", PQ_SONAME);
        return;
    }
    void *slots[sizeof pq_names / sizeof pq_names[0]];
    const char *missing = dltaf_resolve_symbols(library, pq_names, slots);
    if (missing != NULL) {
        dltaf_set_error(pq_load_error, "%s (no %s)", PQ_SONAME, missing);
        return;
    }
    void **fields[] = {
        (void **)&pq.connect_start_params, (void **)&pq.connect_poll, (void **)&pq.status,
        (void **)&pq.socket, (void **)&pq.error_message, (void **)&pq.parameter_status,
        (void **)&pq.send_query, (void **)&pq.flush, (void **)&pq.consume_input, (void **)&pq.is_busy,
        (void **)&pq.get_result, (void **)&pq.result_status, (void **)&pq.result_error_message,
        (void **)&pq.clear, (void **)&pq.finish,
    };
    for (size_t index = 0; index < sizeof fields / sizeof fields[0]; index++) {
        memcpy(fields[index], &slots[index], sizeof(void *));
    }
    pq_loaded = 1;
}

/* Records a failure; `what` says which step (connecting, running SELECT 1). */
static int fail(dltaf_pg_result *result, int kind, const char *what, const char *detail) {
    result->error_kind = kind;
    if (kind == DLTAF_CLIENT_TIMEOUT) {
        dltaf_set_error(result->error, "timed out while %s", what);
    } else if (kind == DLTAF_CLIENT_CANCELLED) {
        dltaf_set_error(result->error, "cancelled while %s", what);
    } else {
        /* libpq's connection messages say what failed; a failed query gets its step named. */
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s: ", what);
        const char *shown = detail != NULL && detail[0] != '\0' ? detail : "failed";
        dltaf_copy_message(result->error, kind == DLTAF_CLIENT_QUERY ? prefix : NULL, shown);
    }
    return kind;
}

static int wait_kind(int waited) {
    if (waited == 0) return DLTAF_CLIENT_TIMEOUT;
    if (waited == -1) return DLTAF_CLIENT_CANCELLED;
    return DLTAF_CLIENT_TRANSPORT;
}

static int connect_within(void *conn, double deadline, dltaf_pg_result *result, dltaf_cancel_token *cancel) {
    if (pq.status(conn) == CONNECTION_BAD) {
        return fail(result, DLTAF_CLIENT_TRANSPORT, "connecting", pq.error_message(conn));
    }
    int polling = PGRES_POLLING_WRITING;
    while (polling != PGRES_POLLING_OK) {
        if (polling == PGRES_POLLING_FAILED) {
            return fail(result, DLTAF_CLIENT_TRANSPORT, "connecting", pq.error_message(conn));
        }
        int waited = dltaf_wait_socket(pq.socket(conn), polling == PGRES_POLLING_WRITING, deadline, cancel);
        if (waited != 1) return fail(result, wait_kind(waited), "connecting", "poll failed");
        polling = pq.connect_poll(conn);
    }
    return DLTAF_CLIENT_OK;
}

static int select_one_within(void *conn, double deadline, dltaf_pg_result *result, dltaf_cancel_token *cancel) {
    const char *step = "running SELECT 1";
    if (!pq.send_query(conn, "SELECT 1")) return fail(result, DLTAF_CLIENT_TRANSPORT, step, pq.error_message(conn));
    int flushed;
    while ((flushed = pq.flush(conn)) == 1) {
        int waited = dltaf_wait_socket(pq.socket(conn), 1, deadline, cancel);
        if (waited != 1) return fail(result, wait_kind(waited), step, "poll failed");
    }
    if (flushed < 0) return fail(result, DLTAF_CLIENT_TRANSPORT, step, pq.error_message(conn));
    while (pq.is_busy(conn)) {
        int waited = dltaf_wait_socket(pq.socket(conn), 0, deadline, cancel);
        if (waited != 1) return fail(result, wait_kind(waited), step, "poll failed");
        if (!pq.consume_input(conn)) return fail(result, DLTAF_CLIENT_TRANSPORT, step, pq.error_message(conn));
    }
    int kind = DLTAF_CLIENT_OK;
    int first = 1;
    void *answer;
    while ((answer = pq.get_result(conn)) != NULL) {
        if (first && pq.result_status(answer) != PGRES_TUPLES_OK) {
            kind = fail(result, DLTAF_CLIENT_QUERY, step, pq.result_error_message(answer));
        }
        first = 0;
        pq.clear(answer);
    }
    if (first) kind = fail(result, DLTAF_CLIENT_QUERY, step, "no result");
    return kind;
}

int dltaf_pg_check(const char *const *keywords, const char *const *values, int expand_dbname, long timeout_ms,
                   dltaf_pg_result *result, dltaf_cancel_token *cancel) {
    memset(result, 0, sizeof *result);
    pthread_once(&pq_once, load_pq);
    if (!pq_loaded) {
        result->error_kind = DLTAF_CLIENT_LIBRARY_MISSING;
        memcpy(result->error, pq_load_error, sizeof result->error);
        return result->error_kind;
    }
    double started = dltaf_now_ms();
    double deadline = started + (double)timeout_ms;
    void *conn = pq.connect_start_params(keywords, values, expand_dbname);
    if (conn == NULL) return fail(result, DLTAF_CLIENT_TRANSPORT, "connecting", "out of memory");
    int kind = connect_within(conn, deadline, result, cancel);
    if (kind == DLTAF_CLIENT_OK) {
        const char *version = pq.parameter_status(conn, "server_version");
        if (version != NULL) snprintf(result->server_version, sizeof result->server_version, "%s", version);
        kind = select_one_within(conn, deadline, result, cancel);
    }
    result->elapsed_ms = dltaf_now_ms() - started;
    pq.finish(conn);
    return kind;
}
