#include "clients_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dltaf_cancel_token {
    atomic_int set;
};

dltaf_cancel_token *dltaf_cancel_token_create(void) {
    dltaf_cancel_token *token = malloc(sizeof *token);
    if (token != NULL) atomic_init(&token->set, 0);
    return token;
}

void dltaf_cancel_token_cancel(dltaf_cancel_token *token) {
    if (token != NULL) atomic_store(&token->set, 1);
}

void dltaf_cancel_token_destroy(dltaf_cancel_token *token) { free(token); }

int dltaf_cancel_token_is_set(const dltaf_cancel_token *token) {
    return token != NULL && atomic_load(&((dltaf_cancel_token *)token)->set) != 0;
}

void *dltaf_open_library(const char *soname) { return dlopen(soname, RTLD_NOW | RTLD_LOCAL); }

int dltaf_clients_library_available(const char *soname) {
    void *library = dltaf_open_library(soname);
    if (library == NULL) return 0;
    dlclose(library);
    return 1;
}

const char *dltaf_resolve_symbols(void *library, const char *const *names, void **slots) {
    for (size_t index = 0; names[index] != NULL; index++) {
        slots[index] = dlsym(library, names[index]);
        if (slots[index] == NULL) return names[index];
    }
    return NULL;
}

int dltaf_bind_library(const char *soname, const char *const *names, void **const *fields, char *error) {
    void *library = dltaf_open_library(soname);
    if (library == NULL) {
        dltaf_set_error(error, "%s", soname);
        return 0;
    }
    for (size_t index = 0; names[index] != NULL; index++) {
        void *symbol = dlsym(library, names[index]);
        if (symbol == NULL) {
            dltaf_set_error(error, "%s (no %s)", soname, names[index]);
            return 0;
        }
        /* Object and function pointers share a representation on every platform dltaf runs on. */
        memcpy(fields[index], &symbol, sizeof symbol);
    }
    return 1;
}

double dltaf_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

void dltaf_set_error(char *buffer, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(buffer, DLTAF_CLIENT_ERROR_SIZE, format, arguments);
    va_end(arguments);
}

void dltaf_copy_message(char *buffer, const char *prefix, const char *text) {
    size_t used = 0;
    size_t capacity = DLTAF_CLIENT_ERROR_SIZE - 1;
    for (const char *p = prefix; p != NULL && *p != '\0' && used < capacity; p++) buffer[used++] = *p;
    int pending_break = 0;
    for (const char *p = text; p != NULL && *p != '\0' && used < capacity; p++) {
        if (*p == '\n' || *p == '\r') {
            pending_break = 1;
            continue;
        }
        if (pending_break && (*p == ' ' || *p == '\t')) continue;
        if (pending_break) {
            if (used + 2 < capacity) {
                buffer[used++] = ';';
                buffer[used++] = ' ';
            }
            pending_break = 0;
        }
        buffer[used++] = *p;
    }
    while (used > 0 && (buffer[used - 1] == ' ' || buffer[used - 1] == '\t')) used--;
    buffer[used] = '\0';
}

int dltaf_wait_socket(int fd, int for_write, double deadline_ms, const dltaf_cancel_token *token) {
    if (fd < 0) return -2;
    for (;;) {
        if (dltaf_cancel_token_is_set(token)) return -1;
        double remaining = deadline_ms - dltaf_now_ms();
        if (remaining <= 0) return 0;
        int slice = remaining > 100 ? 100 : (int)remaining + 1;
        struct pollfd entry = {.fd = fd, .events = for_write ? POLLOUT : POLLIN, .revents = 0};
        int ready = poll(&entry, 1, slice);
        if (ready > 0) return 1;
        if (ready < 0 && errno != EINTR) return -2;
    }
}
