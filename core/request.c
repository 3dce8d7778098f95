/* Turns FastCGI/CGI params and the body into a souk_request_t. */
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "souk_core.h"

#define REQ_DRAIN_CHUNK  16384

/* The params the parser uses; the first of a repeated name wins, as with
 * FCGX_GetParam. */
typedef struct {
    const char  *method;
    const char  *uri;
    const char  *doc_uri;
    const char  *script_name;
    const char  *path_info;
    const char  *query;
    const char  *content_type;
    const char  *content_length;
    const char  *https;
    const char  *remote_addr;
    const char  *server_name;
    const char  *request_id;
} req_env_t;

static const struct {
    const char  *name;
    size_t       off;
} req_known[] = {
    { "REQUEST_METHOD",  offsetof(req_env_t, method) },
    { "REQUEST_URI",     offsetof(req_env_t, uri) },
    { "DOCUMENT_URI",    offsetof(req_env_t, doc_uri) },
    { "SCRIPT_NAME",     offsetof(req_env_t, script_name) },
    { "PATH_INFO",       offsetof(req_env_t, path_info) },
    { "QUERY_STRING",    offsetof(req_env_t, query) },
    { "CONTENT_TYPE",    offsetof(req_env_t, content_type) },
    { "CONTENT_LENGTH",  offsetof(req_env_t, content_length) },
    { "HTTPS",           offsetof(req_env_t, https) },
    { "REMOTE_ADDR",     offsetof(req_env_t, remote_addr) },
    { "SERVER_NAME",     offsetof(req_env_t, server_name) },
    { "REQUEST_ID",      offsetof(req_env_t, request_id) },
};

static const struct {
    const char  *name;
    unsigned     bit;
} req_methods[] = {
    { "GET", SOUK_GET }, { "HEAD", SOUK_HEAD }, { "POST", SOUK_POST },
    { "PUT", SOUK_PUT }, { "PATCH", SOUK_PATCH }, { "DELETE", SOUK_DELETE },
    { "OPTIONS", SOUK_OPTIONS },
};

void
sk_limits_default(sk_limits_t *l)
{
    l->max_body = 1048576;
    l->max_drain = 16777216;
    l->max_params = 1000;
    l->max_param_len = 65536;
    l->max_headers = 100;
    l->max_header_len = 8192;
    l->max_uri_len = 8192;
    l->max_uploads = 20;
    l->max_json_depth = 64;
}

static int
req_fail(souk_request_t *r, int status, const char *msg)
{
    r->error_msg = msg;
    return status;
}

/* Case-insensitive substring test for ASCII needles. */
static int
req_contains(const char *h, const char *needle)
{
    size_t  n = strlen(needle);

    for (; *h != '\0'; h++) {
        if (strncasecmp(h, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* JSON for paths under /api (a query or the end may follow "/api"), or when
 * Accept names application/json and not text/html. */
static int
req_json_wanted(const char *path, const char *accept)
{
    if (path != NULL && strncmp(path, "/api", 4) == 0
        && (path[4] == '/' || path[4] == '?' || path[4] == '\0'))
    {
        return 1;
    }
    return accept != NULL && req_contains(accept, "application/json")
           && !req_contains(accept, "text/html");
}

/* "USER_AGENT" → "User-Agent": the form handlers look headers up by. */
static char *
req_header_name(souk_pool_t *p, const char *s, size_t n)
{
    char    *d = souk_palloc(p, n + 1);
    size_t   i;
    int      word = 1;

    for (i = 0; i < n; i++) {
        char  c = s[i];

        if (c == '_') {
            d[i] = '-';
            word = 1;
            continue;
        }
        if (c >= 'A' && c <= 'Z' && !word) {
            c = (char) (c - 'A' + 'a');
        } else if (c >= 'a' && c <= 'z' && word) {
            c = (char) (c - 'a' + 'A');
        }
        d[i] = c;
        word = 0;
    }
    d[n] = '\0';
    return d;
}

static int
req_add_header(souk_request_t *r, const char *name, const char *value)
{
    const sk_limits_t  *l = r->limits;

    if (r->nheaders == l->max_headers) {
        return req_fail(r, 431, souk_psprintf(r->pool, "The request has "
                        "more than %zu headers.", l->max_headers));
    }
    if (strlen(value) > l->max_header_len) {
        return req_fail(r, 431, souk_psprintf(r->pool, "A request header "
                        "is longer than %zu bytes.", l->max_header_len));
    }
    r->headers[r->nheaders].name = name;
    r->headers[r->nheaders].value = value;
    r->nheaders++;
    return 0;
}

/*
 * One "NAME=VALUE" entry. Names must be printable ASCII; values that the
 * core reads or hands to plugins must be valid UTF-8. Other params (the
 * server's own, SCRIPT_FILENAME ...) are not looked at.
 */
static int
req_env_entry(souk_request_t *r, const char *e, req_env_t *env)
{
    const char  *eq = strchr(e, '=');
    const char  *v;
    size_t       i, nlen;

    if (eq == NULL || eq == e) {
        return req_fail(r, 400, "The request has a malformed FastCGI "
                        "parameter.");
    }
    nlen = (size_t) (eq - e);
    for (i = 0; i < nlen; i++) {
        if ((unsigned char) e[i] <= 0x20 || (unsigned char) e[i] >= 0x7f) {
            return req_fail(r, 400, "The request has a malformed FastCGI "
                            "parameter.");
        }
    }
    v = eq + 1;

    if (nlen > 5 && strncmp(e, "HTTP_", 5) == 0) {
        if (!sk_utf8_valid(v, strlen(v))) {
            return req_fail(r, 400, "A request header is not valid UTF-8.");
        }
        /* Servers may repeat these as HTTP_*; the CGI params win. */
        if ((nlen == 17 && strncmp(e, "HTTP_CONTENT_TYPE", 17) == 0)
            || (nlen == 19 && strncmp(e, "HTTP_CONTENT_LENGTH", 19) == 0))
        {
            return 0;
        }
        return req_add_header(r, req_header_name(r->pool, e + 5, nlen - 5),
                              v);
    }
    for (i = 0; i < sizeof(req_known) / sizeof(req_known[0]); i++) {
        const char  **slot = (const char **) ((char *) env + req_known[i].off);

        if (strlen(req_known[i].name) != nlen
            || strncmp(req_known[i].name, e, nlen) != 0)
        {
            continue;
        }
        if (!sk_utf8_valid(v, strlen(v))) {
            return req_fail(r, 400, "The request has a malformed FastCGI "
                            "parameter.");
        }
        if (*slot == NULL) {
            *slot = v;
        }
        break;
    }
    return 0;
}

static int
req_env(souk_request_t *r, char **envp, req_env_t *env)
{
    size_t  n = 0, i;
    int     rc;

    memset(env, 0, sizeof(*env));
    if (envp != NULL) {
        while (envp[n] != NULL) {
            n++;
        }
    }
    /* Every entry could be a header, plus Content-Type and -Length. */
    r->headers = souk_palloc(r->pool, (n + 2) * sizeof(souk_kv_t));
    r->nheaders = 0;
    for (i = 0; i < n; i++) {
        rc = req_env_entry(r, envp[i], env);
        if (rc != 0) {
            return rc;
        }
    }
    if (env->content_type != NULL && env->content_type[0] != '\0') {
        rc = req_add_header(r, "Content-Type", env->content_type);
        if (rc != 0) {
            return rc;
        }
    }
    if (env->content_length != NULL && env->content_length[0] != '\0') {
        rc = req_add_header(r, "Content-Length", env->content_length);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static int
req_method(souk_request_t *r, const char *m)
{
    size_t  i;

    if (m == NULL || m[0] == '\0') {
        return req_fail(r, 400, "The request has no method.");
    }
    for (i = 0; i < sizeof(req_methods) / sizeof(req_methods[0]); i++) {
        if (strcmp(m, req_methods[i].name) == 0) {
            r->method = req_methods[i].bit;
            r->method_name = req_methods[i].name;
            return 0;
        }
    }
    return req_fail(r, 501, "The request method is not supported.");
}

/* Escapes '%' so an already decoded CGI path survives a second decoding. */
static char *
req_escape_pct(souk_pool_t *p, const char *a, const char *b)
{
    souk_buf_t   buf;
    const char  *parts[2] = { a, b };
    size_t       k;

    souk_buf_init(&buf, p, 64);
    for (k = 0; k < 2; k++) {
        const char  *s;

        for (s = parts[k]; s != NULL && *s != '\0'; s++) {
            if (*s == '%') {
                souk_buf_puts(&buf, "%25");
            } else {
                souk_buf_append(&buf, s, 1);
            }
        }
    }
    return buf.data;
}

/*
 * REQUEST_URI is raw and carries the query. Plain CGI may lack it; then
 * DOCUMENT_URI (nginx) or SCRIPT_NAME + PATH_INFO (Apache) give the path,
 * already decoded by the server.
 */
static int
req_uri(souk_request_t *r, const req_env_t *env)
{
    const sk_limits_t  *l = r->limits;
    const char         *raw, *q, *why;
    size_t              n;

    if (env->uri != NULL && env->uri[0] != '\0') {
        raw = env->uri;
        r->uri = raw;
    } else if (env->doc_uri != NULL && env->doc_uri[0] != '\0') {
        raw = req_escape_pct(r->pool, env->doc_uri, NULL);
    } else if ((env->script_name != NULL && env->script_name[0] != '\0')
               || (env->path_info != NULL && env->path_info[0] != '\0'))
    {
        raw = req_escape_pct(r->pool, env->script_name, env->path_info);
    } else {
        return req_fail(r, 400, "The request has no URI.");
    }
    n = strlen(raw);
    if (n > l->max_uri_len
        || (env->query != NULL && strlen(env->query) > l->max_uri_len))
    {
        return req_fail(r, 414, souk_psprintf(r->pool, "The request URI is "
                        "longer than %zu bytes.", l->max_uri_len));
    }
    q = memchr(raw, '?', n);
    if (env->query != NULL) {
        r->query_string = env->query;
    } else {
        r->query_string = q != NULL ? q + 1 : "";
    }
    if (r->uri == NULL) {
        r->uri = r->query_string[0] != '\0'
                 ? souk_psprintf(r->pool, "%s?%s", raw, r->query_string)
                 : raw;
    }
    if (q != NULL) {
        n = (size_t) (q - raw);
    }
    /* A proxy-style absolute URI: keep only its path. */
    if (n > 8 && (strncasecmp(raw, "http://", 7) == 0
                  || strncasecmp(raw, "https://", 8) == 0))
    {
        const char  *host = strstr(raw, "//") + 2;
        const char  *slash = memchr(host, '/', n - (size_t) (host - raw));

        n = slash != NULL ? n - (size_t) (slash - raw) : 1;
        raw = slash != NULL ? slash : "/";
    }
    r->full_path = sk_path_normalize_why(r->pool, raw, n, &why);
    if (r->full_path == NULL) {
        return req_fail(r, 400, why);
    }
    r->path = r->full_path;
    return 0;
}

/*
 * Host header: lower-cased, port and one trailing dot removed. Only
 * letters, digits, '-', '.', '_' or a bracketed IPv6 literal are taken, so
 * the value is safe to match against "host/prefix" site keys. 0, or -1
 * when the value is not a host.
 */
static int
req_host_parse(souk_pool_t *p, const char *v, const char **out)
{
    size_t  n = strlen(v), hn, i;
    char   *d;

    if (v[0] == '[') {
        const char  *rb = strchr(v, ']');

        if (rb == NULL || rb == v + 1) {
            return -1;
        }
        hn = (size_t) (rb - v) + 1;
        for (i = 1; i + 1 < hn; i++) {
            if (strchr("0123456789abcdefABCDEF:.", v[i]) == NULL) {
                return -1;
            }
        }
    } else {
        hn = strcspn(v, ":");
        for (i = 0; i < hn; i++) {
            unsigned char  c = (unsigned char) v[i];

            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9') || c == '-' || c == '.'
                  || c == '_'))
            {
                return -1;
            }
        }
    }
    if (hn < n) {
        if (v[hn] != ':') {
            return -1;
        }
        for (i = hn + 1; i < n; i++) {
            if (v[i] < '0' || v[i] > '9') {
                return -1;
            }
        }
    }
    if (hn > 1 && v[hn - 1] == '.') {
        hn--;
    }
    d = souk_pstrndup(p, v, hn);
    for (i = 0; i < hn; i++) {
        if (d[i] >= 'A' && d[i] <= 'Z') {
            d[i] = (char) (d[i] - 'A' + 'a');
        }
    }
    *out = d;
    return 0;
}

static int
req_host(souk_request_t *r, const req_env_t *env)
{
    const char  *h = souk_request_header(r, "Host");

    r->host = "";
    if (h != NULL && h[0] != '\0') {
        if (req_host_parse(r->pool, h, &r->host) != 0) {
            return req_fail(r, 400, "The Host header is not a valid host "
                            "name.");
        }
        return 0;
    }
    /* The server's own name is configuration, not client input: an odd
     * one (nginx's "_") is ignored rather than refused. */
    if (env->server_name != NULL
        && req_host_parse(r->pool, env->server_name, &r->host) != 0)
    {
        r->host = "";
    }
    return 0;
}

void
sk_request_random_id(souk_request_t *r)
{
    static const char  hex[] = "0123456789abcdef";
    unsigned char      rnd[8];
    size_t             i;

    randombytes_buf(rnd, sizeof(rnd));
    for (i = 0; i < sizeof(rnd); i++) {
        r->id[2 * i] = hex[rnd[i] >> 4];
        r->id[2 * i + 1] = hex[rnd[i] & 0x0f];
    }
    r->id[2 * sizeof(rnd)] = '\0';
}

static void
req_id(souk_request_t *r, const char *given)
{
    size_t  n;

    if (given != NULL) {
        n = strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                          "0123456789-");
        if (n > 0 && n < sizeof(r->id) && given[n] == '\0') {
            memcpy(r->id, given, n + 1);
            return;
        }
    }
    sk_request_random_id(r);
}

/* Reads and drops up to max bytes, so the server sees the body consumed. */
static void
req_drain(sk_read_pt rd, void *io, size_t want)
{
    char     buf[REQ_DRAIN_CHUNK];
    ssize_t  got;

    while (want > 0) {
        got = rd(io, buf, want < sizeof(buf) ? want : sizeof(buf));
        if (got <= 0) {
            return;
        }
        want -= (size_t) got < want ? (size_t) got : want;
    }
}

/* Content-Length: digits only. 0, or -1 when it is not a number; a value
 * too large for size_t comes back as SIZE_MAX. */
static int
req_clen(const char *clen, size_t *len)
{
    const char  *c;

    *len = 0;
    if (clen == NULL) {
        return 0;
    }
    for (c = clen; *c != '\0'; c++) {
        if (*c < '0' || *c > '9') {
            return -1;
        }
        if (*len > (SIZE_MAX - 9) / 10) {
            *len = SIZE_MAX;
        } else {
            *len = *len * 10 + (size_t) (*c - '0');
        }
    }
    return 0;
}

static int
req_body_read(souk_request_t *r, size_t len, sk_read_pt rd, void *io)
{
    const sk_limits_t  *l = r->limits;
    size_t              have = 0;
    char               *body;

    if (len > l->max_body) {
        if (rd != NULL) {
            req_drain(rd, io, len > l->max_drain ? l->max_drain : len);
        }
        return req_fail(r, 413, souk_psprintf(r->pool, "The request body is "
                        "too large (the limit is %zu bytes).", l->max_body));
    }
    if (len == 0) {
        return 0;
    }
    body = souk_palloc(r->pool, len + 1);
    while (have < len && rd != NULL) {
        ssize_t  got = rd(io, body + have, len - have);

        if (got <= 0) {
            break;
        }
        have += (size_t) got < len - have ? (size_t) got : len - have;
    }
    if (have < len) {
        return req_fail(r, 400, "The request body is truncated.");
    }
    body[len] = '\0';
    r->body = body;
    r->body_len = len;
    return 0;
}

/* Nesting is checked before cJSON sees the text, whose parser recurses. */
static int
req_json_depth_ok(const char *s, size_t n, int max)
{
    size_t  i;
    int     depth = 0, in_str = 0;

    for (i = 0; i < n; i++) {
        char  c = s[i];

        if (in_str) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                in_str = 0;
            }
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max) {
                return 0;
            }
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return 1;
}

static int
req_json(souk_request_t *r)
{
    const char  *end = NULL;
    cJSON       *root;

    if (!sk_utf8_valid(r->body, r->body_len)) {
        return req_fail(r, 400, "The JSON body is not valid UTF-8.");
    }
    if (!req_json_depth_ok(r->body, r->body_len, r->limits->max_json_depth)) {
        return req_fail(r, 400, souk_psprintf(r->pool, "The JSON body is "
                        "nested deeper than %d levels.",
                        r->limits->max_json_depth));
    }
    root = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
    if (root == NULL) {
        return req_fail(r, 400, "The JSON body is not valid JSON.");
    }
    souk_pool_json(r->pool, root);
    while (end != NULL && end < r->body + r->body_len
           && strchr(" \t\r\n", *end) != NULL && *end != '\0')
    {
        end++;
    }
    if (end != r->body + r->body_len) {
        return req_fail(r, 400, "The JSON body has data after its value.");
    }
    r->json = root;
    return 0;
}

/* The media type of a Content-Type, without parameters, matches type. */
static int
req_ctype_is(const char *ct, const char *type)
{
    size_t  n = strlen(type);

    if (strncasecmp(ct, type, n) != 0) {
        return 0;
    }
    ct += n;
    while (*ct == ' ' || *ct == '\t') {
        ct++;
    }
    return *ct == '\0' || *ct == ';';
}

/* "application/json" or any "xxx/yyy+json". */
static int
req_ctype_json(const char *ct)
{
    size_t  n = strcspn(ct, "; \t");

    if (req_ctype_is(ct, "application/json")) {
        return 1;
    }
    return n > 5 && memchr(ct, '/', n) != NULL
           && strncasecmp(ct + n - 5, "+json", 5) == 0;
}

static int
req_body_parse(souk_request_t *r)
{
    const char   *ct = r->content_type, *why = NULL;
    sk_limits_t   lim = *r->limits;
    int           rc;

    /* max_params counts query and form pairs together. */
    lim.max_params = lim.max_params > r->nquery
                     ? lim.max_params - r->nquery : 0;
    if (req_ctype_is(ct, "application/x-www-form-urlencoded")) {
        rc = sk_urlencoded_parse(r->pool, r->body, r->body_len, &lim,
                                 &r->form, &r->nform, &why);
    } else if (req_ctype_is(ct, "multipart/form-data")) {
        rc = sk_multipart_parse(r->pool, ct, r->body, r->body_len, &lim,
                                &r->form, &r->nform, &r->uploads,
                                &r->nuploads, &why);
    } else if (req_ctype_json(ct) && r->body_len > 0) {
        /* An empty body with a JSON type is common for DELETE: no JSON. */
        return req_json(r);
    } else {
        return 0;
    }
    return rc != 0 ? req_fail(r, rc, why) : 0;
}

/* Everything before the body; 0 or an HTTP status. */
static int
req_head(souk_request_t *r, const req_env_t *env)
{
    const char  *accept, *why = NULL;
    int          rc;

    if ((rc = req_method(r, env->method)) != 0
        || (rc = req_uri(r, env)) != 0
        || (rc = req_host(r, env)) != 0)
    {
        return rc;
    }
    rc = sk_urlencoded_parse(r->pool, r->query_string,
                             strlen(r->query_string), r->limits,
                             &r->query, &r->nquery, &why);
    if (rc != 0) {
        return req_fail(r, rc, why);
    }
    sk_cookies_parse(r->pool, souk_request_header(r, "Cookie"),
                     &r->cookies, &r->ncookies);
    accept = souk_request_header(r, "Accept");
    r->wants_json = req_json_wanted(r->full_path, accept);
    return 0;
}

/*
 * A first guess at the answer's form from the raw params, so that a request
 * refused while its params are still being checked gets its error as JSON
 * when it asked for JSON. req_head settles it once the path is decoded.
 */
static void
req_guess_json(souk_request_t *r, char **envp)
{
    const char  *uri = NULL, *accept = NULL;
    char       **e;

    for (e = envp; e != NULL && *e != NULL; e++) {
        if (strncmp(*e, "REQUEST_URI=", 12) == 0 && uri == NULL) {
            uri = *e + 12;
        } else if (strncmp(*e, "HTTP_ACCEPT=", 12) == 0 && accept == NULL) {
            accept = *e + 12;
        }
    }
    r->wants_json = req_json_wanted(uri, accept);
}

int
sk_request_parse(souk_request_t *r, char **envp, sk_read_pt rd, void *io)
{
    static sk_limits_t  defaults;
    req_env_t           env;
    size_t              clen = 0;
    int                 rc;

    if (r->limits == NULL) {
        sk_limits_default(&defaults);
        r->limits = &defaults;
    }
    r->body = "";
    r->body_len = 0;
    r->query_string = "";
    r->host = "";
    r->content_type = "";
    r->remote_addr = "";
    req_guess_json(r, envp);
    rc = req_env(r, envp, &env);
    req_id(r, rc == 0 ? env.request_id : NULL);
    if (rc != 0) {
        return rc;
    }
    r->content_type = env.content_type ? env.content_type : "";
    r->remote_addr = env.remote_addr ? env.remote_addr : "";
    r->https = env.https != NULL && (strcasecmp(env.https, "on") == 0
                                     || strcmp(env.https, "1") == 0);
    if (req_clen(env.content_length, &clen) != 0) {
        return req_fail(r, 400, "The Content-Length is not a number.");
    }
    rc = req_head(r, &env);
    if (rc == 0) {
        rc = req_body_read(r, clen, rd, io);
        if (rc == 0) {
            rc = req_body_parse(r);
        }
    } else if (rd != NULL) {
        /* Refused before the body was read: consume it anyway (up to
         * max_drain) so the web server is not left writing into a
         * connection nobody reads, and sees a clean answer. */
        req_drain(rd, io, clen > r->limits->max_drain
                          ? r->limits->max_drain : clen);
    }
    return rc;
}
