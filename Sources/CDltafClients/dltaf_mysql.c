/* MariaDB/MySQL for the sqldb source, opened with dlopen: prepared statements whose rows stream from the server. */
#include "clients_internal.h"
#include "dltaf_source_clients.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MY_SONAME "libmariadb.so.3"

typedef char my_bool;

/* The C API's structs as libmariadb.so.3 (Connector/C 3.x) lays them out; only the members used are named. */
typedef struct {
    unsigned long *length;
    my_bool *is_null;
    void *buffer;
    my_bool *error;
    unsigned char *row_ptr;
    void *store_param_func;
    void *fetch_result;
    void *skip_result;
    unsigned long buffer_length;
    unsigned long offset;
    unsigned long length_value;
    unsigned int flags;
    unsigned int pack_length;
    int buffer_type;
    my_bool error_value;
    my_bool is_unsigned;
    my_bool long_data_used;
    my_bool is_null_value;
    void *extension;
} my_bind;

typedef struct {
    char *name;
    char *org_name;
    char *table;
    char *org_table;
    char *db;
    char *catalog;
    char *def;
    unsigned long length;
    unsigned long max_length;
    unsigned int name_length;
    unsigned int org_name_length;
    unsigned int table_length;
    unsigned int org_table_length;
    unsigned int db_length;
    unsigned int catalog_length;
    unsigned int def_length;
    unsigned int flags;
    unsigned int decimals;
    unsigned int charsetnr;
    int type;
    void *extension;
} my_field;

typedef struct {
    const char *str;
    size_t length;
} my_const_string;

_Static_assert(sizeof(void *) != 8 || sizeof(my_bind) == 112, "MYSQL_BIND of Connector/C 3.x");
_Static_assert(sizeof(void *) != 8 || sizeof(my_field) == 128, "MYSQL_FIELD of Connector/C 3.x");

enum { OPT_CONNECT_TIMEOUT = 0, OPT_SET_CHARSET_NAME = 7, OPT_LOCAL_INFILE = 8 };
enum { STMT_ATTR_UPDATE_MAX_LENGTH = 0 };
enum { FETCH_NO_DATA = 100, FETCH_DATA_TRUNCATED = 101 };
enum { FIELD_ATTR_DATA_TYPE_NAME = 0, FIELD_ATTR_FORMAT_NAME = 1 };
enum {
    TYPE_TINY = 1,
    TYPE_SHORT = 2,
    TYPE_LONG = 3,
    TYPE_FLOAT = 4,
    TYPE_DOUBLE = 5,
    TYPE_NULL = 6,
    TYPE_LONGLONG = 8,
    TYPE_INT24 = 9,
    TYPE_YEAR = 13,
    TYPE_STRING = 254,
};
enum { UNSIGNED_FLAG = 32 };

static struct {
    int (*server_init)(int, char **, char **);
    void *(*init)(void *);
    int (*options)(void *, int, const void *);
    void *(*real_connect)(void *, const char *, const char *, const char *, const char *, unsigned int,
                          const char *, unsigned long);
    void (*close)(void *);
    int (*real_query)(void *, const char *, unsigned long);
    unsigned int (*errno_of)(void *);
    const char *(*error_of)(void *);
    const char *(*sqlstate_of)(void *);
    void *(*stmt_init)(void *);
    int (*stmt_prepare)(void *, const char *, unsigned long);
    unsigned long (*stmt_param_count)(void *);
    my_bool (*stmt_attr_set)(void *, int, const void *);
    my_bool (*stmt_bind_param)(void *, my_bind *);
    int (*stmt_execute)(void *);
    void *(*stmt_result_metadata)(void *);
    my_bool (*stmt_bind_result)(void *, my_bind *);
    int (*stmt_fetch)(void *);
    int (*stmt_fetch_column)(void *, my_bind *, unsigned int, unsigned long);
    my_bool (*stmt_close)(void *);
    unsigned int (*stmt_errno)(void *);
    const char *(*stmt_error)(void *);
    const char *(*stmt_sqlstate)(void *);
    unsigned int (*num_fields)(void *);
    my_field *(*fetch_field_direct)(void *, unsigned int);
    void (*free_result)(void *);
} my;

/* Present since Connector/C 3.1; looked up on its own so that an older library still works without it. */
static int (*my_field_attr)(my_const_string *, const my_field *, int);

static const char *const my_names[] = {
    "mysql_server_init",   "mysql_init",           "mysql_options",         "mysql_real_connect",
    "mysql_close",         "mysql_real_query",     "mysql_errno",           "mysql_error",
    "mysql_sqlstate",      "mysql_stmt_init",      "mysql_stmt_prepare",    "mysql_stmt_param_count",
    "mysql_stmt_attr_set", "mysql_stmt_bind_param", "mysql_stmt_execute",   "mysql_stmt_result_metadata",
    "mysql_stmt_bind_result", "mysql_stmt_fetch",  "mysql_stmt_fetch_column", "mysql_stmt_close",
    "mysql_stmt_errno",    "mysql_stmt_error",     "mysql_stmt_sqlstate",   "mysql_num_fields",
    "mysql_fetch_field_direct", "mysql_free_result", NULL,
};

static pthread_once_t my_once = PTHREAD_ONCE_INIT;
static char my_load_error[DLTAF_CLIENT_ERROR_SIZE];
static int my_loaded;

static void load_mariadb(void) {
    void **const fields[] = {
        (void **)&my.server_init,      (void **)&my.init,
        (void **)&my.options,          (void **)&my.real_connect,
        (void **)&my.close,            (void **)&my.real_query,
        (void **)&my.errno_of,         (void **)&my.error_of,
        (void **)&my.sqlstate_of,      (void **)&my.stmt_init,
        (void **)&my.stmt_prepare,     (void **)&my.stmt_param_count,
        (void **)&my.stmt_attr_set,    (void **)&my.stmt_bind_param,
        (void **)&my.stmt_execute,     (void **)&my.stmt_result_metadata,
        (void **)&my.stmt_bind_result, (void **)&my.stmt_fetch,
        (void **)&my.stmt_fetch_column, (void **)&my.stmt_close,
        (void **)&my.stmt_errno,       (void **)&my.stmt_error,
        (void **)&my.stmt_sqlstate,    (void **)&my.num_fields,
        (void **)&my.fetch_field_direct, (void **)&my.free_result,
    };
    my_loaded = dltaf_bind_library(MY_SONAME, my_names, fields, my_load_error);
    if (!my_loaded) return;
    void *library = dltaf_open_library(MY_SONAME);
    void *attr = library != NULL ? dlsym(library, "mariadb_field_attr") : NULL;
    if (attr != NULL) memcpy(&my_field_attr, &attr, sizeof attr);
    /* Not thread-safe, so once here rather than implicitly inside the first mysql_init. */
    if (my.server_init(0, NULL, NULL) != 0) {
        my_loaded = 0;
        dltaf_set_error(my_load_error, "%s (mysql_server_init failed)", MY_SONAME);
    }
}

static void set_error(dltaf_my_error *error, unsigned int code, const char *state, const char *step,
                      const char *text) {
    memset(error, 0, sizeof *error);
    error->code = code;
    error->kind = code >= 2000 && code < 3000 ? DLTAF_CLIENT_TRANSPORT : DLTAF_CLIENT_QUERY;
    if (state != NULL) snprintf(error->sqlstate, sizeof error->sqlstate, "%s", state);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: ", step);
    dltaf_copy_message(error->message, prefix, text != NULL && text[0] != '\0' ? text : "failed");
}

static int conn_error(void *conn, const char *step, dltaf_my_error *error) {
    set_error(error, my.errno_of(conn), my.sqlstate_of(conn), step, my.error_of(conn));
    return error->kind;
}

static int stmt_error(void *stmt, const char *step, dltaf_my_error *error) {
    set_error(error, my.stmt_errno(stmt), my.stmt_sqlstate(stmt), step, my.stmt_error(stmt));
    return error->kind;
}

static int loaded(dltaf_my_error *error) {
    memset(error, 0, sizeof *error);
    pthread_once(&my_once, load_mariadb);
    if (my_loaded) return 1;
    error->kind = DLTAF_CLIENT_LIBRARY_MISSING;
    memcpy(error->message, my_load_error, sizeof error->message);
    return 0;
}

int dltaf_my_open(const char *host, unsigned int port, const char *user, const char *password, const char *database,
                  unsigned int connect_timeout_seconds, void **conn, dltaf_my_error *error) {
    *conn = NULL;
    if (!loaded(error)) return error->kind;
    void *opened = my.init(NULL);
    if (opened == NULL) {
        error->kind = DLTAF_CLIENT_TRANSPORT;
        dltaf_set_error(error->message, "connecting: out of memory");
        return error->kind;
    }
    unsigned int off = 0;
    my.options(opened, OPT_CONNECT_TIMEOUT, &connect_timeout_seconds);
    my.options(opened, OPT_SET_CHARSET_NAME, "utf8mb4");
    /* A query must not be able to make the client send a local file (LOAD DATA LOCAL INFILE). */
    my.options(opened, OPT_LOCAL_INFILE, &off);
    if (my.real_connect(opened, host, user, password, database, port, NULL, 0) == NULL) {
        int kind = conn_error(opened, "connecting", error);
        my.close(opened);
        return kind;
    }
    /* UTC so TIMESTAMP values arrive as UTC. A slow reader of a streamed result (the loader committing) must
       not run into the server's 60 s net_write_timeout; 600 s is Connector/J's default for streamed results. */
    static const char session[] = "SET time_zone = '+00:00', net_write_timeout = 600";
    if (my.real_query(opened, session, sizeof session - 1) != 0) {
        int kind = conn_error(opened, "setting up the session", error);
        my.close(opened);
        return kind;
    }
    *conn = opened;
    return DLTAF_CLIENT_OK;
}

void dltaf_my_close(void *conn) {
    if (conn != NULL) my.close(conn);
}

int dltaf_my_exec(void *conn, const char *sql, unsigned long length, dltaf_my_error *error) {
    memset(error, 0, sizeof *error);
    if (my.real_query(conn, sql, length) != 0) return conn_error(conn, "running a statement", error);
    return DLTAF_CLIENT_OK;
}

/* ---- statements ---- */

typedef struct {
    void *stmt;
    void *metadata;
    unsigned int count;
    my_bind *binds;
    dltaf_my_column *columns;
    unsigned long *lengths;
    my_bool *nulls;
    my_bool *truncated;
    /* Text and bytes columns: a buffer each, grown when a value does not fit. Numbers: 8 bytes in `scalars`. */
    unsigned char **buffers;
    unsigned long *capacities;
    long long *scalars;
    /* Set when a buffer grew: the binds are handed to the statement again before the next fetch. */
    int rebind;
} my_cursor;

/* The first buffer of a text or bytes column: its declared width, between 64 bytes and 8 KiB. */
static unsigned long initial_capacity(unsigned long width) {
    if (width < 64) return 64;
    return width > 8192 ? 8192 : width + 1;
}

static void free_cursor(my_cursor *cursor) {
    if (cursor->metadata != NULL) my.free_result(cursor->metadata);
    /* Closing an unbuffered statement reads and drops its remaining rows first. */
    if (cursor->stmt != NULL) my.stmt_close(cursor->stmt);
    if (cursor->buffers != NULL) {
        for (unsigned int index = 0; index < cursor->count; index++) free(cursor->buffers[index]);
    }
    free(cursor->buffers);
    free(cursor->capacities);
    free(cursor->scalars);
    free(cursor->binds);
    free(cursor->columns);
    free(cursor->lengths);
    free(cursor->nulls);
    free(cursor->truncated);
    free(cursor);
}

static void attribute(const my_field *field, int which, const char **text, unsigned int *length) {
    static const char empty[] = "";
    *text = empty;
    *length = 0;
    my_const_string value = {NULL, 0};
    if (my_field_attr != NULL && my_field_attr(&value, field, which) == 0 && value.str != NULL) {
        *text = value.str;
        *length = (unsigned int)value.length;
    }
}

/* Describes column `index` and binds it: integers as 64-bit, FLOAT and DOUBLE natively, the rest as bytes. */
static int bind_column(my_cursor *cursor, unsigned int index) {
    const my_field *field = my.fetch_field_direct(cursor->metadata, index);
    dltaf_my_column *column = &cursor->columns[index];
    column->name = field->name;
    column->name_length = field->name_length;
    column->table = field->table != NULL ? field->table : "";
    column->table_length = field->table != NULL ? field->table_length : 0;
    column->type = field->type;
    column->flags = field->flags;
    column->length = field->length;
    column->decimals = field->decimals;
    column->charset = field->charsetnr;
    attribute(field, FIELD_ATTR_FORMAT_NAME, &column->format, &column->format_length);
    attribute(field, FIELD_ATTR_DATA_TYPE_NAME, &column->data_type, &column->data_type_length);

    my_bind *bind = &cursor->binds[index];
    bind->length = &cursor->lengths[index];
    bind->is_null = &cursor->nulls[index];
    bind->error = &cursor->truncated[index];
    switch (field->type) {
    case TYPE_TINY:
    case TYPE_SHORT:
    case TYPE_LONG:
    case TYPE_LONGLONG:
    case TYPE_INT24:
    case TYPE_YEAR:
        bind->buffer_type = TYPE_LONGLONG;
        bind->is_unsigned = (field->flags & UNSIGNED_FLAG) != 0;
        column->bound = field->type == TYPE_LONGLONG && bind->is_unsigned ? DLTAF_MY_BOUND_UINT64 : DLTAF_MY_BOUND_INT64;
        break;
    case TYPE_FLOAT:
        bind->buffer_type = TYPE_FLOAT;
        column->bound = DLTAF_MY_BOUND_FLOAT;
        break;
    case TYPE_DOUBLE:
        bind->buffer_type = TYPE_DOUBLE;
        column->bound = DLTAF_MY_BOUND_DOUBLE;
        break;
    default:
        bind->buffer_type = TYPE_STRING;
        column->bound = DLTAF_MY_BOUND_BYTES;
        cursor->capacities[index] = initial_capacity(field->length);
        cursor->buffers[index] = malloc(cursor->capacities[index]);
        if (cursor->buffers[index] == NULL) return 0;
        bind->buffer = cursor->buffers[index];
        bind->buffer_length = cursor->capacities[index];
        return 1;
    }
    bind->buffer = &cursor->scalars[index];
    bind->buffer_length = sizeof cursor->scalars[index];
    return 1;
}

static int bind_results(my_cursor *cursor, dltaf_my_error *error) {
    cursor->metadata = my.stmt_result_metadata(cursor->stmt);
    if (cursor->metadata == NULL) return DLTAF_CLIENT_OK; /* no result set (an UPDATE, a SET) */
    unsigned int count = my.num_fields(cursor->metadata);
    cursor->count = count;
    cursor->binds = calloc(count, sizeof *cursor->binds);
    cursor->columns = calloc(count, sizeof *cursor->columns);
    cursor->lengths = calloc(count, sizeof *cursor->lengths);
    cursor->nulls = calloc(count, sizeof *cursor->nulls);
    cursor->truncated = calloc(count, sizeof *cursor->truncated);
    cursor->buffers = calloc(count, sizeof *cursor->buffers);
    cursor->capacities = calloc(count, sizeof *cursor->capacities);
    cursor->scalars = calloc(count, sizeof *cursor->scalars);
    int ok = count == 0 || (cursor->binds != NULL && cursor->columns != NULL && cursor->lengths != NULL &&
                            cursor->nulls != NULL && cursor->truncated != NULL && cursor->buffers != NULL &&
                            cursor->capacities != NULL && cursor->scalars != NULL);
    for (unsigned int index = 0; ok && index < count; index++) ok = bind_column(cursor, index);
    if (!ok) {
        error->kind = DLTAF_CLIENT_TRANSPORT;
        dltaf_set_error(error->message, "binding the result: out of memory");
        return error->kind;
    }
    if (count > 0 && my.stmt_bind_result(cursor->stmt, cursor->binds)) {
        return stmt_error(cursor->stmt, "binding the result", error);
    }
    return DLTAF_CLIENT_OK;
}

static int prepare_and_execute(my_cursor *cursor, const char *sql, unsigned long length, int count,
                               const char *const *params, const unsigned long *lengths, dltaf_my_error *error) {
    void *stmt = cursor->stmt;
    if (my.stmt_prepare(stmt, sql, length) != 0) return stmt_error(stmt, "preparing", error);
    unsigned long expected = my.stmt_param_count(stmt);
    if (expected != (unsigned long)count) {
        error->kind = DLTAF_CLIENT_INVALID_INPUT;
        dltaf_set_error(error->message, "the statement has %lu placeholders but %d parameters were given", expected,
                        count);
        return error->kind;
    }
    /* Rows are fetched one at a time: no buffered result, and no pass over it to compute max_length. */
    my_bool off = 0;
    my.stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &off);
    if (count > 0) {
        my_bind *binds = calloc((size_t)count, sizeof *binds);
        unsigned long *sizes = calloc((size_t)count, sizeof *sizes);
        if (binds == NULL || sizes == NULL) {
            free(binds);
            free(sizes);
            error->kind = DLTAF_CLIENT_TRANSPORT;
            dltaf_set_error(error->message, "binding parameters: out of memory");
            return error->kind;
        }
        for (int index = 0; index < count; index++) {
            if (params[index] == NULL) {
                binds[index].buffer_type = TYPE_NULL;
                continue;
            }
            /* Text the server converts by context, as for a literal. */
            sizes[index] = lengths[index];
            binds[index].buffer_type = TYPE_STRING;
            binds[index].buffer = (void *)params[index];
            binds[index].buffer_length = lengths[index];
            binds[index].length = &sizes[index];
        }
        my_bool failed = my.stmt_bind_param(stmt, binds);
        /* The server gets the values in execute; libmariadb keeps its own copy of the binds. */
        int status = failed ? stmt_error(stmt, "binding parameters", error) : DLTAF_CLIENT_OK;
        if (status == DLTAF_CLIENT_OK && my.stmt_execute(stmt) != 0) status = stmt_error(stmt, "executing", error);
        free(binds);
        free(sizes);
        if (status != DLTAF_CLIENT_OK) return status;
    } else if (my.stmt_execute(stmt) != 0) {
        return stmt_error(stmt, "executing", error);
    }
    return bind_results(cursor, error);
}

int dltaf_my_query(void *conn, const char *sql, unsigned long length, int count, const char *const *params,
                   const unsigned long *lengths, void **cursor, dltaf_my_error *error) {
    memset(error, 0, sizeof *error);
    *cursor = NULL;
    my_cursor *opened = calloc(1, sizeof *opened);
    if (opened == NULL) {
        error->kind = DLTAF_CLIENT_TRANSPORT;
        dltaf_set_error(error->message, "preparing: out of memory");
        return error->kind;
    }
    opened->stmt = my.stmt_init(conn);
    if (opened->stmt == NULL) {
        int kind = conn_error(conn, "preparing", error);
        free(opened);
        return kind;
    }
    int kind = prepare_and_execute(opened, sql, length, count, params, lengths, error);
    if (kind != DLTAF_CLIENT_OK) {
        free_cursor(opened);
        return kind;
    }
    *cursor = opened;
    return DLTAF_CLIENT_OK;
}

unsigned int dltaf_my_column_count(const void *cursor) { return ((const my_cursor *)cursor)->count; }

void dltaf_my_column_info(const void *cursor, unsigned int index, dltaf_my_column *column) {
    *column = ((const my_cursor *)cursor)->columns[index];
}

/*
 * Reads the values that did not fit their buffer (their length, reported in full, exceeds it) again with
 * mysql_stmt_fetch_column, into buffers grown to fit. Judged by length rather than by the truncation flags so
 * that it holds whatever MYSQL_REPORT_DATA_TRUNCATION is set to.
 */
static int fetch_long_values(my_cursor *cursor, dltaf_my_error *error) {
    for (unsigned int index = 0; index < cursor->count; index++) {
        unsigned long needed = cursor->lengths[index];
        unsigned long capacity = cursor->capacities[index];
        if (cursor->columns[index].bound != DLTAF_MY_BOUND_BYTES || cursor->nulls[index] || needed <= capacity) {
            continue;
        }
        while (capacity < needed) capacity = capacity > (~0UL >> 1) ? needed : capacity * 2;
        unsigned char *grown = realloc(cursor->buffers[index], capacity);
        if (grown == NULL) {
            error->kind = DLTAF_CLIENT_TRANSPORT;
            dltaf_set_error(error->message, "fetching: out of memory for a value of %lu bytes", needed);
            return -1;
        }
        cursor->buffers[index] = grown;
        cursor->capacities[index] = capacity;
        my_bind *bind = &cursor->binds[index];
        bind->buffer = grown;
        bind->buffer_length = capacity;
        if (my.stmt_fetch_column(cursor->stmt, bind, index, 0) != 0) {
            stmt_error(cursor->stmt, "fetching a long value", error);
            return -1;
        }
        cursor->rebind = 1;
    }
    return 1;
}

int dltaf_my_fetch(void *cursor, dltaf_my_error *error) {
    memset(error, 0, sizeof *error);
    my_cursor *open = cursor;
    if (open->count == 0) return 0;
    if (open->rebind) {
        if (my.stmt_bind_result(open->stmt, open->binds)) {
            stmt_error(open->stmt, "binding the result", error);
            return -1;
        }
        open->rebind = 0;
    }
    int status = my.stmt_fetch(open->stmt);
    if (status == 0 || status == FETCH_DATA_TRUNCATED) return fetch_long_values(open, error);
    if (status == FETCH_NO_DATA) return 0;
    stmt_error(open->stmt, "fetching", error);
    return -1;
}

int dltaf_my_value(const void *cursor, unsigned int index, const void **bytes, unsigned long *length) {
    const my_cursor *open = cursor;
    if (open->nulls[index]) {
        *bytes = NULL;
        *length = 0;
        return 1;
    }
    switch (open->columns[index].bound) {
    case DLTAF_MY_BOUND_BYTES:
        *bytes = open->buffers[index];
        *length = open->lengths[index];
        break;
    case DLTAF_MY_BOUND_FLOAT:
        *bytes = &open->scalars[index];
        *length = sizeof(float);
        break;
    default:
        *bytes = &open->scalars[index];
        *length = sizeof(long long);
        break;
    }
    return 0;
}

void dltaf_my_cursor_close(void *cursor) {
    if (cursor != NULL) free_cursor(cursor);
}
