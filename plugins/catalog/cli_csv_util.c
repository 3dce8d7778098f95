/* The product CSV format's small parts: money in major units, list cells,
 * and writing fields with the spreadsheet formula guard. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cli_csv.h"

static int
cat_csv_risky(char ch)
{
    return ch == '=' || ch == '+' || ch == '-' || ch == '@' || ch == '\t'
           || ch == '\r';
}

/* A cell needs the guard when, past any leading "'", it starts with what a
 * spreadsheet runs as a formula; the guard is one more "'" in front. */
int
cat_csv_needs_guard(const char *s)
{
    while (*s == '\'') {
        s++;
    }
    return cat_csv_risky(*s);
}

int
cat_csv_is_text(int col)
{
    return col != CAT_COL_PRICE && col != CAT_COL_PRICE_MINOR
           && col != CAT_COL_COMPARE_AT && col != CAT_COL_COST
           && col != CAT_COL_WEIGHT_G && col != CAT_COL_STOCK;
}

int
cat_csv_money(const char *s, const char *currency, int64_t *out)
{
    unsigned  exp = (unsigned) cat_money_decimals(currency), frac = 0;
    int64_t   v = 0;
    int       digits = 0, dot = 0;

    *out = -1;
    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    /* Decimal digits only: no sign, exponent, grouping or float maths. */
    for (; *s != '\0'; s++) {
        if (*s == '.' && !dot && digits > 0 && exp > 0) {
            dot = 1;
            continue;
        }
        if (!isdigit((unsigned char) *s) || (dot && frac == exp)
            || v > INT64_C(1000000000000))
        {
            return -1;
        }
        v = v * 10 + (*s - '0');
        digits++;
        frac += dot;
    }
    if (dot && frac == 0) {
        return -1;      /* "12." */
    }
    for (; frac < exp; frac++) {
        v *= 10;
    }
    if (v > INT64_C(1000000000000)) {
        return -1;
    }
    *out = v;
    return 0;
}

int
cat_csv_split(const char *s, char sep, int pairs, char *scratch,
    int (*fn)(void *arg, const char *name, const char *value), void *arg)
{
    char  *item, *next, *eq;

    strcpy(scratch, s);
    for (item = scratch; item != NULL; item = next) {
        next = strchr(item, sep);
        if (next != NULL) {
            *next++ = '\0';
        }
        if (item[0] == '\0') {
            return -1;
        }
        if (!pairs) {
            if (fn(arg, item, NULL) != 0) {
                return -1;
            }
            continue;
        }
        eq = strchr(item, '=');
        if (eq == NULL || eq == item || eq[1] == '\0') {
            return -1;
        }
        *eq = '\0';
        if (fn(arg, item, eq + 1) != 0) {
            return -1;
        }
    }
    return 0;
}

void
cat_csv_put(FILE *f, const char *s, int first, int text)
{
    const char  *p;
    int          guard, quote;

    if (!first) {
        fputc(',', f);
    }
    guard = text && cat_csv_needs_guard(s);
    /* libcsv trims unquoted spaces and tabs at the ends: quote those. */
    quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[0] == '\t'
            || (s[0] != '\0' && (s[strlen(s) - 1] == ' '
                                 || s[strlen(s) - 1] == '\t'));
    if (!quote) {
        fprintf(f, "%s%s", guard ? "'" : "", s);
        return;
    }
    fputc('"', f);
    if (guard) {
        fputc('\'', f);
    }
    for (p = s; *p != '\0'; p++) {
        if (*p == '"') {
            fputc('"', f);
        }
        fputc(*p, f);
    }
    fputc('"', f);
}
