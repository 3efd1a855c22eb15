/* SQLite through libsqlite3, opened with dlopen: open read-only and count the schema objects. */
#include "clients_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define SQLITE_SONAME "libsqlite3.so.0"

enum { SQLITE_OK = 0, SQLITE_BUSY = 5, SQLITE_LOCKED = 6, SQLITE_ROW = 100, SQLITE_DONE = 101 };
enum { SQLITE_OPEN_READONLY = 0x00000001, SQLITE_OPEN_NOMUTEX = 0x00008000 };

static struct {
    int (*open_v2)(const char *, void **, int, const char *);
    int (*close_v2)(void *);
    int (*busy_timeout)(void *, int);
    int (*prepare_v2)(void *, const char *, int, void **, const char **);
    int (*step)(void *);
    long long (*column_int64)(void *, int);
    int (*finalize)(void *);
    const char *(*errmsg)(void *);
    const char *(*errstr)(int);
    const char *(*libversion)(void);
} lite;

static const char *const lite_names[] = {
    "sqlite3_open_v2", "sqlite3_close_v2", "sqlite3_busy_timeout", "sqlite3_prepare_v2", "sqlite3_step",
    "sqlite3_column_int64", "sqlite3_finalize", "sqlite3_errmsg", "sqlite3_errstr", "sqlite3_libversion",
    NULL,
};

static pthread_once_t lite_once = PTHREAD_ONCE_INIT;
static char lite_load_error[DLTAF_CLIENT_ERROR_SIZE];
static int lite_loaded;

static void load_sqlite(void) {
    void *library = dltaf_open_library(SQLITE_SONAME);
    if (library == NULL) {
        dltaf_set_error(lite_load_error, "%s", SQLITE_SONAME);
        return;
    }
    void *slots[sizeof lite_names / sizeof lite_names[0]];
    const char *missing = dltaf_resolve_symbols(library, lite_names, slots);
    if (missing != NULL) {
        dltaf_set_error(lite_load_error, "%s (no %s)", SQLITE_SONAME, missing);
        return;
    }
    void **fields[] = {
        (void **)&lite.open_v2,  (void **)&lite.close_v2, (void **)&lite.busy_timeout, (void **)&lite.prepare_v2,
        (void **)&lite.step,     (void **)&lite.column_int64, (void **)&lite.finalize, (void **)&lite.errmsg,
        (void **)&lite.errstr,   (void **)&lite.libversion,
    };
    for (size_t index = 0; index < sizeof fields / sizeof fields[0]; index++) {
        memcpy(fields[index], &slots[index], sizeof(void *));
    }
    lite_loaded = 1;
}

static int busy_or(int code, int otherwise) {
    return code == SQLITE_BUSY || code == SQLITE_LOCKED ? DLTAF_CLIENT_TIMEOUT : otherwise;
}

int dltaf_sqlite_check(const char *path, long timeout_ms, dltaf_sqlite_result *result) {
    memset(result, 0, sizeof *result);
    pthread_once(&lite_once, load_sqlite);
    if (!lite_loaded) {
        result->error_kind = DLTAF_CLIENT_LIBRARY_MISSING;
        memcpy(result->error, lite_load_error, sizeof result->error);
        return result->error_kind;
    }
    snprintf(result->library_version, sizeof result->library_version, "%s", lite.libversion());
    double started = dltaf_now_ms();
    void *db = NULL;
    int code = lite.open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (code != SQLITE_OK) {
        result->error_kind = DLTAF_CLIENT_TRANSPORT;
        dltaf_copy_message(result->error, "cannot open: ", db != NULL ? lite.errmsg(db) : lite.errstr(code));
    } else {
        lite.busy_timeout(db, timeout_ms > 0x7fffffff ? 0x7fffffff : (int)timeout_ms);
        void *statement = NULL;
        code = lite.prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &statement, NULL);
        if (code == SQLITE_OK) code = lite.step(statement);
        if (code == SQLITE_ROW) {
            result->schema_objects = lite.column_int64(statement, 0);
        } else {
            result->error_kind = busy_or(code, DLTAF_CLIENT_QUERY);
            dltaf_copy_message(result->error, NULL, lite.errmsg(db));
        }
        if (statement != NULL) lite.finalize(statement);
    }
    if (db != NULL) lite.close_v2(db);
    result->elapsed_ms = dltaf_now_ms() - started;
    return result->error_kind;
}
