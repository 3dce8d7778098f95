/* Souk public API: money as integer minor units, and whole numbers, from
 * and to text. */
#ifndef SOUK_MONEY_H
#define SOUK_MONEY_H

#include <cjson/cJSON.h>
#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Money is always an int64_t count of the currency's minor units (cents,
 * yen) next to an ISO 4217 code; never a float. These turn it to and from
 * the plain decimal text people type and read ("12.50"). Templates format
 * {"amount", "currency"} objects with the money modifier instead.
 */

/* The currency's minor-unit digits (ISO 4217): 0 for JPY, 3 for KWD, 2 for
 * the rest; -1 when cur is not three upper-case letters. */
SOUK_API int souk_money_decimals(const char *cur);

/* Writes minor as plain decimal text without symbol or grouping
 * ("-1234.50", "1500" for JPY) into buf (NUL-terminated, cut at len).
 * Returns SOUK_OK, or SOUK_ERROR for a bad currency code. */
SOUK_API int souk_money_format(char *buf, size_t len, int64_t minor,
    const char *cur);

/*
 * Parses decimal text ("12", "12.5", "12.50", " 0.99 ") into minor units of
 * cur. Refused with SOUK_ERROR: empty text, a sign (money typed by people
 * is never negative; callers that need one negate), more decimals than the
 * currency has, a comma or any other character, more than 15 integer
 * digits. Nothing is rounded.
 */
SOUK_API int souk_money_parse(const char *s, const char *cur, int64_t *minor);

/*
 * Whole numbers from people and JSON (quantities, ids, weights). Decimal
 * text with no sign other than a leading '-', no spaces, within [min,
 * max]; a JSON number that is exactly a whole number in range, or a string
 * holding one. SOUK_OK, or SOUK_DECLINED (nothing written to *out).
 */
SOUK_API int souk_int_parse(const char *s, int64_t min, int64_t max,
    int64_t *out);
SOUK_API int souk_json_int(const cJSON *v, int64_t min, int64_t max,
    int64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_MONEY_H */
