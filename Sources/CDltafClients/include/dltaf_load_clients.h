#ifndef DLTAF_LOAD_CLIENTS_H
#define DLTAF_LOAD_CLIENTS_H

/*
 * The write paths of the loader (DltafLoad): a read-write SQLite connection with prepared statements, and a
 * libpq connection with parameterised statements and COPY FROM STDIN. Same rules as dltaf_clients.h: the
 * libraries are opened with dlopen on first use, every call blocks, and no error text holds a password or a
 * connection string. Handles are opaque pointers owned by the caller, used from one thread at a time.
 */

#include "dltaf_clients.h"

/* ---- SQLite (libsqlite3.so.0) ---- */

/* SQLite result codes the caller needs. */
enum { DLTAF_LITE_OK = 0, DLTAF_LITE_BUSY = 5, DLTAF_LITE_LOCKED = 6, DLTAF_LITE_ROW = 100, DLTAF_LITE_DONE = 101 };
/* Column types of sqlite3_column_type. */
enum {
    DLTAF_LITE_INTEGER = 1,
    DLTAF_LITE_FLOAT = 2,
    DLTAF_LITE_TEXT = 3,
    DLTAF_LITE_BLOB = 4,
    DLTAF_LITE_NULL = 5,
};

/*
 * Opens (creating it if needed) `path` read-write, with a busy timeout of `busy_timeout_ms`. Returns a
 * DLTAF_CLIENT_* kind; on failure `error` (DLTAF_CLIENT_ERROR_SIZE bytes) says why and `*db` is NULL.
 */
int dltaf_lite_open(const char *path, int busy_timeout_ms, void **db, char *error);
/* Opens an existing `path` read-only (the sqldb source). */
int dltaf_lite_open_readonly(const char *path, int busy_timeout_ms, void **db, char *error);
void dltaf_lite_close(void *db);
/* Runs one or more statements without results; returns the SQLite code. */
int dltaf_lite_exec(void *db, const char *sql);
const char *dltaf_lite_errmsg(void *db);
/* Rows changed by the last INSERT, UPDATE or DELETE. */
long long dltaf_lite_changes(void *db);

int dltaf_lite_prepare(void *db, const char *sql, void **statement);
/* Binds (1-based `index`); text and blobs are copied by SQLite, so the buffers may go away after the call. */
int dltaf_lite_bind_int64(void *statement, int index, long long value);
int dltaf_lite_bind_double(void *statement, int index, double value);
int dltaf_lite_bind_text(void *statement, int index, const char *text, int length);
/* Binds text SQLite does not copy (SQLITE_STATIC): it must stay valid until rebound, reset and stepped again. */
int dltaf_lite_bind_text_static(void *statement, int index, const char *text, int length);
int dltaf_lite_bind_blob(void *statement, int index, const void *bytes, int length);
int dltaf_lite_bind_null(void *statement, int index);
int dltaf_lite_step(void *statement);
int dltaf_lite_reset(void *statement);
int dltaf_lite_finalize(void *statement);
int dltaf_lite_column_count(void *statement);
int dltaf_lite_column_type(void *statement, int column);
long long dltaf_lite_column_int64(void *statement, int column);
double dltaf_lite_column_double(void *statement, int column);
/* Text or blob bytes of a column (0-based) and their length; valid until the next step, reset or finalize. */
const void *dltaf_lite_column_bytes(void *statement, int column, int *length);

/* A result column's name, and its declared type (NULL for an expression). */
const char *dltaf_lite_column_name(void *statement, int column);
const char *dltaf_lite_column_decltype(void *statement, int column);

/* ---- PostgreSQL (libpq.so.5) ---- */

/* Why a libpq call failed. */
typedef struct {
    /* A DLTAF_CLIENT_* kind (TRANSPORT when the connection is gone, QUERY when the server refused). */
    int kind;
    /* Non-zero when the connection is no longer usable. */
    int connection_lost;
    /* The five-character SQLSTATE, empty when unknown. */
    char sqlstate[6];
    char message[DLTAF_CLIENT_ERROR_SIZE];
} dltaf_pq_error;

/*
 * Connects with PQconnectdbParams (`keywords`/`values` NULL-terminated, never expanded as a connection
 * string). Notices are dropped instead of printed to stderr. Returns a DLTAF_CLIENT_* kind.
 */
int dltaf_pq_open(const char *const *keywords, const char *const *values, void **conn, dltaf_pq_error *error);
void dltaf_pq_close(void *conn);

/*
 * Runs `sql` with `count` text parameters (NULL entries are SQL NULL) through PQexecParams. On success the
 * result (free with dltaf_pq_clear) is stored in `*result` when `result` is not NULL, else cleared.
 */
int dltaf_pq_exec(void *conn, const char *sql, int count, const char *const *params, void **result,
                  dltaf_pq_error *error);
int dltaf_pq_ntuples(const void *result);
int dltaf_pq_nfields(const void *result);
/* The text of a field; NULL when the field is SQL NULL. */
const char *dltaf_pq_value(const void *result, int row, int column);
void dltaf_pq_clear(void *result);

/* Starts `COPY ... FROM STDIN`. */
int dltaf_pq_copy_start(void *conn, const char *sql, dltaf_pq_error *error);
/* Sends bytes of the COPY stream. */
int dltaf_pq_copy_put(void *conn, const char *bytes, int length, dltaf_pq_error *error);
/* Ends the COPY (or aborts it when `abort_reason` is not NULL) and reads its outcome; `*rows` gets the count. */
int dltaf_pq_copy_end(void *conn, const char *abort_reason, long long *rows, dltaf_pq_error *error);

/* The byte length of a field (text may hold no NUL, but bytea in binary format could). */
int dltaf_pq_length(const void *result, int row, int column);

/*
 * Prepares `sql` as the unnamed statement and describes it: `*result` (free with dltaf_pq_clear) holds the result
 * columns for dltaf_pq_nfields, dltaf_pq_fname, dltaf_pq_ftype and dltaf_pq_fmod; nothing is executed.
 */
int dltaf_pq_describe(void *conn, const char *sql, void **result, dltaf_pq_error *error);
const char *dltaf_pq_fname(const void *result, int column);
unsigned int dltaf_pq_ftype(const void *result, int column);
int dltaf_pq_fmod(const void *result, int column);

/* Starts `COPY ... TO STDOUT`. */
int dltaf_pq_copy_out_start(void *conn, const char *sql, dltaf_pq_error *error);
/*
 * Reads the next row of a COPY TO STDOUT: `*row` (free with dltaf_pq_freemem) holds `*length` bytes ending in a
 * newline. At the end `*length` is -1 and the COPY's outcome is returned (an error when the server failed it).
 */
int dltaf_pq_copy_get(void *conn, char **row, int *length, dltaf_pq_error *error);
void dltaf_pq_freemem(void *memory);

#endif
