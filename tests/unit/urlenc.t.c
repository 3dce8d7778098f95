/* Tests percent-decoding, UTF-8 checks, path normalisation, forms, cookies. */
#include <string.h>

#include "tap.h"
#include "../../core/pool.c"
#include "../../core/buf.c"
#include "../../core/urlenc.c"
#include "../../core/cookie.c"

static souk_pool_t  *pool;
static sk_limits_t   lim = {
    .max_params = 4, .max_param_len = 8,
};

static const char *
path(const char *raw)
{
    return sk_path_normalize(pool, raw, strlen(raw));
}

static const char *
path_why(const char *raw)
{
    const char  *why = NULL;

    if (sk_path_normalize_why(pool, raw, strlen(raw), &why) != NULL) {
        return "(accepted)";
    }
    return why;
}

static void
test_utf8(void)
{
    ok(sk_utf8_valid("plain", 5), "ASCII is valid UTF-8");
    ok(sk_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
       "2-, 3- and 4-byte sequences are valid");
    ok(!sk_utf8_valid("\xc0\xaf", 2), "overlong '/' (C0 AF) is refused");
    ok(!sk_utf8_valid("\xe0\x80\xaf", 3), "3-byte overlong is refused");
    ok(!sk_utf8_valid("\xed\xa0\x80", 3), "UTF-16 surrogate is refused");
    ok(!sk_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF is refused");
    ok(!sk_utf8_valid("\xc3", 1), "truncated sequence is refused");
    ok(!sk_utf8_valid("a\0b", 3), "NUL byte is refused");
    ok(!sk_utf8_valid("\xff", 1), "byte FF is refused");
}

static void
test_decode(void)
{
    is_str(sk_url_decode(pool, "a%20b+c", 7, 1), "a b c",
           "form decoding turns + into space");
    is_str(sk_url_decode(pool, "a+b", 3, 0), "a+b",
           "without plus_space + stays");
    is_str(sk_url_decode(pool, "%c3%A9", 6, 0), "\xc3\xa9",
           "hex escapes in both cases");
    ok(sk_url_decode(pool, "%", 1, 0) == NULL, "lone %% is refused");
    ok(sk_url_decode(pool, "%4", 2, 0) == NULL, "short escape is refused");
    ok(sk_url_decode(pool, "%zz", 3, 0) == NULL, "non-hex escape is refused");
    ok(sk_url_decode(pool, "%00", 3, 0) == NULL, "%%00 is refused");
    ok(sk_url_decode(pool, "%ff", 3, 0) == NULL,
       "escape giving invalid UTF-8 is refused");
    is_str(sk_url_decode(pool, "abc", 2, 0), "ab", "length is honoured");
}

static void
test_path(void)
{
    is_str(path("/"), "/", "root stays");
    is_str(path("/a//b/./c"), "/a/b/c", "// and /./ collapse");
    is_str(path("/shop/"), "/shop/", "trailing slash is kept");
    is_str(path("/a/."), "/a/", "trailing /. leaves a slash");
    is_str(path("/caf%C3%A9/x%20y+z"), "/caf\xc3\xa9/x y+z",
           "path is decoded, + is literal");
    is_str(path("/%2e/a"), "/a", "encoded . segment collapses");
    is_str(path("/a..b/...") , "/a..b/...", "dots inside names are fine");
    ok(path("/a/../etc/passwd") == NULL, "raw .. segment is refused");
    ok(path("/..") == NULL, "trailing .. is refused");
    ok(path("/a/%2e%2e/b") == NULL, "encoded %%2e%%2e is refused");
    ok(path("/a/.%2E/b") == NULL, "half-encoded .. is refused");
    is_str(path_why("/a/%2e%2e/b"),
           "The request path contains a '..' segment.",
           ".. refusal says why");
    ok(path("/a%2fb") == NULL, "encoded slash is refused");
    ok(path("/a%2F..%2Fb") == NULL, "encoded slash around .. is refused");
    is_str(path_why("/a%2fb"), "The request path contains an encoded "
           "slash (%2F), which is refused.", "encoded slash says why");
    ok(path("/a%00b") == NULL, "%%00 is refused");
    ok(path("/a%zz") == NULL, "bad escape is refused");
    ok(path("/%c0%ae%c0%ae/x") == NULL, "overlong dots are refused");
    ok(path("/\xff") == NULL, "raw invalid UTF-8 is refused");
    ok(path("a/b") == NULL, "relative path is refused");
    ok(path("") == NULL, "empty path is refused");
}

static void
test_form(void)
{
    souk_kv_t    *kv;
    size_t        n;
    const char   *why = NULL;
    const char   *s;
    int           rc;

    s = "a=1&b=x+y%21&&flag&=skip";
    rc = sk_urlencoded_parse(pool, s, strlen(s), &lim, &kv, &n, &why);
    is_int(rc, 0, "form parses");
    is_int(n, 3, "empty pieces and empty names are skipped");
    if (n == 3) {
        is_str(kv[0].name, "a", "first name");
        is_str(kv[1].value, "x y!", "value decoded with + as space");
        is_str(kv[2].name, "flag", "name without =");
        is_str(kv[2].value, "", "gets an empty value");
    }
    s = "a%3Db=c%26d";
    rc = sk_urlencoded_parse(pool, s, strlen(s), &lim, &kv, &n, &why);
    ok(rc == 0 && n == 1 && strcmp(kv[0].name, "a=b") == 0
       && strcmp(kv[0].value, "c&d") == 0,
       "encoded = and & do not split");

    rc = sk_urlencoded_parse(pool, "", 0, &lim, &kv, &n, &why);
    ok(rc == 0 && n == 0 && kv == NULL, "empty string gives no pairs");

    s = "a=1&b=2&c=3&d=4&e=5";
    rc = sk_urlencoded_parse(pool, s, strlen(s), &lim, &kv, &n, &why);
    is_int(rc, 400, "more than max_params pairs is 400");
    is_str(why, "Too many parameters (the limit is 4).", "and says so");

    s = "a=%41%42%43%44%45%46%47%48";
    rc = sk_urlencoded_parse(pool, s, strlen(s), &lim, &kv, &n, &why);
    is_int(rc, 0, "value at max_param_len after decoding is fine");
    s = "a=123456789";
    rc = sk_urlencoded_parse(pool, s, strlen(s), &lim, &kv, &n, &why);
    is_int(rc, 400, "value over max_param_len is 400");
    s = "a=%zz";
    rc = sk_urlencoded_parse(pool, s, strlen(s), &lim, &kv, &n, &why);
    is_int(rc, 400, "invalid percent-encoding is 400");
    is_str(why, "A parameter has an invalid percent-encoding.", "and says so");
    s = "a=%c3%28";
    rc = sk_urlencoded_parse(pool, s, strlen(s), &lim, &kv, &n, &why);
    is_int(rc, 400, "invalid UTF-8 is 400");
    is_str(why, "A parameter is not valid UTF-8.", "and says so");
}

static void
test_cookies(void)
{
    souk_kv_t  *kv;
    size_t      n;

    sk_cookies_parse(pool, " sid=abc123; theme=\"dark\";junk; =x ;"
                     "cart=a%2Cb; raw=50%; bad=\xff", &kv, &n);
    is_int(n, 4, "four usable cookies, junk skipped");
    if (n == 4) {
        is_str(kv[0].name, "sid", "leading space trimmed from name");
        is_str(kv[0].value, "abc123", "plain value");
        is_str(kv[1].value, "dark", "quotes removed");
        is_str(kv[2].value, "a,b", "percent-encoded value is decoded");
        is_str(kv[3].value, "50%", "undecodable value is kept as sent");
    }
    sk_cookies_parse(pool, NULL, &kv, &n);
    ok(n == 0 && kv == NULL, "no Cookie header gives no cookies");
}

int
main(void)
{
    pool = sk_pool_create(4096);
    test_utf8();
    test_decode();
    test_path();
    test_form();
    test_cookies();
    sk_pool_destroy(pool);
    return done_testing();
}
