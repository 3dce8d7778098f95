/* libFuzzer target: money and whole-number text (core/money.c). What
 * parses formats back to the same text's value, and never overflows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <souk/money.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)  do { if (!(c)) { abort(); } } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const  curs[] = { "EUR", "JPY", "KWD", "usd", "" };
    const char               *cur;
    char                      text[64], out[64];
    int64_t                   v, w;

    if (size == 0 || size > sizeof(text)) {
        return 0;
    }
    cur = curs[data[0] % 5];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (souk_money_parse(text, cur, &v) == SOUK_OK) {
        FZ_CHECK(v >= 0);
        FZ_CHECK(souk_money_format(out, sizeof(out), v, cur) == SOUK_OK);
        FZ_CHECK(souk_money_parse(out, cur, &w) == SOUK_OK && w == v);
    }
    if (souk_int_parse(text, -1000, 1000, &v) == SOUK_OK) {
        FZ_CHECK(v >= -1000 && v <= 1000);
    }
    return 0;
}
