/* The public calls a handler answers with: view model, headers, errors. */
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "souk_core.h"

SOUK_API cJSON *
souk_view_new(souk_request_t *r, const char *tmpl)
{
    /* A replaced model is still deleted by the pool at reset. */
    r->view = souk_pool_json(r->pool, cJSON_CreateObject());
    r->tmpl = souk_pstrdup(r->pool, tmpl != NULL ? tmpl : "page");
    return r->view;
}

SOUK_API cJSON *
souk_view(souk_request_t *r)
{
    return r->view;
}

SOUK_API const char *
souk_view_template(const souk_request_t *r)
{
    return r->tmpl;
}

/* RFC 9110 token characters. */
static int
sk_is_token(const char *s)
{
    const char  *p;

    if (*s == '\0') {
        return 0;
    }
    for (p = s; *p != '\0'; p++) {
        unsigned char  c = (unsigned char) *p;

        if (c <= 0x20 || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c)) {
            return 0;
        }
    }
    return 1;
}

/*
 * Status and Content-Length are the core's to write: a handler's own would
 * contradict the body actually sent.
 */
SOUK_API int
souk_response_header(souk_request_t *r, const char *name, const char *value)
{
    souk_kv_t  *h;

    if (name == NULL || value == NULL || !sk_is_token(name)
        || strpbrk(value, "\r\n") != NULL)
    {
        souk_log(r, SOUK_LOG_ERROR, "refused response header \"%s\": not a "
                 "token, or CR/LF in the value", name ? name : "(null)");
        return SOUK_ERROR;
    }
    if (strcasecmp(name, "Status") == 0
        || strcasecmp(name, "Content-Length") == 0)
    {
        souk_log(r, SOUK_LOG_ERROR, "refused response header \"%s\": the "
                 "core sets it", name);
        return SOUK_ERROR;
    }
    if (r->nresp_headers == r->resp_cap) {
        size_t  cap = r->resp_cap ? r->resp_cap * 2 : 8;

        h = souk_palloc(r->pool, cap * sizeof(souk_kv_t));
        if (r->nresp_headers > 0) {
            memcpy(h, r->resp_headers, r->nresp_headers * sizeof(souk_kv_t));
        }
        r->resp_headers = h;
        r->resp_cap = cap;
    }
    h = &r->resp_headers[r->nresp_headers++];
    h->name = souk_pstrdup(r->pool, name);
    h->value = souk_pstrdup(r->pool, value);
    return SOUK_OK;
}

SOUK_API int
souk_redirect(souk_request_t *r, int status, const char *location)
{
    if (status != 301 && status != 302 && status != 303 && status != 307
        && status != 308)
    {
        souk_log(r, SOUK_LOG_ERROR, "redirect with status %d (301, 302, "
                 "303, 307 or 308 expected)", status);
        return SOUK_ERROR;
    }
    if (location == NULL || location[0] == '\0'
        || souk_response_header(r, "Location", location) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return status;
}

SOUK_API int
souk_redirect_offsite(souk_request_t *r, const char *url)
{
    souk_buf_t  b;

    if (url == NULL || (strncmp(url, "https://", 8) != 0
                        && strncmp(url, "http://", 7) != 0)
        || strpbrk(url, "\r\n") != NULL)
    {
        souk_log(r, SOUK_LOG_ERROR, "off-site redirect to a URL that is not "
                 "absolute http(s)");
        return SOUK_ERROR;
    }
    souk_buf_init(&b, r->pool, 512);
    souk_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                  "charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">"
                  "<meta http-equiv=\"refresh\" content=\"0;url=");
    souk_buf_append_html(&b, url);
    souk_buf_puts(&b, "\"><title>Continue to payment</title></head><body>"
                  "<p><a id=\"continue\" href=\"");
    souk_buf_append_html(&b, url);
    souk_buf_puts(&b, "\">Continue to payment</a></p></body></html>\n");
    if (souk_response_header(r, "Cache-Control", "no-store") != SOUK_OK
        || souk_response_body(r, "text/html; charset=utf-8", b.data, b.len)
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return 200;
}

SOUK_API int
souk_error(souk_request_t *r, int status, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    r->error_msg = souk_pvsprintf(r->pool, fmt, ap);
    va_end(ap);
    return status;
}

SOUK_API int
souk_response_body(souk_request_t *r, const char *content_type,
    const char *data, size_t len)
{
    if (content_type == NULL || content_type[0] == '\0') {
        content_type = "application/octet-stream";
    }
    if (strpbrk(content_type, "\r\n") != NULL) {
        souk_log(r, SOUK_LOG_ERROR, "refused a body content type with "
                 "CR/LF");
        return SOUK_ERROR;
    }
    r->out_type = souk_pstrdup(r->pool, content_type);
    r->out_body = data != NULL ? data : "";
    r->out_len = data != NULL ? len : 0;
    return SOUK_OK;
}
