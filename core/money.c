/* Money and whole numbers from and to text: ISO 4217 decimals, plain
 * formatting, strict parsing. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk_core.h"
#include <souk/money.h>

SOUK_API int
souk_money_decimals(const char *cur)
{
    /* ISO 4217 minor units: the currencies that differ from 2 */
    static const char  zero[] = "BIFCLPDJFGNFISKJPYKMFKRWPYGRWFUGXUYIVNDVUV"
                                "XAFXOFXPF";
    static const char  three[] = "BHDIQDJODKWDLYDOMRTND";
    size_t             i;

    if (cur == NULL || strlen(cur) != 3) {
        return -1;
    }
    for (i = 0; i < 3; i++) {
        if (cur[i] < 'A' || cur[i] > 'Z') {
            return -1;
        }
    }
    for (i = 0; i + 3 <= sizeof(zero) - 1; i += 3) {
        if (memcmp(zero + i, cur, 3) == 0) {
            return 0;
        }
    }
    for (i = 0; i + 3 <= sizeof(three) - 1; i += 3) {
        if (memcmp(three + i, cur, 3) == 0) {
            return 3;
        }
    }
    return 2;
}

SOUK_API int
souk_money_format(char *buf, size_t len, int64_t minor, const char *cur)
{
    int       dec = souk_money_decimals(cur), i;
    uint64_t  scale = 1;
    /* the magnitude as unsigned, so INT64_MIN needs no special case */
    uint64_t  mag = minor < 0 ? (uint64_t) 0 - (uint64_t) minor
                              : (uint64_t) minor;

    if (dec < 0 || buf == NULL || len == 0) {
        return SOUK_ERROR;
    }
    for (i = 0; i < dec; i++) {
        scale *= 10;
    }
    if (dec == 0) {
        snprintf(buf, len, "%s%llu", minor < 0 ? "-" : "",
                 (unsigned long long) mag);
    } else {
        snprintf(buf, len, "%s%llu.%0*llu", minor < 0 ? "-" : "",
                 (unsigned long long) (mag / scale), dec & 3,
                 (unsigned long long) (mag % scale));
    }
    return SOUK_OK;
}

SOUK_API int
souk_money_parse(const char *s, const char *cur, int64_t *minor)
{
    int       dec = souk_money_decimals(cur), ndig = 0, nfrac = 0;
    int64_t   v = 0;
    const char *p;

    if (dec < 0 || s == NULL || minor == NULL) {
        return SOUK_ERROR;
    }
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    for (p = s; *p >= '0' && *p <= '9'; p++) {
        if (++ndig > 15) {
            return SOUK_ERROR;
        }
        v = v * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            if (++nfrac > dec) {
                return SOUK_ERROR;
            }
            v = v * 10 + (*p - '0');
        }
        if (nfrac == 0) {
            return SOUK_ERROR;
        }
    }
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (ndig == 0 || *p != '\0') {
        return SOUK_ERROR;
    }
    for (; nfrac < dec; nfrac++) {
        v *= 10;
    }
    *minor = v;
    return SOUK_OK;
}

SOUK_API int
souk_int_parse(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char       *end;
    long long   v;

    if (s == NULL || s[0] == '\0' || isspace((unsigned char) s[0])
        || s[0] == '+')
    {
        return SOUK_DECLINED;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return SOUK_DECLINED;
    }
    *out = (int64_t) v;
    return SOUK_OK;
}

SOUK_API int
souk_json_int(const cJSON *v, int64_t min, int64_t max, int64_t *out)
{
    double  d;

    if (cJSON_IsString(v)) {
        return souk_int_parse(v->valuestring, min, max, out);
    }
    if (!cJSON_IsNumber(v)) {
        return SOUK_DECLINED;
    }
    d = v->valuedouble;
    /* Beyond 2^53 a double no longer holds every whole number exactly. */
    if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0)
        || d != (double) (int64_t) d || d < (double) min
        || d > (double) max)
    {
        return SOUK_DECLINED;
    }
    *out = (int64_t) d;
    return SOUK_OK;
}
