/* Writes the answer in CGI form: Status, headers, blank line, body. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "souk_core.h"
#include "db_int.h"
#include "theme.h"

/*
 * Both transports (FastCGI and plain CGI) take a CGI response: the web
 * server turns "Status:" into the status line. Every answer carries the
 * security headers below unless the handler set its own of that name (a
 * payment page may need a wider CSP, for instance).
 */
static const souk_kv_t  sk_security_headers[] = {
    { "X-Content-Type-Options", "nosniff" },
    { "X-Frame-Options", "SAMEORIGIN" },
    { "Referrer-Policy", "strict-origin-when-cross-origin" },
    { "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
      "object-src 'none'; base-uri 'self'; form-action 'self'; "
      "frame-ancestors 'self'" },
};

/* Nesting deeper than this is shown as an ellipsis in the HTML page. */
#define SK_HTML_DEPTH  32

/* Also used by core/view.c for error pages. */
const char *sk_status_reason(int status);

const char *
sk_status_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    }
    return status < 400 ? "OK" : status < 500 ? "Client Error"
                                               : "Server Error";
}

void
sk_request_fail(souk_request_t *r, int status, const char *msg)
{
    r->status = status;
    r->error_msg = msg != NULL ? souk_pstrdup(r->pool, msg) : NULL;
    r->view = NULL;
    r->tmpl = NULL;
    r->out_body = NULL;
    r->out_len = 0;
    r->out_type = NULL;
}

/* cJSON_Print* returns malloc'd text; copy it into the body and free. */
static void
sk_body_json(souk_buf_t *b, const cJSON *v)
{
    char  *s = cJSON_PrintUnformatted(v);

    if (s == NULL) {
        abort();                /* only fails when out of memory */
    }
    souk_buf_puts(b, s);
    free(s);
}

static void
sk_body_json_error(souk_request_t *r, souk_buf_t *b, int status,
    const char *msg)
{
    cJSON  *root, *err;

    root = souk_pool_json(r->pool, cJSON_CreateObject());
    err = cJSON_AddObjectToObject(root, "error");
    if (err == NULL || !cJSON_AddNumberToObject(err, "status", status)
        || !cJSON_AddStringToObject(err, "message", msg)
        || !cJSON_AddStringToObject(root, "request_id", r->id))
    {
        abort();
    }
    sk_body_json(b, root);
}

static void
sk_html_number(souk_buf_t *b, double d)
{
    char  tmp[32];

    /* Whole numbers without a fraction; others with the shortest of 15 or
     * 17 digits that reads back the same, as cJSON prints them. */
    if (d > -1e15 && d < 1e15 && d == (double) (long long) d) {
        souk_buf_printf(b, "%lld", (long long) d);
        return;
    }
    snprintf(tmp, sizeof(tmp), "%.15g", d);
    if (strtod(tmp, NULL) != d) {
        snprintf(tmp, sizeof(tmp), "%.17g", d);
    }
    souk_buf_puts(b, tmp);
}

/* The model as nested <dl>/<ul>, every string escaped. */
static void
sk_html_value(souk_buf_t *b, const cJSON *v, int depth)
{
    const cJSON  *c;

    if (depth > SK_HTML_DEPTH) {
        souk_buf_puts(b, "&hellip;");
    } else if (cJSON_IsObject(v)) {
        souk_buf_puts(b, "<dl>");
        cJSON_ArrayForEach(c, v) {
            souk_buf_puts(b, "<dt>");
            souk_buf_append_html(b, c->string != NULL ? c->string : "");
            souk_buf_puts(b, "</dt><dd>");
            sk_html_value(b, c, depth + 1);
            souk_buf_puts(b, "</dd>");
        }
        souk_buf_puts(b, "</dl>");
    } else if (cJSON_IsArray(v)) {
        souk_buf_puts(b, "<ul>");
        cJSON_ArrayForEach(c, v) {
            souk_buf_puts(b, "<li>");
            sk_html_value(b, c, depth + 1);
            souk_buf_puts(b, "</li>");
        }
        souk_buf_puts(b, "</ul>");
    } else if (cJSON_IsString(v) || cJSON_IsRaw(v)) {
        souk_buf_append_html(b, v->valuestring ? v->valuestring : "");
    } else if (cJSON_IsNumber(v)) {
        sk_html_number(b, v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        souk_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    }
}

static void
sk_html_head(souk_buf_t *b, const char *title, const char *tmpl)
{
    souk_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\">\n"
                  "<title>");
    souk_buf_append_html(b, title);
    souk_buf_puts(b, "</title>\n</head>\n<body data-template=\"");
    souk_buf_append_html(b, tmpl);
    souk_buf_puts(b, "\">\n");
}

/* The built-in page until themes exist: no inline style or script, which
 * the CSP would refuse anyway. */
static void
sk_body_html_view(souk_request_t *r, souk_buf_t *b)
{
    const char   *tmpl = r->tmpl != NULL ? r->tmpl : "page";
    const cJSON  *t = cJSON_GetObjectItemCaseSensitive(r->view, "title");
    souk_buf_t    foot;

    sk_html_head(b, cJSON_IsString(t) ? t->valuestring : tmpl, tmpl);
    souk_buf_puts(b, "<main>\n");
    if (r->view != NULL) {
        sk_html_value(b, r->view, 0);
    }
    souk_buf_puts(b, "\n</main>\n");
    souk_buf_init(&foot, r->pool, 256);
    souk_slot_render(r, "page.footer", r->view, &foot);
    if (foot.len > 0) {
        souk_buf_puts(b, "<footer>");
        souk_buf_append(b, foot.data, foot.len);
        souk_buf_puts(b, "</footer>\n");
    }
    souk_buf_puts(b, "</body>\n</html>\n");
}

static void
sk_body_html_error(souk_request_t *r, souk_buf_t *b, int status,
    const char *msg)
{
    const char  *title;

    title = souk_psprintf(r->pool, "%d %s", status, sk_status_reason(status));
    sk_html_head(b, title, "error");
    souk_buf_puts(b, "<main>\n<h1>");
    souk_buf_append_html(b, title);
    souk_buf_puts(b, "</h1>\n<p>");
    souk_buf_append_html(b, msg);
    souk_buf_puts(b, "</p>\n<p>Request id: <code>");
    souk_buf_append_html(b, r->id);
    souk_buf_puts(b, "</code></p>\n</main>\n</body>\n</html>\n");
}

/*
 * An HTML answer goes through the site's theme; the built-in page answers
 * only when the site wears no theme that can be loaded. A theme that fails
 * to render (logged with file, line and column) gives the built-in 500.
 */
static void
sk_respond_html(souk_request_t *r, int *status, souk_buf_t *b,
    const char **nonce)
{
    const char  *msg = NULL;
    int          rc;

    if (*status >= 400) {
        msg = r->error_msg != NULL ? r->error_msg : sk_status_reason(*status);
    }
    rc = sk_view_render(r, *status, msg, b, nonce);
    if (rc == SOUK_OK) {
        return;
    }
    b->len = 0;
    b->data[0] = '\0';
    *nonce = NULL;
    if (rc == SOUK_ERROR) {
        *status = 500;
        sk_body_html_error(r, b, 500, "the page could not be rendered");
    } else if (*status >= 400) {
        sk_body_html_error(r, b, *status, msg);
    } else {
        sk_body_html_view(r, b);
    }
}

/* Picks the body and its type; *type stays NULL when there is no body. */
static void
sk_respond_body(souk_request_t *r, int *status, souk_buf_t *b,
    const char **type, const char **nonce)
{
    const char  *json = "application/json; charset=utf-8";
    const char  *html = "text/html; charset=utf-8";
    const char  *msg;

    *type = NULL;
    *nonce = NULL;
    if (*status >= 400 && r->wants_json) {
        msg = r->error_msg != NULL ? r->error_msg : sk_status_reason(*status);
        sk_body_json_error(r, b, *status, msg);
        *type = json;
    } else if (*status >= 400) {
        sk_respond_html(r, status, b, nonce);
        *type = html;
    } else if (*status < 200 || *status == 204 || *status == 304
               || (*status >= 300 && r->view == NULL))
    {
        return;
    } else if (r->wants_json) {
        if (r->view != NULL) {
            sk_body_json(b, r->view);
        } else {
            souk_buf_puts(b, "{}");
        }
        *type = json;
    } else {
        sk_respond_html(r, status, b, nonce);
        *type = html;
    }
}

static int
sk_handler_has(const souk_request_t *r, const char *name)
{
    size_t  i;

    for (i = 0; i < r->nresp_headers; i++) {
        if (strcasecmp(r->resp_headers[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
sk_respond_headers(souk_request_t *r, souk_buf_t *h, int status,
    const char *type, size_t len, const char *nonce)
{
    size_t  i;

    souk_buf_printf(h, "Status: %d %s\r\n", status, sk_status_reason(status));
    if (type != NULL && !sk_handler_has(r, "Content-Type")) {
        souk_buf_printf(h, "Content-Type: %s\r\n", type);
    }
    if (!(status < 200 || status == 204 || status == 304)) {
        souk_buf_printf(h, "Content-Length: %zu\r\n", len);
    }
    for (i = 0; i < sizeof(sk_security_headers) / sizeof(souk_kv_t); i++) {
        if (sk_handler_has(r, sk_security_headers[i].name)) {
            continue;
        }
        souk_buf_printf(h, "%s: %s", sk_security_headers[i].name,
                        sk_security_headers[i].value);
        /* A themed page may style itself from the site's settings in one
         * <style> element carrying this answer's nonce; never scripts. */
        if (nonce != NULL && strcmp(sk_security_headers[i].name,
                                    "Content-Security-Policy") == 0)
        {
            souk_buf_printf(h, "; style-src 'self' 'nonce-%s'", nonce);
        }
        souk_buf_puts(h, "\r\n");
    }
    if (r->id[0] != '\0') {
        souk_buf_printf(h, "X-Request-Id: %s\r\n", r->id);
    }
    /* Written after the body is made: rendering may still read. */
    if (r->rt != NULL && r->rt->cfg != NULL && r->rt->cfg->debug_headers) {
        souk_buf_printf(h, "X-Souk-Queries: %lu\r\n",
                        sk_db_queries(r->rt->db));
    }
    if (status >= 400 && !sk_handler_has(r, "Cache-Control")) {
        souk_buf_puts(h, "Cache-Control: no-store\r\n");
    }
    for (i = 0; i < r->nresp_headers; i++) {
        souk_buf_printf(h, "%s: %s\r\n", r->resp_headers[i].name,
                        r->resp_headers[i].value);
    }
    souk_buf_puts(h, "\r\n");
}

int
sk_respond(souk_request_t *r, sk_write_pt wr, void *io)
{
    souk_buf_t   head, body;
    const char  *type, *data, *nonce = NULL;
    size_t       len;
    int          status = r->status;

    if (status < 100 || status > 599) {
        /* Nothing answered (a dispatch bug): never send a bogus line. */
        sk_request_fail(r, 500, "internal error");
        status = 500;
    }
    r->status = status;
    souk_buf_init(&body, r->pool, 2048);
    if (r->out_body != NULL) {
        type = r->out_type;
        data = r->out_body;
        len = r->out_len;
    } else {
        sk_respond_body(r, &status, &body, &type, &nonce);
        r->status = status;
        data = body.data;
        len = body.len;
    }
    souk_buf_init(&head, r->pool, 1024);
    sk_respond_headers(r, &head, status, type, len, nonce);
    if (wr(io, head.data, head.len) < 0) {
        return SOUK_ERROR;
    }
    if (r->method == SOUK_HEAD || len == 0) {
        return SOUK_OK;
    }
    return wr(io, data, len) < 0 ? SOUK_ERROR : SOUK_OK;
}
