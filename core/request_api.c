/* What handlers read from a parsed request: the souk/request.h accessors. */
#include <string.h>
#include <strings.h>

#include "souk_core.h"

static const char *
req_lookup(const souk_kv_t *kv, size_t n, const char *name, int nocase)
{
    size_t  i;

    if (name == NULL) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if ((nocase ? strcasecmp(kv[i].name, name)
                    : strcmp(kv[i].name, name)) == 0)
        {
            return kv[i].value;
        }
    }
    return NULL;
}

SOUK_API unsigned
souk_request_method(const souk_request_t *r)
{
    return r->method;
}

SOUK_API const char *
souk_request_method_name(const souk_request_t *r)
{
    return r->method_name != NULL ? r->method_name : "";
}

SOUK_API const char *
souk_request_path(const souk_request_t *r)
{
    if (r->path != NULL) {
        return r->path;
    }
    return r->full_path != NULL ? r->full_path : "/";
}

SOUK_API const char *
souk_request_query_string(const souk_request_t *r)
{
    return r->query_string != NULL ? r->query_string : "";
}

SOUK_API const char *
souk_request_query(const souk_request_t *r, const char *name)
{
    return req_lookup(r->query, r->nquery, name, 0);
}

SOUK_API const char *
souk_request_header(const souk_request_t *r, const char *name)
{
    return req_lookup(r->headers, r->nheaders, name, 1);
}

SOUK_API const char *
souk_request_cookie(const souk_request_t *r, const char *name)
{
    return req_lookup(r->cookies, r->ncookies, name, 0);
}

SOUK_API const char *
souk_request_form(const souk_request_t *r, const char *name)
{
    return req_lookup(r->form, r->nform, name, 0);
}

SOUK_API const souk_upload_t *
souk_request_upload(const souk_request_t *r, const char *name)
{
    size_t  i;

    if (name == NULL) {
        return NULL;
    }
    for (i = 0; i < r->nuploads; i++) {
        if (strcmp(r->uploads[i].name, name) == 0) {
            return &r->uploads[i];
        }
    }
    return NULL;
}

SOUK_API const souk_upload_t *
souk_request_uploads(const souk_request_t *r, size_t *n)
{
    *n = r->nuploads;
    return r->uploads;
}

SOUK_API const cJSON *
souk_request_json(const souk_request_t *r)
{
    return r->json;
}

SOUK_API const char *
souk_request_body(const souk_request_t *r, size_t *len)
{
    if (r->body == NULL) {
        if (len != NULL) {
            *len = 0;
        }
        return "";
    }
    if (len != NULL) {
        *len = r->body_len;
    }
    return r->body;
}

SOUK_API const souk_kv_t *
souk_request_pairs(const souk_request_t *r, const char *kind, size_t *n)
{
    static const souk_kv_t  none[1];
    const souk_kv_t        *kv = NULL;
    size_t                  count = 0;

    if (kind == NULL) {
        kind = "";
    }
    if (strcmp(kind, "query") == 0) {
        kv = r->query;
        count = r->nquery;
    } else if (strcmp(kind, "form") == 0) {
        kv = r->form;
        count = r->nform;
    } else if (strcmp(kind, "header") == 0) {
        kv = r->headers;
        count = r->nheaders;
    } else if (strcmp(kind, "cookie") == 0) {
        kv = r->cookies;
        count = r->ncookies;
    } else if (strcmp(kind, "param") == 0) {
        kv = r->params;
        count = r->nparams;
    } else {
        if (n != NULL) {
            *n = 0;
        }
        return NULL;
    }
    if (n != NULL) {
        *n = count;
    }
    /* A known kind with no pairs gives an empty array, not NULL, so a
     * caller can loop without a check. */
    return kv != NULL ? kv : none;
}

SOUK_API const char *
souk_request_param(const souk_request_t *r, const char *name)
{
    return req_lookup(r->params, r->nparams, name, 0);
}

SOUK_API const char *
souk_request_id(const souk_request_t *r)
{
    return r->id;
}

SOUK_API const char *
souk_request_remote_addr(const souk_request_t *r)
{
    return r->remote_addr != NULL ? r->remote_addr : "";
}

SOUK_API int
souk_request_https(const souk_request_t *r)
{
    return r->https;
}

SOUK_API int
souk_request_wants_json(const souk_request_t *r)
{
    return r->wants_json;
}

SOUK_API souk_pool_t *
souk_request_pool(souk_request_t *r)
{
    return r->pool;
}
