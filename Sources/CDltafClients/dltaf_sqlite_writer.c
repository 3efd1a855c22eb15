/*
 * SQLite for the loader and the sqldb source, opened with dlopen: read-write and read-only connections, prepared
 * statements, binds and reads.
 */
#include "clients_internal.h"
#include "dltaf_load_clients.h"

#include <pthread.h>
#include <stddef.h>
#include <string.h>

#define SQLITE_SONAME "libsqlite3.so.0"

enum { SQLITE_OPEN_READONLY = 0x00000001, SQLITE_OPEN_READWRITE = 0x00000002, SQLITE_OPEN_CREATE = 0x00000004, SQLITE_OPEN_NOMUTEX = 0x00008000 };

/* SQLITE_TRANSIENT: SQLite copies the buffer before the bind returns. */
#define SQLITE_TRANSIENT ((void (*)(void *))-1)

static struct {
    int (*open_v2)(const char *, void **, int, const char *);
    int (*close_v2)(void *);
    int (*busy_timeout)(void *, int);
    int (*exec)(void *, const char *, void *, void *, char **);
    const char *(*errmsg)(void *);
    const char *(*errstr)(int);
    int (*changes)(void *);
    int (*prepare_v2)(void *, const char *, int, void **, const char **);
    int (*bind_int64)(void *, int, long long);
    int (*bind_double)(void *, int, double);
    int (*bind_text)(void *, int, const char *, int, void (*)(void *));
    int (*bind_blob)(void *, int, const void *, int, void (*)(void *));
    int (*bind_null)(void *, int);
    int (*step)(void *);
    int (*reset)(void *);
    int (*finalize)(void *);
    int (*column_type)(void *, int);
    long long (*column_int64)(void *, int);
    double (*column_double)(void *, int);
    const void *(*column_blob)(void *, int);
    int (*column_bytes)(void *, int);
    int (*column_count)(void *);
    const char *(*column_name)(void *, int);
    const char *(*column_decltype)(void *, int);
} lite;

static const char *const lite_names[] = {
    "sqlite3_open_v2",     "sqlite3_close_v2",    "sqlite3_busy_timeout", "sqlite3_exec",
    "sqlite3_errmsg",      "sqlite3_errstr",      "sqlite3_changes",      "sqlite3_prepare_v2",
    "sqlite3_bind_int64",  "sqlite3_bind_double", "sqlite3_bind_text",    "sqlite3_bind_blob",
    "sqlite3_bind_null",   "sqlite3_step",        "sqlite3_reset",        "sqlite3_finalize",
    "sqlite3_column_type", "sqlite3_column_int64", "sqlite3_column_double", "sqlite3_column_blob",
    "sqlite3_column_bytes", "sqlite3_column_count", "sqlite3_column_name", "sqlite3_column_decltype", NULL,
};

static pthread_once_t lite_once = PTHREAD_ONCE_INIT;
static char lite_load_error[DLTAF_CLIENT_ERROR_SIZE];
static int lite_loaded;

static void load_sqlite(void) {
    void **const fields[] = {
        (void **)&lite.open_v2,     (void **)&lite.close_v2,     (void **)&lite.busy_timeout,
        (void **)&lite.exec,        (void **)&lite.errmsg,       (void **)&lite.errstr,
        (void **)&lite.changes,     (void **)&lite.prepare_v2,   (void **)&lite.bind_int64,
        (void **)&lite.bind_double, (void **)&lite.bind_text,    (void **)&lite.bind_blob,
        (void **)&lite.bind_null,   (void **)&lite.step,         (void **)&lite.reset,
        (void **)&lite.finalize,    (void **)&lite.column_type,  (void **)&lite.column_int64,
        (void **)&lite.column_double, (void **)&lite.column_blob, (void **)&lite.column_bytes,
        (void **)&lite.column_count, (void **)&lite.column_name, (void **)&lite.column_decltype,
    };
    lite_loaded = dltaf_bind_library(SQLITE_SONAME, lite_names, fields, lite_load_error);
}

static int open_with(const char *path, int flags, int busy_timeout_ms, void **db, char *error);

int dltaf_lite_open(const char *path, int busy_timeout_ms, void **db, char *error) {
    return open_with(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, busy_timeout_ms, db,
                     error);
}

int dltaf_lite_open_readonly(const char *path, int busy_timeout_ms, void **db, char *error) {
    return open_with(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, busy_timeout_ms, db, error);
}

static int open_with(const char *path, int flags, int busy_timeout_ms, void **db, char *error) {
    *db = NULL;
    error[0] = '\0';
    pthread_once(&lite_once, load_sqlite);
    if (!lite_loaded) {
        memcpy(error, lite_load_error, DLTAF_CLIENT_ERROR_SIZE);
        return DLTAF_CLIENT_LIBRARY_MISSING;
    }
    void *opened = NULL;
    int code = lite.open_v2(path, &opened, flags, NULL);
    if (code != DLTAF_LITE_OK) {
        dltaf_copy_message(error, "cannot open: ", opened != NULL ? lite.errmsg(opened) : lite.errstr(code));
        if (opened != NULL) lite.close_v2(opened);
        return DLTAF_CLIENT_TRANSPORT;
    }
    lite.busy_timeout(opened, busy_timeout_ms);
    *db = opened;
    return DLTAF_CLIENT_OK;
}

void dltaf_lite_close(void *db) {
    if (db != NULL) lite.close_v2(db);
}

int dltaf_lite_exec(void *db, const char *sql) { return lite.exec(db, sql, NULL, NULL, NULL); }

const char *dltaf_lite_errmsg(void *db) { return lite.errmsg(db); }

long long dltaf_lite_changes(void *db) { return lite.changes(db); }

int dltaf_lite_prepare(void *db, const char *sql, void **statement) {
    return lite.prepare_v2(db, sql, -1, statement, NULL);
}

int dltaf_lite_bind_int64(void *statement, int index, long long value) {
    return lite.bind_int64(statement, index, value);
}

int dltaf_lite_bind_double(void *statement, int index, double value) {
    return lite.bind_double(statement, index, value);
}

int dltaf_lite_bind_text(void *statement, int index, const char *text, int length) {
    /* An empty Swift string may come without storage; SQLite needs a non-NULL pointer for '' (NULL is NULL). */
    return lite.bind_text(statement, index, text != NULL ? text : "", length, SQLITE_TRANSIENT);
}

int dltaf_lite_bind_text_static(void *statement, int index, const char *text, int length) {
    return lite.bind_text(statement, index, text != NULL ? text : "", length, NULL);
}

int dltaf_lite_bind_blob(void *statement, int index, const void *bytes, int length) {
    return lite.bind_blob(statement, index, bytes != NULL ? bytes : "", length, SQLITE_TRANSIENT);
}

int dltaf_lite_bind_null(void *statement, int index) { return lite.bind_null(statement, index); }

int dltaf_lite_step(void *statement) { return lite.step(statement); }

int dltaf_lite_reset(void *statement) { return lite.reset(statement); }

int dltaf_lite_finalize(void *statement) { return statement != NULL ? lite.finalize(statement) : DLTAF_LITE_OK; }

int dltaf_lite_column_count(void *statement) { return lite.column_count(statement); }

int dltaf_lite_column_type(void *statement, int column) { return lite.column_type(statement, column); }

long long dltaf_lite_column_int64(void *statement, int column) { return lite.column_int64(statement, column); }

double dltaf_lite_column_double(void *statement, int column) { return lite.column_double(statement, column); }

const void *dltaf_lite_column_bytes(void *statement, int column, int *length) {
    /* sqlite3_column_blob first, then sqlite3_column_bytes: the order SQLite documents as safe. */
    const void *bytes = lite.column_blob(statement, column);
    *length = lite.column_bytes(statement, column);
    return bytes;
}

const char *dltaf_lite_column_name(void *statement, int column) { return lite.column_name(statement, column); }

const char *dltaf_lite_column_decltype(void *statement, int column) {
    return lite.column_decltype(statement, column);
}
