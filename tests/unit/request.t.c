/* Tests sk_request_parse on good and hostile input, and the accessors. */
#include <string.h>

#include "tap.h"
#include "../../core/pool.c"
#include "../../core/buf.c"
#include "../../core/urlenc.c"
#include "../../core/cookie.c"
#include "../../core/multipart.c"
#include "../../core/request.c"
#include "../../core/request_api.c"

/* A body reader over memory; with data NULL it yields `total` 'x' bytes
 * without holding them, for the 10 MB case. */
typedef struct {
    const char  *data;
    size_t       total;
    size_t       pos;
    size_t       chunk;     /* most bytes per call, to exercise the loops */
} mem_io_t;

static ssize_t
mem_read(void *io, char *buf, size_t n)
{
    mem_io_t  *m = io;
    size_t     k = m->total - m->pos;

    if (k > n) {
        k = n;
    }
    if (m->chunk != 0 && k > m->chunk) {
        k = m->chunk;
    }
    if (m->data != NULL) {
        memcpy(buf, m->data + m->pos, k);
    } else {
        memset(buf, 'x', k);
    }
    m->pos += k;
    return (ssize_t) k;
}

static souk_pool_t     *pool;      /* the request's, reset per parse */
static souk_pool_t     *fix;       /* test data, kept */
static sk_limits_t      lim;
static souk_request_t   req, *r = &req;
static mem_io_t         io;

/* Parses env (NULL-terminated) with body as the stdin stream. */
static int
parse_body(char **env, const char *body, size_t len)
{
    sk_pool_reset(pool);
    memset(r, 0, sizeof(*r));
    r->pool = pool;
    r->limits = &lim;
    memset(&io, 0, sizeof(io));
    io.data = body;
    io.total = len;
    io.chunk = 5;
    return sk_request_parse(r, env, mem_read, &io);
}

static int
parse(char **env)
{
    return parse_body(env, "", 0);
}

static void
test_get(void)
{
    char  *env[] = {
        "REQUEST_METHOD=GET", "REQUEST_URI=/shop//caf%C3%A9/?q=r%C3%A9d+x&n=2",
        "QUERY_STRING=q=r%C3%A9d+x&n=2", "HTTP_HOST=Shop.Example.COM:8080",
        "HTTP_USER_AGENT=curl/8", "HTTP_X_FORWARDED_FOR=10.0.0.1",
        "HTTP_COOKIE=sid=abc; lang=fr", "HTTPS=on", "REMOTE_ADDR=192.0.2.7",
        "REQUEST_ID=0123456789abcdef0123456789abcdef", "SCRIPT_FILENAME=\xff",
        "CONTENT_TYPE=", "CONTENT_LENGTH=", NULL
    };
    size_t  n;

    is_int(parse(env), 0, "GET parses");
    is_int(souk_request_method(r), SOUK_GET, "method GET");
    is_str(souk_request_method_name(r), "GET", "method name");
    is_str(souk_request_path(r), "/shop/caf\xc3\xa9/",
           "path decoded and normalised");
    is_str(r->uri, "/shop//caf%C3%A9/?q=r%C3%A9d+x&n=2", "raw URI kept");
    is_str(souk_request_query_string(r), "q=r%C3%A9d+x&n=2",
           "raw query string");
    is_str(souk_request_query(r, "q"), "r\xc3\xa9" "d x", "query decoded");
    is_str(souk_request_query(r, "n"), "2", "second query param");
    ok(souk_request_query(r, "Q") == NULL, "query names are case-sensitive");
    is_str(souk_request_header(r, "user-agent"), "curl/8",
           "HTTP_USER_AGENT is the header User-Agent");
    is_str(souk_request_header(r, "X-Forwarded-For"), "10.0.0.1",
           "multi-word header name");
    souk_request_pairs(r, "header", &n);
    is_int(n, 4, "empty CONTENT_* give no headers");
    is_str(souk_request_pairs(r, "header", &n)[1].name, "User-Agent",
           "header names are title case");
    is_str(r->host, "shop.example.com", "host lower-cased, port stripped");
    is_str(souk_request_cookie(r, "lang"), "fr", "cookie");
    ok(souk_request_https(r), "HTTPS=on");
    is_str(souk_request_remote_addr(r), "192.0.2.7", "remote address");
    is_str(souk_request_id(r), "0123456789abcdef0123456789abcdef",
           "nginx's 32-char request id is kept");
    ok(!souk_request_wants_json(r), "HTML by default");
    ok(souk_request_json(r) == NULL, "no JSON");
    souk_request_body(r, &n);
    is_int(n, 0, "no body");
}

static void
test_head_and_methods(void)
{
    char  *head[] = { "REQUEST_METHOD=HEAD", "REQUEST_URI=/", NULL };
    char  *brew[] = { "REQUEST_METHOD=BREW", "REQUEST_URI=/", NULL };
    char  *none[] = { "REQUEST_URI=/", NULL };
    char  *lower[] = { "REQUEST_METHOD=get", "REQUEST_URI=/", NULL };

    is_int(parse(head), 0, "HEAD parses");
    is_int(souk_request_method(r), SOUK_HEAD, "HEAD reports SOUK_HEAD");
    is_str(souk_request_method_name(r), "HEAD", "HEAD name");
    is_int(parse(brew), 501, "unknown method is 501");
    ok(r->error_msg != NULL, "with a message");
    is_int(parse(none), 400, "missing method is 400");
    is_int(parse(lower), 501, "methods are case-sensitive");
}

static void
test_malformed_params(void)
{
    char  *noeq[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "JUNK", NULL };
    char  *noname[] = { "=x", "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
    char  *space[] = { "REQUEST_METHOD=GET", "BAD NAME=1", "REQUEST_URI=/",
                       NULL };
    char  *utf[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/\xc3", NULL };
    char  *hdr[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
                     "HTTP_X_NAME=\xe0\x80\xaf", NULL };

    is_int(parse(noeq), 400, "param without '=' is 400");
    is_str(r->error_msg, "The request has a malformed FastCGI parameter.",
           "with the malformed-parameter message");
    ok(r->id[0] != '\0', "a failed request still has an id");
    is_int(parse(noname), 400, "param with an empty name is 400");
    is_int(parse(space), 400, "param name with a space is 400");
    is_int(parse(utf), 400, "REQUEST_URI with invalid UTF-8 is 400");
    is_str(r->error_msg, "The request has a malformed FastCGI parameter.",
           "as a malformed parameter");
    is_int(parse(hdr), 400, "header with invalid UTF-8 is 400");
    is_int(parse(NULL), 400, "no params at all is 400");
}

static void
test_paths(void)
{
    char  *dots[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a/../etc/passwd",
                      NULL };
    char  *enc[] = { "REQUEST_METHOD=GET",
                     "REQUEST_URI=/static/%2e%2e/%2E%2E/etc/passwd", NULL };
    char  *slash[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a%2Fb", NULL };
    char  *pct[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a%zzb", NULL };
    char  *nul[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a%00.html", NULL };
    char  *bad8[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/%ff%fe", NULL };
    char  *abs[] = { "REQUEST_METHOD=GET",
                     "REQUEST_URI=http://evil.example/x/./y?z=1", NULL };
    char  *doc[] = { "REQUEST_METHOD=GET", "DOCUMENT_URI=/100%/x",
                     "QUERY_STRING=a=1", NULL };
    char  *cgi[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=/app",
                     "PATH_INFO=/p%41", NULL };
    char  *nouri[] = { "REQUEST_METHOD=GET", NULL };
    char  *longuri[] = { "REQUEST_METHOD=GET", NULL, NULL };

    is_int(parse(dots), 400, "/../ path is 400");
    is_str(r->error_msg, "The request path contains a '..' segment.",
           "and says why");
    is_int(parse(enc), 400, "encoded %%2e%%2e path is 400");
    is_int(parse(slash), 400, "encoded slash is 400");
    is_int(parse(pct), 400, "invalid percent-encoding in the path is 400");
    is_str(r->error_msg, "The request path has an invalid percent-encoding.",
           "and says why");
    is_int(parse(nul), 400, "%%00 in the path is 400");
    is_int(parse(bad8), 400, "invalid UTF-8 in the path is 400");
    is_int(parse(abs), 0, "absolute-form URI is taken");
    is_str(souk_request_path(r), "/x/y", "its path only");
    is_int(parse(doc), 0, "DOCUMENT_URI fallback");
    is_str(souk_request_path(r), "/100%/x",
           "a decoded path is not decoded twice");
    is_str(r->uri, "/100%25/x?a=1", "uri rebuilt, encoded, with the query");
    is_str(souk_request_query(r, "a"), "1", "QUERY_STRING used");
    is_int(parse(cgi), 0, "SCRIPT_NAME + PATH_INFO fallback");
    is_str(souk_request_path(r), "/app/p%41", "joined, not decoded again");
    is_int(parse(nouri), 400, "no URI at all is 400");

    longuri[1] = souk_psprintf(fix, "REQUEST_URI=/%0*d", 8200, 0);
    is_int(parse(longuri), 414, "URI over max_uri_len is 414");
}

static void
test_query(void)
{
    char        *bad[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/?a=%g1", NULL };
    char        *bad8[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/?a=%c3%28",
                            NULL };
    char        *many[] = { "REQUEST_METHOD=GET", NULL, NULL };
    souk_buf_t   b;
    int          i;

    is_int(parse(bad), 400, "invalid percent-encoding in the query is 400");
    is_str(r->error_msg, "A parameter has an invalid percent-encoding.",
           "and says why");
    is_int(parse(bad8), 400, "invalid UTF-8 in the query is 400");

    souk_buf_init(&b, fix, 100000);
    souk_buf_puts(&b, "REQUEST_URI=/?");
    for (i = 0; i < 10000; i++) {
        souk_buf_printf(&b, "p%d=%d&", i, i);
    }
    lim.max_uri_len = b.len + 1;
    many[1] = b.data;
    is_int(parse(many), 400, "10,000 query parameters is 400");
    is_str(r->error_msg, "Too many parameters (the limit is 1000).",
           "and says why");
    sk_limits_default(&lim);
}

static void
test_headers(void)
{
    char   *big[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL, NULL };
    char   *env[128];
    char   *v;
    int     i;

    v = souk_palloc(fix, 1048576 + 32);
    memcpy(v, "HTTP_X_BIG=", 11);
    memset(v + 11, 'a', 1048576);
    v[11 + 1048576] = '\0';
    big[2] = v;
    is_int(parse(big), 431, "1 MB header is 431");
    is_str(r->error_msg, "A request header is longer than 8192 bytes.",
           "and says why");

    env[0] = "REQUEST_METHOD=GET";
    env[1] = "REQUEST_URI=/";
    for (i = 0; i < 101; i++) {
        env[2 + i] = souk_psprintf(fix, "HTTP_X_H%d=v", i);
    }
    env[2 + 100] = NULL;
    is_int(parse(env), 0, "100 headers are fine");
    env[2 + 100] = souk_pstrdup(fix, "HTTP_X_ONE_MORE=v");
    env[2 + 101] = NULL;
    is_int(parse(env), 431, "101 headers is 431");
}

static void
test_host(void)
{
    char  *v6[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_HOST=[::1]:80",
                    NULL };
    char  *bad[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
                     "HTTP_HOST=shop.example/brand", NULL };
    char  *port[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
                      "HTTP_HOST=a.example:8o", NULL };
    char  *srv[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
                     "SERVER_NAME=Shop.Example.", NULL };

    is_int(parse(v6), 0, "IPv6 literal host parses");
    is_str(r->host, "[::1]", "port stripped from [::1]:80");
    is_int(parse(bad), 400, "host with a '/' is 400");
    is_int(parse(port), 400, "host with a non-numeric port is 400");
    is_int(parse(srv), 0, "no Host header");
    is_str(r->host, "shop.example", "falls back to SERVER_NAME");
}

static void
test_json_wanted_and_id(void)
{
    char  *api[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/api", NULL };
    char  *apix[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/apiary", NULL };
    char  *acc[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/x",
                     "HTTP_ACCEPT=Application/JSON", "REQUEST_ID=bad id!",
                     NULL };
    char  *both[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/x",
                      "HTTP_ACCEPT=text/html,application/json", NULL };
    char   first[sizeof(r->id)];

    is_int(parse(api), 0, "/api parses");
    ok(souk_request_wants_json(r), "/api wants JSON");
    parse(apix);
    ok(!souk_request_wants_json(r), "/apiary does not");
    parse(acc);
    ok(souk_request_wants_json(r), "Accept: application/json wants JSON");
    is_int(strlen(r->id), 16, "invalid REQUEST_ID replaced by 16 chars");
    ok(strspn(r->id, "0123456789abcdef") == 16, "of hex");
    memcpy(first, r->id, sizeof(first));
    parse(acc);
    ok(strcmp(first, r->id) != 0, "random ids differ");
    parse(both);
    ok(!souk_request_wants_json(r), "an Accept with text/html wants HTML");
}

static void
test_body_limits(void)
{
    char  *post[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/upload",
                      "CONTENT_LENGTH=10485760", NULL };
    char  *nan[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/",
                     "CONTENT_LENGTH=12a", NULL };
    char  *neg[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/",
                     "CONTENT_LENGTH=-1", NULL };
    char  *huge[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/",
                      "CONTENT_LENGTH=99999999999999999999999", NULL };
    char  *shrt[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/",
                      "CONTENT_LENGTH=10", NULL };
    char  *early[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/../x",
                       "CONTENT_LENGTH=6", NULL };

    /* 10 MB against the default 1 MB cap. */
    is_int(parse_body(post, NULL, 10485760), 413, "10 MB body is 413");
    is_str(r->error_msg, "The request body is too large (the limit is "
           "1048576 bytes).", "and names the limit");
    is_int(io.pos, 10485760, "the whole body was drained");
    lim.max_drain = 2000000;
    parse_body(post, NULL, 10485760);
    is_int(io.pos, 2000000, "draining stops at max_drain");
    sk_limits_default(&lim);

    is_int(parse_body(nan, "", 0), 400, "non-digit Content-Length is 400");
    is_int(parse_body(neg, "", 0), 400, "negative Content-Length is 400");
    is_int(parse_body(huge, NULL, 100), 413, "overflowing length is 413");
    is_int(parse_body(shrt, "12345", 5), 400, "short body is 400");
    is_str(r->error_msg, "The request body is truncated.", "and says so");
    is_int(parse_body(early, "abcdef", 6), 400, "bad path with a body");
    is_int(io.pos, 6, "the body is drained on early refusal too");
}

static void
test_forms(void)
{
    char         *form[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/f?q=1",
                             "CONTENT_TYPE=application/x-www-form-urlencoded;"
                             " charset=UTF-8", "CONTENT_LENGTH=16", NULL };
    char         *mp[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/up",
                           "CONTENT_TYPE=multipart/form-data; boundary=b0",
                           NULL, NULL };
    char         *trunc[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/up",
                              "CONTENT_TYPE=multipart/form-data; boundary=b0",
                              NULL, NULL };
    const char    mbody[] = "--b0\r\nContent-Disposition: form-data; "
                            "name=\"t\"\r\n\r\nhi\r\n--b0\r\nContent-"
                            "Disposition: form-data; name=\"f\"; filename="
                            "\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                            "file body\r\n--b0--\r\n";
    const souk_upload_t  *u;
    const char           *body;
    size_t                n;

    is_int(parse_body(form, "a=1&b=two+words&", 16), 0, "urlencoded POST");
    is_str(souk_request_form(r, "b"), "two words", "form field");
    is_str(souk_request_query(r, "q"), "1", "query still there");
    is_str(souk_request_header(r, "Content-Length"), "16",
           "CONTENT_LENGTH is a header too");
    body = souk_request_body(r, &n);
    ok(n == 16 && body[16] == '\0', "raw body kept, NUL-terminated");
    lim.max_params = 2;
    is_int(parse_body(form, "a=1&b=two+words&", 16), 400,
           "query and form pairs count together against max_params");
    sk_limits_default(&lim);

    mp[3] = souk_psprintf(fix, "CONTENT_LENGTH=%zu", sizeof(mbody) - 1);
    is_int(parse_body(mp, mbody, sizeof(mbody) - 1), 0,
           "multipart with a file");
    is_str(souk_request_form(r, "t"), "hi", "multipart text field");
    u = souk_request_upload(r, "f");
    ok(u != NULL && strcmp(u->filename, "a.txt") == 0
       && strcmp(u->content_type, "text/plain") == 0 && u->len == 9
       && memcmp(u->data, "file body", 9) == 0, "multipart file");
    ok(souk_request_upload(r, "t") == NULL, "a text field is no upload");

    trunc[3] = souk_psprintf(fix, "CONTENT_LENGTH=%zu", sizeof(mbody) - 12);
    is_int(parse_body(trunc, mbody, sizeof(mbody) - 12), 400,
           "truncated multipart is 400");
    is_str(r->error_msg, "The multipart body is truncated: its closing "
           "boundary is missing.", "and says so");
}

static void
test_json(void)
{
    char         *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/x",
                            "CONTENT_TYPE=application/json", NULL, NULL };
    char         *vnd[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/x",
                            "CONTENT_TYPE=application/vnd.x+json", NULL, NULL };
    const char   *good = " {\"a\":[1,2,{\"b\":\"}]\"}]} \n";
    const char   *cases[][2] = {
        { "{\"a\":1} x", "data after the value" },
        { "{\"a\":", "unterminated" },
        { "{\"a\":\"\xff\"}", "invalid UTF-8" },
    };
    const cJSON  *j;
    char         *deep;
    size_t        i;

    env[3] = souk_psprintf(fix, "CONTENT_LENGTH=%zu", strlen(good));
    is_int(parse_body(env, good, strlen(good)), 0, "JSON body parses");
    j = souk_request_json(r);
    ok(j != NULL && cJSON_IsArray(cJSON_GetObjectItem(j, "a")), "JSON tree");
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        env[3] = souk_psprintf(fix, "CONTENT_LENGTH=%zu",
                               strlen(cases[i][0]));
        is_int(parse_body(env, cases[i][0], strlen(cases[i][0])), 400,
               "JSON with %s is 400", cases[i][1]);
        ok(souk_request_json(r) == NULL, "and has no tree");
    }
    deep = souk_palloc(fix, 200);
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    env[3] = souk_psprintf(fix, "CONTENT_LENGTH=%d", 130);
    is_int(parse_body(env, deep, 130), 400, "JSON 65 deep is 400");
    is_str(r->error_msg, "The JSON body is nested deeper than 64 levels.",
           "and says so");
    env[3] = souk_psprintf(fix, "CONTENT_LENGTH=%d", 128);
    is_int(parse_body(env, deep + 1, 128), 0, "JSON 64 deep is fine");
    vnd[3] = "CONTENT_LENGTH=2";
    is_int(parse_body(vnd, "[]", 2), 0, "+json type parses");
    ok(souk_request_json(r) != NULL, "as JSON");
    env[3] = "CONTENT_LENGTH=0";
    is_int(parse_body(env, "", 0), 0, "empty body with a JSON type is fine");
    ok(souk_request_json(r) == NULL, "and has no tree");
}

static void
test_pairs(void)
{
    char       *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/p?x=1&x=2",
                          NULL };
    souk_kv_t   params[] = { { "slug", "red-shoe" } };
    size_t      n = 99;

    parse(env);
    is_str(souk_request_pairs(r, "query", &n)[1].value, "2",
           "query pairs in order received");
    is_int(n, 2, "with their count");
    is_str(souk_request_query(r, "x"), "1", "look-up gives the first");
    ok(souk_request_pairs(r, "form", &n) != NULL && n == 0,
       "empty kind is an empty array");
    ok(souk_request_pairs(r, "bogus", &n) == NULL && n == 0,
       "unknown kind is NULL");
    r->params = params;
    r->nparams = 1;
    is_str(souk_request_param(r, "slug"), "red-shoe", "route param");
    ok(souk_request_param(r, "id") == NULL, "missing route param");
    ok(souk_request_pairs(r, "param", &n) == params && n == 1, "param pairs");
    ok(souk_request_pool(r) == pool, "request pool");
}

int
main(void)
{
    pool = sk_pool_create(16384);
    fix = sk_pool_create(16384);
    sk_limits_default(&lim);
    test_get();
    test_head_and_methods();
    test_malformed_params();
    test_paths();
    test_query();
    test_headers();
    test_host();
    test_json_wanted_and_id();
    test_body_limits();
    test_forms();
    test_json();
    test_pairs();
    sk_pool_destroy(pool);
    sk_pool_destroy(fix);
    return done_testing();
}
