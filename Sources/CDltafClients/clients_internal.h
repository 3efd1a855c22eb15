#ifndef DLTAF_CLIENTS_INTERNAL_H
#define DLTAF_CLIENTS_INTERNAL_H

#include "dltaf_clients.h"

/* Opens `soname` (RTLD_NOW | RTLD_LOCAL); NULL when it is not installed. */
void *dltaf_open_library(const char *soname);

/* Looks up every name in `names` (NULL-terminated) into `slots`; returns the first missing name or NULL. */
const char *dltaf_resolve_symbols(void *library, const char *const *names, void **slots);

/*
 * Opens `soname` and stores each function of `names` (NULL-terminated) through the matching entry of `fields`.
 * Returns 1 on success; otherwise 0 with "soname" or "soname (no name)" in `error` (DLTAF_CLIENT_ERROR_SIZE).
 */
int dltaf_bind_library(const char *soname, const char *const *names, void **const *fields, char *error);

/* Monotonic milliseconds. */
double dltaf_now_ms(void);

/* Whether the token (may be NULL) is set. */
int dltaf_cancel_token_is_set(const dltaf_cancel_token *token);

/* Writes a formatted message into a DLTAF_CLIENT_ERROR_SIZE buffer. */
void dltaf_set_error(char *buffer, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Copies `text` into the buffer, turning line breaks into "; " and dropping trailing blanks. */
void dltaf_copy_message(char *buffer, const char *prefix, const char *text);

/*
 * Waits until `fd` is readable (`for_write` 0) or writable, the deadline passes, or the token is set, in
 * slices of at most 100 ms. Returns 1 when ready, 0 on the deadline, -1 when cancelled, -2 on a poll error.
 */
int dltaf_wait_socket(int fd, int for_write, double deadline_ms, const dltaf_cancel_token *token);

#endif
