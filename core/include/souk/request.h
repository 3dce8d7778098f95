/* Souk public API: what a handler can read from the request. */
#ifndef SOUK_REQUEST_H
#define SOUK_REQUEST_H

#include <cjson/cJSON.h>
#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A file field of a multipart/form-data body. */
typedef struct {
    const char  *name;          /* form field name */
    const char  *filename;      /* as sent by the client, never a path */
    const char  *content_type;  /* as sent; "application/octet-stream" if none */
    const char  *data;          /* the bytes, not NUL-terminated */
    size_t       len;
} souk_upload_t;

/*
 * Everything returned here is owned by the request and valid until the
 * response has been sent. Strings are NUL-terminated, percent-decoded and
 * valid UTF-8 (the core answered 400 otherwise). Look-ups return the first
 * value of a name, or NULL when there is none.
 */

/* SOUK_GET, SOUK_POST, ... (HEAD requests report SOUK_HEAD). */
SOUK_API unsigned souk_request_method(const souk_request_t *r);
SOUK_API const char *souk_request_method_name(const souk_request_t *r);

/* The decoded, normalised path, with a site's path prefix removed. */
SOUK_API const char *souk_request_path(const souk_request_t *r);
/* The raw query string (still encoded), "" when there is none. */
SOUK_API const char *souk_request_query_string(const souk_request_t *r);
SOUK_API const char *souk_request_query(const souk_request_t *r,
    const char *name);
/* Case-insensitive header look-up ("Accept", "User-Agent", ...). */
SOUK_API const char *souk_request_header(const souk_request_t *r,
    const char *name);
SOUK_API const char *souk_request_cookie(const souk_request_t *r,
    const char *name);
/* A field of an urlencoded or multipart body. */
SOUK_API const char *souk_request_form(const souk_request_t *r,
    const char *name);
SOUK_API const souk_upload_t *souk_request_upload(const souk_request_t *r,
    const char *name);
/* Every file field, in the order received; *n is set to the count. */
SOUK_API const souk_upload_t *souk_request_uploads(const souk_request_t *r,
    size_t *n);
/* The parsed body when it was application/json, else NULL. */
SOUK_API const cJSON *souk_request_json(const souk_request_t *r);
/* The raw body; *len is set to its length. "" and 0 when there is none. */
SOUK_API const char *souk_request_body(const souk_request_t *r, size_t *len);

/*
 * All pairs of one kind, in the order received; *n is set to the count.
 * Kinds: "query", "form", "header", "cookie", "param".
 */
SOUK_API const souk_kv_t *souk_request_pairs(const souk_request_t *r,
    const char *kind, size_t *n);

/* A named route parameter ("slug" of "/product/{slug}"). */
SOUK_API const char *souk_request_param(const souk_request_t *r,
    const char *name);

/* The request id that the access log and error lines carry. */
SOUK_API const char *souk_request_id(const souk_request_t *r);
SOUK_API const char *souk_request_remote_addr(const souk_request_t *r);
/* Non-zero when the request reached the web server over TLS. */
SOUK_API int souk_request_https(const souk_request_t *r);
/* Non-zero when the client asked for JSON (Accept or an /api/ path). */
SOUK_API int souk_request_wants_json(const souk_request_t *r);

SOUK_API souk_pool_t *souk_request_pool(souk_request_t *r);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_REQUEST_H */
