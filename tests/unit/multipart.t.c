/* Tests multipart/form-data parsing: fields, files, and broken bodies. */
#include <string.h>

#include "tap.h"
#include "../../core/pool.c"
#include "../../core/buf.c"
#include "../../core/urlenc.c"
#include "../../core/multipart.c"

#define CT  "multipart/form-data; boundary=XyZ"

static souk_pool_t    *pool;
static sk_limits_t     lim = {
    .max_params = 8, .max_param_len = 64, .max_uploads = 2,
};
static souk_kv_t      *fields;
static souk_upload_t  *ups;
static size_t          nf, nu;
static const char     *why;

static int
parse(const char *ct, const char *body, size_t len)
{
    why = NULL;
    return sk_multipart_parse(pool, ct, body, len, &lim, &fields, &nf,
                              &ups, &nu, &why);
}

static int
parse_s(const char *body)
{
    return parse(CT, body, strlen(body));
}

static void
test_good(void)
{
    static const char  body[] =
        "preamble is ignored\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"title\"\r\n"
        "\r\n"
        "Hello\r\nworld\r\n"
        "--XyZ  \r\n"
        "content-disposition: form-data; name=\"doc\"; "
        "filename=\"C:\\Users\\me\\cv.pdf\"\r\n"
        "Content-Type: application/pdf\r\n"
        "\r\n"
        "%PDF\0\x01\xff"
        "\r\n--XyZ\r\n"
        "Content-Disposition: form-data; name=\"evil\"; "
        "filename=\"../../etc/passwd\"\r\n"
        "\r\n"
        "x\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"none\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=empty\r\n"
        "\r\n"
        "\r\n"
        "--XyZ--\r\n"
        "epilogue";

    is_int(parse(CT, body, sizeof(body) - 1), 0, "well-formed body parses");
    is_int(nf, 2, "two text fields");
    is_int(nu, 2, "two files; the empty file input is dropped");
    if (nf == 2) {
        is_str(fields[0].name, "title", "field name");
        is_str(fields[0].value, "Hello\r\nworld", "field value keeps CRLF");
        is_str(fields[1].name, "empty", "unquoted name");
        is_str(fields[1].value, "", "empty value");
    }
    if (nu == 2) {
        is_str(ups[0].name, "doc", "upload field name");
        is_str(ups[0].filename, "cv.pdf", "Windows path cut to its name");
        is_str(ups[0].content_type, "application/pdf", "upload type");
        is_int(ups[0].len, 7, "binary data length, NUL included");
        ok(ups[0].len == 7 && memcmp(ups[0].data, "%PDF\0\x01\xff", 7) == 0,
           "binary data intact");
        is_str(ups[1].filename, "passwd", "../ path cut to its name");
        is_str(ups[1].content_type, "application/octet-stream",
               "default upload type");
    }

    is_int(parse("multipart/form-data; charset=x; BOUNDARY=\"XyZ\"",
                 "--XyZ--", 7), 0, "quoted, case-insensitive boundary");
    is_int(nf + nu, 0, "a body with no parts gives nothing");
}

static void
test_bad(void)
{
    is_int(parse("multipart/form-data", "--XyZ--", 7), 400,
           "missing boundary is 400");
    is_str(why, "The multipart body has no valid boundary in its "
           "Content-Type.", "and says so");
    is_int(parse("multipart/form-data; boundary=a{b", "--a{b--", 7), 400,
           "boundary with an invalid character is 400");
    is_int(parse("multipart/form-data; boundary=", "----", 4), 400,
           "empty boundary is 400");

    is_int(parse_s("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
                   "\r\nvalue that never ends"), 400,
           "truncated body (no closing delimiter) is 400");
    is_str(why, "The multipart body is truncated: its closing boundary is "
           "missing.", "and says so");
    is_int(parse_s("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"),
           400, "body cut inside the part headers is 400");
    is_int(parse_s("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
                   "\r\nv\r\n--XyZ"), 400,
           "body cut right after a delimiter is 400");
    is_int(parse_s("just text"), 400, "no delimiter at all is 400");
    is_int(parse_s("--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--"),
           400, "part without a name is 400");
    is_str(why, "A part of the multipart body has no name.", "and says so");
    is_int(parse_s("--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n"
                   "\r\nv\r\n--XyZ--"), 400, "part with an empty name is 400");
    is_int(parse_s("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
                   "\r\n\xc3\x28\r\n--XyZ--"), 400,
           "text field with invalid UTF-8 is 400");
    is_int(parse_s("--XyZgarbage\r\n\r\nv\r\n--XyZ--"), 400,
           "delimiter followed by junk is 400");
}

static void
test_limits(void)
{
    souk_buf_t  b;
    int         i;

    souk_buf_init(&b, pool, 1024);
    for (i = 0; i < 3; i++) {
        souk_buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; "
                        "name=\"f%d\"; filename=\"f%d.txt\"\r\n\r\nx\r\n",
                        i, i);
    }
    souk_buf_puts(&b, "--XyZ--");
    is_int(parse_s(b.data), 400, "more files than max_uploads is 400");
    is_str(why, "Too many uploaded files (the limit is 2).", "and says so");

    souk_buf_init(&b, pool, 1024);
    for (i = 0; i < 9; i++) {
        souk_buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; "
                        "name=\"f%d\"\r\n\r\nx\r\n", i);
    }
    souk_buf_puts(&b, "--XyZ--");
    is_int(parse_s(b.data), 400, "more fields than max_params is 400");

    souk_buf_init(&b, pool, 1024);
    souk_buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; "
                  "name=\"long\"\r\n\r\n");
    for (i = 0; i < 65; i++) {
        souk_buf_puts(&b, "x");
    }
    souk_buf_puts(&b, "\r\n--XyZ--");
    is_int(parse_s(b.data), 400, "field over max_param_len is 400");
}

int
main(void)
{
    pool = sk_pool_create(4096);
    test_good();
    test_bad();
    test_limits();
    sk_pool_destroy(pool);
    return done_testing();
}
