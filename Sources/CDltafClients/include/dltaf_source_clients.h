#ifndef DLTAF_SOURCE_CLIENTS_H
#define DLTAF_SOURCE_CLIENTS_H

/*
 * The read paths of the built-in `sqldb` runner (DltafSQLDB): a MariaDB/MySQL connection through
 * libmariadb.so.3 with server-side prepared statements whose rows are fetched one at a time from the network
 * (never the whole result in memory). Same rules as dltaf_clients.h: the library is opened with dlopen on first
 * use, every call blocks, and no error text holds a password. Handles are opaque pointers owned by the caller,
 * used from one thread at a time.
 */

#include "dltaf_clients.h"

/* ---- MariaDB / MySQL (libmariadb.so.3) ---- */

/* Why a libmariadb call failed. */
typedef struct {
    /* A DLTAF_CLIENT_* kind: LIBRARY_MISSING, TRANSPORT (client-side errors, codes 2000-2999), QUERY (the
       server refused), INVALID_INPUT (refused before anything was sent). */
    int kind;
    /* The MySQL error number (1045, 2013, ...); 0 when there is none. */
    unsigned int code;
    /* The five-character SQLSTATE, empty when unknown. */
    char sqlstate[6];
    char message[DLTAF_CLIENT_ERROR_SIZE];
} dltaf_my_error;

/*
 * Connects over TCP (or the default socket when `host` is "localhost"), with `utf8mb4`, LOAD DATA LOCAL off and
 * option files unread, then sets the session time zone to UTC. `database` may be NULL. Returns a DLTAF_CLIENT_*
 * kind.
 */
int dltaf_my_open(const char *host, unsigned int port, const char *user, const char *password, const char *database,
                  unsigned int connect_timeout_seconds, void **conn, dltaf_my_error *error);
void dltaf_my_close(void *conn);

/* Runs one statement without results (the text protocol). */
int dltaf_my_exec(void *conn, const char *sql, unsigned long length, dltaf_my_error *error);

/* How the values of a result column are handed out by dltaf_my_value. */
enum {
    /* The bytes as the server sent them (text, decimals, dates, binary). */
    DLTAF_MY_BOUND_BYTES = 0,
    /* A signed 64-bit integer (8 bytes, native order). */
    DLTAF_MY_BOUND_INT64 = 1,
    /* An unsigned 64-bit integer (BIGINT UNSIGNED). */
    DLTAF_MY_BOUND_UINT64 = 2,
    /* A 4-byte float (FLOAT). */
    DLTAF_MY_BOUND_FLOAT = 3,
    /* An 8-byte double (DOUBLE). */
    DLTAF_MY_BOUND_DOUBLE = 4,
};

/* One column of a result, as the server describes it. Strings stay valid until the cursor is closed. */
typedef struct {
    const char *name;
    unsigned int name_length;
    /* The table as the query names it (an alias), for messages; may be empty. */
    const char *table;
    unsigned int table_length;
    /* MYSQL_TYPE_* (1 TINY, 8 LONGLONG, 246 NEWDECIMAL, 252 BLOB, 255 GEOMETRY, ...). */
    int type;
    /* NOT_NULL_FLAG 1, UNSIGNED_FLAG 32, BINARY_FLAG 128, ENUM_FLAG 256, SET_FLAG 2048, ... */
    unsigned int flags;
    /* The display width in bytes (TINYINT(1) has 1; DECIMAL(p,s) has p + sign + point). */
    unsigned long length;
    unsigned int decimals;
    /* 63 is `binary`: BLOB and VARBINARY, as opposed to TEXT and VARCHAR. */
    unsigned int charset;
    /* MariaDB's extended metadata (10.5 and later): the format ("json") and the data type name ("uuid",
       "point"); empty when the server sends none. */
    const char *format;
    unsigned int format_length;
    const char *data_type;
    unsigned int data_type_length;
    /* DLTAF_MY_BOUND_*. */
    int bound;
} dltaf_my_column;

/*
 * Prepares `sql` on the server, binds `count` text parameters (`params[i]` NULL is SQL NULL, `lengths[i]` its
 * byte count), executes it and binds the result columns, without buffering the result: rows are read by
 * dltaf_my_fetch as they arrive. The connection takes no other statement until the cursor is closed.
 */
int dltaf_my_query(void *conn, const char *sql, unsigned long length, int count, const char *const *params,
                   const unsigned long *lengths, void **cursor, dltaf_my_error *error);
/* The number of result columns (0 for a statement without a result set). */
unsigned int dltaf_my_column_count(const void *cursor);
/* Describes column `index` (0-based). */
void dltaf_my_column_info(const void *cursor, unsigned int index, dltaf_my_column *column);
/* Reads the next row: 1 when there is one, 0 at the end, -1 on an error (in `error`). */
int dltaf_my_fetch(void *cursor, dltaf_my_error *error);
/*
 * The value of column `index` of the current row: returns 1 for SQL NULL, else 0 with its bytes (as
 * DLTAF_MY_BOUND_* says) in `*bytes` and `*length`, valid until the next fetch or close.
 */
int dltaf_my_value(const void *cursor, unsigned int index, const void **bytes, unsigned long *length);
/* Frees the cursor, first reading and dropping any rows left (the connection is usable again afterwards). */
void dltaf_my_cursor_close(void *cursor);

#endif
