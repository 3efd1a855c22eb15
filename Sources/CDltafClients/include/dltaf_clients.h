#ifndef DLTAF_CLIENTS_H
#define DLTAF_CLIENTS_H

/*
 * Small plain-C entry points over libcurl, libpq and libsqlite3. None of them is linked: each library is
 * opened with dlopen on first use (once, thread-safe) and its few functions are looked up with dlsym, so a
 * dltaf start that never talks HTTP or to a database pays nothing for them (docs/architecture.md).
 *
 * Every call is blocking and meant to run on a thread of its own, never on Swift's cooperative pool.
 * Error texts never contain header values, passwords or connection strings.
 */

#include <stddef.h>

/* What went wrong; 0 means nothing. */
enum {
    DLTAF_CLIENT_OK = 0,
    /* The shared library (named in `error`) could not be opened or lacks a function. */
    DLTAF_CLIENT_LIBRARY_MISSING = 1,
    /* Connecting, TLS, protocol or server errors. */
    DLTAF_CLIENT_TRANSPORT = 2,
    /* The deadline passed. */
    DLTAF_CLIENT_TIMEOUT = 3,
    /* The URL (or parameters) were refused before any network traffic. */
    DLTAF_CLIENT_INVALID_INPUT = 4,
    /* The cancellation token was set. */
    DLTAF_CLIENT_CANCELLED = 5,
    /* The query ran but failed (PostgreSQL, SQLite). */
    DLTAF_CLIENT_QUERY = 6,
};

#define DLTAF_CLIENT_ERROR_SIZE 512

/* A flag another thread sets to stop a blocking call early. */
typedef struct dltaf_cancel_token dltaf_cancel_token;

/* A new, unset token; NULL when out of memory. */
dltaf_cancel_token *dltaf_cancel_token_create(void);
/* Sets the token (any thread, any number of times). */
void dltaf_cancel_token_cancel(dltaf_cancel_token *token);
/* Frees the token; no call may be using it. */
void dltaf_cancel_token_destroy(dltaf_cancel_token *token);

/* Whether `soname` can be opened with dlopen (used to report what is installed). */
int dltaf_clients_library_available(const char *soname);

/* ---- HTTP (libcurl.so.4) ---- */

/* One HTTP request. Strings are NUL-terminated; `headers` holds `header_count` "Name: value" lines. */
typedef struct {
    const char *method;
    const char *url;
    const char *const *headers;
    size_t header_count;
    const unsigned char *body;
    size_t body_length;
    int has_body;
    long timeout_ms;
    int verify_tls;
    const char *ca_file;
    size_t max_body_bytes;
    size_t max_header_bytes;
} dltaf_http_request;

/* The answer. Free with dltaf_http_response_free, whatever the outcome. */
typedef struct {
    int error_kind;
    char error[DLTAF_CLIENT_ERROR_SIZE];
    long status;
    /* The raw header block of the final response (status line included), CRLF-separated. */
    char *headers;
    size_t headers_length;
    unsigned char *body;
    size_t body_length;
    /* Non-zero when the body was cut at max_body_bytes. */
    int body_truncated;
    double elapsed_ms;
} dltaf_http_response;

/* Performs the request. Returns `response->error_kind`. */
int dltaf_http_perform(const dltaf_http_request *request, dltaf_http_response *response,
                       dltaf_cancel_token *cancel);
void dltaf_http_response_free(dltaf_http_response *response);

/* ---- PostgreSQL (libpq.so.5) ---- */

typedef struct {
    int error_kind;
    char error[DLTAF_CLIENT_ERROR_SIZE];
    /* The server_version parameter, empty if unknown. */
    char server_version[64];
    double elapsed_ms;
} dltaf_pg_result;

/*
 * Connects with PQconnectStartParams(keywords, values, expand_dbname), runs `SELECT 1` and disconnects,
 * all within `timeout_ms` (non-blocking libpq calls polled against the deadline). `keywords` and `values`
 * are NULL-terminated.
 */
int dltaf_pg_check(const char *const *keywords, const char *const *values, int expand_dbname, long timeout_ms,
                   dltaf_pg_result *result, dltaf_cancel_token *cancel);

/* ---- SQLite (libsqlite3.so.0) ---- */

typedef struct {
    int error_kind;
    char error[DLTAF_CLIENT_ERROR_SIZE];
    /* SQLite's library version. */
    char library_version[32];
    long long schema_objects;
    double elapsed_ms;
} dltaf_sqlite_result;

/* Opens `path` read-only, sets the busy timeout and runs `SELECT count(*) FROM sqlite_master`. */
int dltaf_sqlite_check(const char *path, long timeout_ms, dltaf_sqlite_result *result);

#endif
