/* libFuzzer target: souk_text_query passes words only, never operators. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static souk_pool_t  *pool;

#define FZ_CHECK(c)  do { if (!(c)) { abort(); } } while (0)

/* text.c's writers are not fuzzed: the query builder needs no database. */
int souk_db_dialect(const souk_db_t *db) { (void) db; abort(); }
const char *souk_db_error(const souk_db_t *db) { (void) db; abort(); }
int souk_db_exec(souk_db_t *db, const char *sql, const char *fmt, ...)
{ (void) db; (void) sql; (void) fmt; abort(); }
int souk_stmt_bind_text(souk_stmt_t *st, int idx, const char *t, long len)
{ (void) st; (void) idx; (void) t; (void) len; abort(); }
void sk_log_msg(int level, const char *fmt, ...)
{ (void) level; (void) fmt; }

/* A word: ASCII letters and digits, or well-formed UTF-8 of 2-4 bytes. */
static size_t
fz_word(const unsigned char *s)
{
    size_t  n = 0;

    while (s[n] != '\0' && s[n] != '"' && s[n] != '*' && s[n] != ' ') {
        FZ_CHECK((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'z')
                 || (s[n] >= 'A' && s[n] <= 'Z') || s[n] >= 0x80);
        n++;
    }
    FZ_CHECK(n > 0);
    FZ_CHECK(sk_utf8_valid((const char *) s, n));
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char  *q;
    char                 *text;
    int                   dialect, words = 0;

    if (size == 0) {
        return 0;
    }
    if (pool == NULL) {
        pool = sk_pool_create(4096);
    }
    dialect = data[0] & 1 ? SOUK_DB_MARIADB : SOUK_DB_SQLITE;
    text = souk_pstrndup(pool, (const char *) data + 1, size - 1);
    q = (const unsigned char *) sk_text_query(dialect, pool, text);
    while (q != NULL && *q != '\0') {
        if (words > 0) {
            FZ_CHECK(*q++ == ' ');
        }
        if (dialect == SOUK_DB_MARIADB) {
            FZ_CHECK(*q++ == '+');
            q += fz_word(q);
        } else {
            FZ_CHECK(*q++ == '"');
            q += fz_word(q);
            FZ_CHECK(*q++ == '"');
        }
        FZ_CHECK(*q++ == '*');
        words++;
    }
    FZ_CHECK(words <= 16);
    sk_pool_reset(pool);
    return 0;
}
