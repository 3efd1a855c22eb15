/* HTTP through libcurl, opened with dlopen. The option and info numbers are libcurl's stable ABI values. */
#include "clients_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CURL_SONAME "libcurl.so.4"

enum {
    CURLOPT_WRITEDATA = 10001,
    CURLOPT_URL = 10002,
    CURLOPT_ERRORBUFFER = 10010,
    CURLOPT_WRITEFUNCTION = 20011,
    CURLOPT_POSTFIELDS = 10015,
    CURLOPT_USERAGENT = 10018,
    CURLOPT_HTTPHEADER = 10023,
    CURLOPT_HEADERDATA = 10029,
    CURLOPT_CUSTOMREQUEST = 10036,
    CURLOPT_NOPROGRESS = 43,
    CURLOPT_NOBODY = 44,
    CURLOPT_FOLLOWLOCATION = 52,
    CURLOPT_SSL_VERIFYPEER = 64,
    CURLOPT_CAINFO = 10065,
    CURLOPT_HEADERFUNCTION = 20079,
    CURLOPT_SSL_VERIFYHOST = 81,
    CURLOPT_NOSIGNAL = 99,
    CURLOPT_POSTFIELDSIZE_LARGE = 30120,
    CURLOPT_TIMEOUT_MS = 155,
    CURLOPT_CONNECTTIMEOUT_MS = 156,
    CURLOPT_PROTOCOLS = 181,
    CURLOPT_XFERINFODATA = 10057,
    CURLOPT_XFERINFOFUNCTION = 20219,
};

enum {
    CURLE_OK = 0,
    CURLE_UNSUPPORTED_PROTOCOL = 1,
    CURLE_URL_MALFORMAT = 3,
    CURLE_WRITE_ERROR = 23,
    CURLE_OPERATION_TIMEDOUT = 28,
    CURLE_ABORTED_BY_CALLBACK = 42,
};

#define CURLINFO_RESPONSE_CODE 0x200002
#define CURL_GLOBAL_DEFAULT 3L
#define CURLPROTO_HTTP_HTTPS 3L
#define CURL_ERROR_BUFFER 256

typedef struct curl_slist curl_slist;

static struct {
    int (*global_init)(long);
    void *(*easy_init)(void);
    int (*easy_setopt)(void *, int, ...);
    int (*easy_perform)(void *);
    int (*easy_getinfo)(void *, int, ...);
    void (*easy_cleanup)(void *);
    const char *(*easy_strerror)(int);
    curl_slist *(*slist_append)(curl_slist *, const char *);
    void (*slist_free_all)(curl_slist *);
} curl;

static const char *const curl_names[] = {
    "curl_global_init", "curl_easy_init",     "curl_easy_setopt",  "curl_easy_perform",   "curl_easy_getinfo",
    "curl_easy_cleanup", "curl_easy_strerror", "curl_slist_append", "curl_slist_free_all", NULL,
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static char curl_load_error[DLTAF_CLIENT_ERROR_SIZE];
static int curl_loaded;

static void load_curl(void) {
    void *library = dltaf_open_library(CURL_SONAME);
    if (library == NULL) {
        dltaf_set_error(curl_load_error, "%s", CURL_SONAME);
        return;
    }
    void *slots[sizeof curl_names / sizeof curl_names[0]];
    const char *missing = dltaf_resolve_symbols(library, curl_names, slots);
    if (missing != NULL) {
        dltaf_set_error(curl_load_error, "%s (no %s)", CURL_SONAME, missing);
        return;
    }
    void **fields[] = {
        (void **)&curl.global_init,   (void **)&curl.easy_init,     (void **)&curl.easy_setopt,
        (void **)&curl.easy_perform,  (void **)&curl.easy_getinfo,  (void **)&curl.easy_cleanup,
        (void **)&curl.easy_strerror, (void **)&curl.slist_append,  (void **)&curl.slist_free_all,
    };
    for (size_t index = 0; index < sizeof fields / sizeof fields[0]; index++) {
        memcpy(fields[index], &slots[index], sizeof(void *));
    }
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dltaf_set_error(curl_load_error, "%s (curl_global_init failed)", CURL_SONAME);
        return;
    }
    curl_loaded = 1;
}

typedef struct {
    unsigned char *data;
    size_t length;
    size_t capacity;
    size_t limit;
    int truncated;
} sink;

static int sink_append(sink *target, const char *bytes, size_t count) {
    size_t room = target->limit - target->length;
    size_t taken = count < room ? count : room;
    if (target->length + taken > target->capacity) {
        size_t capacity = target->capacity == 0 ? 4096 : target->capacity;
        while (capacity < target->length + taken) capacity *= 2;
        if (capacity > target->limit) capacity = target->limit;
        unsigned char *grown = realloc(target->data, capacity);
        if (grown == NULL) return 0;
        target->data = grown;
        target->capacity = capacity;
    }
    if (taken > 0) memcpy(target->data + target->length, bytes, taken);
    target->length += taken;
    if (taken < count) target->truncated = 1;
    return 1;
}

/* Body bytes: stop the transfer (CURLE_WRITE_ERROR) once the limit is reached. */
static size_t write_body(char *bytes, size_t size, size_t count, void *context) {
    sink *target = context;
    size_t total = size * count;
    if (!sink_append(target, bytes, total) || target->truncated) return 0;
    return total;
}

/* Header lines: keep only the last response's block (a 100 Continue comes first); drop beyond the limit. */
static size_t write_header(char *bytes, size_t size, size_t count, void *context) {
    sink *target = context;
    size_t total = size * count;
    if (total >= 5 && memcmp(bytes, "HTTP/", 5) == 0) {
        target->length = 0;
        target->truncated = 0;
    }
    if (!sink_append(target, bytes, total)) return 0;
    return total;
}

static int progress(void *context, int64_t download_total, int64_t downloaded, int64_t upload_total,
                    int64_t uploaded) {
    (void)download_total;
    (void)downloaded;
    (void)upload_total;
    (void)uploaded;
    return dltaf_cancel_token_is_set(context) ? 1 : 0;
}

static int classify(int code, int truncated) {
    switch (code) {
    case CURLE_OK: return DLTAF_CLIENT_OK;
    case CURLE_WRITE_ERROR: return truncated ? DLTAF_CLIENT_OK : DLTAF_CLIENT_TRANSPORT;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return DLTAF_CLIENT_INVALID_INPUT;
    case CURLE_OPERATION_TIMEDOUT: return DLTAF_CLIENT_TIMEOUT;
    case CURLE_ABORTED_BY_CALLBACK: return DLTAF_CLIENT_CANCELLED;
    default: return DLTAF_CLIENT_TRANSPORT;
    }
}

int dltaf_http_perform(const dltaf_http_request *request, dltaf_http_response *response,
                       dltaf_cancel_token *cancel) {
    memset(response, 0, sizeof *response);
    pthread_once(&curl_once, load_curl);
    if (!curl_loaded) {
        response->error_kind = DLTAF_CLIENT_LIBRARY_MISSING;
        memcpy(response->error, curl_load_error, sizeof response->error);
        return response->error_kind;
    }
    void *handle = curl.easy_init();
    if (handle == NULL) {
        response->error_kind = DLTAF_CLIENT_TRANSPORT;
        dltaf_set_error(response->error, "curl_easy_init failed");
        return response->error_kind;
    }
    curl_slist *headers = NULL;
    int list_ok = 1;
    for (size_t index = 0; index < request->header_count; index++) {
        curl_slist *extended = curl.slist_append(headers, request->headers[index]);
        if (extended == NULL) {
            list_ok = 0;
            break;
        }
        headers = extended;
    }
    sink body = {.limit = request->max_body_bytes};
    sink header_block = {.limit = request->max_header_bytes};
    char curl_error[CURL_ERROR_BUFFER] = {0};
    const char *method = request->method != NULL ? request->method : "GET";

    curl.easy_setopt(handle, CURLOPT_URL, request->url);
    curl.easy_setopt(handle, CURLOPT_PROTOCOLS, CURLPROTO_HTTP_HTTPS);
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl.easy_setopt(handle, CURLOPT_TIMEOUT_MS, request->timeout_ms);
    curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, request->timeout_ms);
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, curl_error);
    curl.easy_setopt(handle, CURLOPT_USERAGENT, "dltaf");
    curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, write_body);
    curl.easy_setopt(handle, CURLOPT_WRITEDATA, &body);
    curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, write_header);
    curl.easy_setopt(handle, CURLOPT_HEADERDATA, &header_block);
    curl.easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, progress);
    curl.easy_setopt(handle, CURLOPT_XFERINFODATA, cancel);
    curl.easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, request->verify_tls ? 1L : 0L);
    curl.easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, request->verify_tls ? 2L : 0L);
    if (request->ca_file != NULL) curl.easy_setopt(handle, CURLOPT_CAINFO, request->ca_file);
    if (headers != NULL) curl.easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    if (strcmp(method, "HEAD") == 0) {
        curl.easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0 || request->has_body) {
        curl.easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method);
    }
    if (request->has_body) {
        curl.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (int64_t)request->body_length);
        curl.easy_setopt(handle, CURLOPT_POSTFIELDS, request->body != NULL ? (const void *)request->body : "");
    }

    double started = dltaf_now_ms();
    int code = list_ok ? curl.easy_perform(handle) : -1;
    response->elapsed_ms = dltaf_now_ms() - started;
    if (code == -1) {
        response->error_kind = DLTAF_CLIENT_TRANSPORT;
        dltaf_set_error(response->error, "out of memory building the header list");
    } else {
        response->error_kind = classify(code, body.truncated);
        if (response->error_kind != DLTAF_CLIENT_OK) {
            dltaf_copy_message(response->error, NULL, curl_error[0] != '\0' ? curl_error : curl.easy_strerror(code));
        }
    }
    long status = 0;
    curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    response->status = status;
    response->body = body.data;
    response->body_length = body.length;
    response->body_truncated = body.truncated;
    response->headers = (char *)header_block.data;
    response->headers_length = header_block.length;
    curl.easy_cleanup(handle);
    if (headers != NULL) curl.slist_free_all(headers);
    return response->error_kind;
}

void dltaf_http_response_free(dltaf_http_response *response) {
    free(response->body);
    free(response->headers);
    response->body = NULL;
    response->headers = NULL;
}
