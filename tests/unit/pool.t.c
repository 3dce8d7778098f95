/* Tests the request pool (core/pool.c) and the pool-backed buffer (buf.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "../../core/pool.c"
#include "../../core/buf.c"

static char   order_buf[16];
static char  *order = order_buf;

static void
note(void *arg)
{
    size_t  n = strlen(order);

    order[n] = *(const char *) arg;
    order[n + 1] = '\0';
}

static void
test_alloc(void)
{
    souk_pool_t  *p = sk_pool_create(4096);
    char         *a, *b, *big;
    int           aligned = 1, i;

    for (i = 1; i < 100; i++) {
        a = souk_palloc(p, (size_t) i);
        memset(a, 0xab, (size_t) i);
        if ((uintptr_t) a % _Alignof(max_align_t) != 0) {
            aligned = 0;
        }
    }
    ok(aligned, "allocations are aligned for max_align_t");
    a = souk_palloc(p, 10);
    b = souk_palloc(p, 10);
    ok(b >= a + 10 || b + 10 <= a, "allocations do not overlap");
    ok(souk_palloc(p, 0) != NULL, "zero-byte allocation gives a pointer");

    big = souk_palloc(p, 1 << 20);
    memset(big, 1, 1 << 20);
    ok(sk_pool_size(p) >= 4096 + (1 << 20), "a large allocation grows the "
       "pool");
    a = souk_pcalloc(p, 64);
    for (i = 0; i < 64 && a[i] == 0; i++) {
        continue;
    }
    is_int(i, 64, "pcalloc zeroes");

    sk_pool_reset(p);
    is_int(sk_pool_size(p), 4096, "reset keeps only the first block");
    a = souk_palloc(p, 100);
    memset(a, 2, 100);
    ok(a != NULL, "the pool is usable after reset");
    sk_pool_destroy(p);
    sk_pool_destroy(NULL);
    ok(1, "destroying NULL is harmless");
}

static void
test_strings(void)
{
    souk_pool_t  *p = sk_pool_create(100);
    char          long_s[3000];

    is_str(souk_pstrdup(p, "hello"), "hello", "pstrdup");
    is_str(souk_pstrndup(p, "hello", 3), "hel", "pstrndup cuts and ends");
    is_str(souk_psprintf(p, "%s-%d", "id", 42), "id-42", "psprintf");
    memset(long_s, 'z', sizeof(long_s) - 1);
    long_s[sizeof(long_s) - 1] = '\0';
    is_int(strlen(souk_psprintf(p, "%s!", long_s)), sizeof(long_s),
           "psprintf larger than a block");
    sk_pool_destroy(p);
}

static void
test_cleanups(void)
{
    souk_pool_t  *p = sk_pool_create(1024);
    cJSON        *j;

    order[0] = '\0';
    souk_pool_cleanup_add(p, note, "a");
    souk_pool_cleanup_add(p, note, "b");
    souk_pool_cleanup_add(p, note, "c");
    is_str(order, "", "cleanups wait for the reset");
    sk_pool_reset(p);
    is_str(order, "cba", "cleanups run last added first");
    sk_pool_reset(p);
    is_str(order, "cba", "and only once");

    souk_pool_cleanup_add(p, note, "d");
    sk_pool_destroy(p);
    is_str(order, "cbad", "destroy runs cleanups");

    /* Under ASan, a tree the pool failed to delete shows up as a leak. */
    p = sk_pool_create(1024);
    j = souk_pool_json(p, cJSON_CreateObject());
    ok(j != NULL, "pool_json returns the root");
    cJSON_AddStringToObject(j, "k", "v");
    sk_pool_destroy(p);
}

static void
test_buf(void)
{
    souk_pool_t  *p = sk_pool_create(1024);
    souk_buf_t    b;
    int           i;

    souk_buf_init(&b, p, 0);
    ok(b.data != NULL && b.data[0] == '\0' && b.len == 0,
       "a new buffer is an empty string");
    souk_buf_puts(&b, "ab");
    souk_buf_append(&b, "cdef", 2);
    is_str(b.data, "abcd", "append and puts");
    for (i = 0; i < 1000; i++) {
        souk_buf_puts(&b, "0123456789");
    }
    is_int(b.len, 10004, "grows past its first capacity");
    ok(b.data[10004] == '\0' && memcmp(b.data + 9994, "0123456789", 10) == 0,
       "content intact after growth");

    souk_buf_init(&b, p, 8);
    souk_buf_printf(&b, "%d:%s", 7, "x");
    souk_buf_printf(&b, "%0200d", 0);
    is_int(b.len, 203, "printf appends, also beyond the capacity");
    ok(strncmp(b.data, "7:x000", 6) == 0 && b.data[203] == '\0',
       "printf content");

    souk_buf_init(&b, p, 0);
    souk_buf_append_html(&b, "<a href=\"x\">Tom & Jerry's</a>");
    is_str(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s"
           "&lt;/a&gt;", "append_html escapes & < > \" '");
    souk_buf_init(&b, p, 0);
    souk_buf_append_html(&b, "plain");
    is_str(b.data, "plain", "append_html leaves plain text alone");
    sk_pool_destroy(p);
}

int
main(void)
{
    test_alloc();
    test_strings();
    test_cleanups();
    test_buf();
    return done_testing();
}
