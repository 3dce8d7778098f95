/* Unit tests of the accounts plugin's helpers: which email addresses it
 * takes, and its one-time tokens and their hashes. */
#include <string.h>

#include "tap.h"

#include "../../plugins/accounts/accounts.c"

/* The plugin's other files register routes; not under test here. */
int
accounts_pages_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

int
accounts_profile_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

int
accounts_address_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

int
accounts_api_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

/* The case as a TAP description: one line, so control bytes become '?'. */
static const char *
shown(const char *s)
{
    static char  buf[64];
    size_t       i;

    for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++) {
        buf[i] = (unsigned char) s[i] < 0x20 ? '?' : s[i];
    }
    buf[i] = '\0';
    return buf;
}

static void
test_emails(void)
{
    static const char *good[] = {
        "ada@example.test", "a.b+tag@sub.example.co.uk", "o'brien@x.io",
        "x@y.zz", "UPPER@EXAMPLE.TEST", "ünï@例え.jp",
    };
    static const char *bad[] = {
        "", "a", "@example.test", "ada@", "ada@example", "ada@.test",
        "ada@example.", "ada@exa..mple.test", "two@@example.test",
        "a@b@c.test", "sp ace@example.test", "tab\t@example.test",
        "<ada@example.test>", "ada@example.test\n", "\"q\"@example.test",
        "a,b@example.test", "a;b@example.test", "a@b(c).test",
        "x' OR '1'='1", "a\\b@example.test",
    };
    char    long_local[80], long_addr[300];
    size_t  i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ok(accounts_email_valid(good[i]), "takes %s", shown(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ok(!accounts_email_valid(bad[i]), "refuses \"%s\"", shown(bad[i]));
    }
    /* RFC 5321: 64 bytes of local part, 254 in all. */
    memset(long_local, 'l', 65);
    strcpy(long_local + 65, "@example.test");
    ok(!accounts_email_valid(long_local), "refuses a 65-byte local part");
    memset(long_addr, 'd', sizeof(long_addr) - 1);
    long_addr[0] = 'a';
    long_addr[1] = '@';
    strcpy(long_addr + 250, ".test");
    ok(!accounts_email_valid(long_addr), "refuses 255 bytes");
    strcpy(long_addr + 249, ".test");
    ok(accounts_email_valid(long_addr), "takes 254 bytes");
}

static int
url_safe(const char *s)
{
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789-_") == strlen(s);
}

static void
test_tokens(void)
{
    char  t1[ACCOUNTS_TOKEN_LEN + 1], h1[ACCOUNTS_HASH_SIZE];
    char  t2[ACCOUNTS_TOKEN_LEN + 1], h2[ACCOUNTS_HASH_SIZE];
    char  again[ACCOUNTS_HASH_SIZE];

    accounts_token_new(NULL, t1, h1);
    accounts_token_new(NULL, t2, h2);
    is_int((long) strlen(t1), ACCOUNTS_TOKEN_LEN, "token is 43 characters");
    ok(url_safe(t1), "token is base64url, fits the route pattern: %s", t1);
    is_int((long) strlen(h1), 64, "hash is 64 hex digits");
    ok(strspn(h1, "0123456789abcdef") == 64, "hash is lower-case hex");
    ok(strcmp(t1, t2) != 0, "two tokens differ");
    ok(strcmp(h1, h2) != 0, "and so do their hashes");
    accounts_token_hash(t1, again);
    ok(strcmp(again, h1) == 0, "the hash of the mailed token finds the row");
    ok(strstr(h1, t1) == NULL, "the hash does not contain the token");
}

int
main(void)
{
    if (sodium_init() < 0) {
        return 1;
    }
    test_emails();
    test_tokens();
    return done_testing();
}
