/* Template helpers every theme has: money, dates, route URLs and
 * translations, registered as modifiers with the template engine. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "theme.h"

/*
 * Money is formatted from whole minor units with integer arithmetic only: a
 * price is never a double here, so nothing is ever rounded. The table holds
 * the ISO 4217 minor-unit exponent and the symbol; currencies without a
 * well-known symbol show their code.
 */
typedef struct {
    const char  *code;
    int          decimals;
    const char  *symbol;
} sk_currency_t;

static const sk_currency_t  sk_currencies[] = {
    { "AED", 2, "AED" }, { "AUD", 2, "A$" }, { "BHD", 3, "BHD" },
    { "CAD", 2, "CA$" }, { "CHF", 2, "CHF" }, { "CNY", 2, "CN\xc2\xa5" },
    { "CZK", 2, "CZK" }, { "DKK", 2, "DKK" }, { "EUR", 2, "\xe2\x82\xac" },
    { "GBP", 2, "\xc2\xa3" }, { "INR", 2, "\xe2\x82\xb9" },
    { "ISK", 0, "ISK" }, { "JOD", 3, "JOD" }, { "JPY", 0, "\xc2\xa5" },
    { "KRW", 0, "\xe2\x82\xa9" }, { "KWD", 3, "KWD" }, { "MAD", 2, "MAD" },
    { "NOK", 2, "NOK" }, { "OMR", 3, "OMR" }, { "PLN", 2, "PLN" },
    { "SAR", 2, "SAR" }, { "SEK", 2, "SEK" }, { "TND", 3, "TND" },
    { "TRY", 2, "TRY" }, { "USD", 2, "$" },
};

#define SK_NBSP  "\xc2\xa0"

static const sk_currency_t *
sk_currency(const char *code)
{
    size_t  i;

    for (i = 0; i < sizeof(sk_currencies) / sizeof(sk_currencies[0]); i++) {
        if (strcmp(sk_currencies[i].code, code) == 0) {
            return &sk_currencies[i];
        }
    }
    return NULL;
}

/* A symbol made of letters is a code and wants a space next to the number. */
static int
sk_symbol_is_code(const char *s)
{
    return isupper((unsigned char) s[0]) && isupper((unsigned char) s[1]);
}

/* Digits of mag with a group separator every three, then the decimals. */
static void
sk_money_digits(souk_buf_t *out, unsigned long long mag, int decimals,
    char group, char point)
{
    char                digits[32];
    unsigned long long  unit = 1;
    unsigned long long  whole, frac;
    int                 i, n = 0, len;

    for (i = 0; i < decimals; i++) {
        unit *= 10;
    }
    whole = mag / unit;
    frac = mag % unit;
    do {
        digits[n++] = (char) ('0' + whole % 10);
        whole /= 10;
    } while (whole > 0);
    len = n;
    while (n-- > 0) {
        souk_buf_append(out, &digits[n], 1);
        if (n > 0 && n % 3 == 0) {
            souk_buf_append(out, &group, 1);
        }
    }
    (void) len;
    if (decimals > 0) {
        souk_buf_append(out, &point, 1);
        for (i = decimals - 1; i >= 0; i--) {
            digits[i] = (char) ('0' + frac % 10);
            frac /= 10;
        }
        souk_buf_append(out, digits, (size_t) decimals);
    }
}

int
sk_money_format(souk_buf_t *out, long long minor, const char *cur,
    const char *lang)
{
    const sk_currency_t  *c = cur != NULL ? sk_currency(cur) : NULL;
    unsigned long long    mag;

    if (c == NULL) {
        return SOUK_ERROR;
    }
    /* The magnitude as unsigned, so LLONG_MIN needs no special case. */
    mag = minor < 0 ? 0ULL - (unsigned long long) minor
                    : (unsigned long long) minor;
    if (minor < 0) {
        souk_buf_puts(out, "-");
    }
    if (lang != NULL && strcmp(lang, "de") == 0) {
        /* German: 1.234,50 € — the symbol after, with a no-break space. */
        sk_money_digits(out, mag, c->decimals, '.', ',');
        souk_buf_puts(out, SK_NBSP);
        souk_buf_puts(out, c->symbol);
        return SOUK_OK;
    }
    /* English: €1,234.50, or CHF 1,234.50 for a code. */
    souk_buf_puts(out, c->symbol);
    if (sk_symbol_is_code(c->symbol)) {
        souk_buf_puts(out, SK_NBSP);
    }
    sk_money_digits(out, mag, c->decimals, ',', '.');
    return SOUK_OK;
}

int
sk_money_amount(const cJSON *v, long long *minor)
{
    const char  *s;
    char        *end;
    long long    n;

    if (cJSON_IsNumber(v)) {
        /* Doubles hold every whole number up to 2^53 exactly. */
        if (!(v->valuedouble >= -9007199254740992.0
              && v->valuedouble <= 9007199254740992.0)
            || v->valuedouble != (double) (long long) v->valuedouble)
        {
            return SOUK_ERROR;
        }
        *minor = (long long) v->valuedouble;
        return SOUK_OK;
    }
    if (!cJSON_IsString(v)) {
        return SOUK_ERROR;
    }
    s = v->valuestring;
    if (!(isdigit((unsigned char) s[0])
          || (s[0] == '-' && isdigit((unsigned char) s[1]))))
    {
        return SOUK_ERROR;
    }
    errno = 0;
    n = strtoll(s, &end, 10);
    if (*end != '\0' || errno != 0) {
        return SOUK_ERROR;
    }
    *minor = n;
    return SOUK_OK;
}

/* ---------- dates ---------- */

static const char  *sk_months_en[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
};

static const char  *sk_months_de[] = {
    "Januar", "Februar", "M\xc3\xa4rz", "April", "Mai", "Juni", "Juli",
    "August", "September", "Oktober", "November", "Dezember",
};

static int
sk_date_parse(const char *s, int *y, int *m, int *d)
{
    static const int  mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
                                  30, 31 };
    int               i, leap;

    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char) s[i])) {
            return SOUK_ERROR;
        }
    }
    if (s[10] != '\0' && s[10] != 'T' && s[10] != ' ') {
        return SOUK_ERROR;
    }
    *y = atoi(s);
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    if (*m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1]) {
        return SOUK_ERROR;
    }
    leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    if (*m == 2 && *d == 29 && !leap) {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
sk_date_format(souk_buf_t *out, const char *iso, const char *style,
    const char *lang)
{
    int  y, m, d, de = lang != NULL && strcmp(lang, "de") == 0;

    if (iso == NULL || sk_date_parse(iso, &y, &m, &d) != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (style == NULL || strcmp(style, "short") == 0) {
        if (de) {
            souk_buf_printf(out, "%02d.%02d.%04d", d, m, y);
        } else {
            souk_buf_printf(out, "%.3s %d, %04d", sk_months_en[m - 1], d, y);
        }
    } else if (strcmp(style, "long") == 0) {
        if (de) {
            souk_buf_printf(out, "%d. %s %04d", d, sk_months_de[m - 1], y);
        } else {
            souk_buf_printf(out, "%s %d, %04d", sk_months_en[m - 1], d, y);
        }
    } else if (strcmp(style, "iso") == 0) {
        souk_buf_printf(out, "%04d-%02d-%02d", y, m, d);
    } else {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* ---------- route URLs ---------- */

static void
sk_url_component(souk_buf_t *out, const char *s)
{
    static const char  hex[] = "0123456789ABCDEF";
    char               esc[3];

    for (; *s != '\0'; s++) {
        if (isalnum((unsigned char) *s) || strchr("-._~", *s) != NULL) {
            souk_buf_append(out, s, 1);
        } else {
            esc[0] = '%';
            esc[1] = hex[(unsigned char) *s >> 4];
            esc[2] = hex[(unsigned char) *s & 15];
            souk_buf_append(out, esc, 3);
        }
    }
}

/* A parameter value as text: strings as they are, whole numbers printed. */
static int
sk_url_value(souk_buf_t *out, const cJSON *v)
{
    char  num[32];

    if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
        sk_url_component(out, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        snprintf(num, sizeof(num), "%.17g", v->valuedouble);
        sk_url_component(out, num);
    } else {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
sk_url_build(souk_buf_t *out, const char *base, const char *pattern,
    const cJSON *params)
{
    const char  *p = pattern, *name;
    char         key[128];
    size_t       n;
    int          depth;

    souk_buf_puts(out, base != NULL ? base : "");
    while (*p != '\0') {
        if (*p != '{') {
            n = strcspn(p, "{");
            souk_buf_append(out, p, n);
            p += n;
            continue;
        }
        name = ++p;
        n = strcspn(p, ":}");
        if (n >= sizeof(key)) {
            return SOUK_ERROR;
        }
        memcpy(key, name, n);
        key[n] = '\0';
        /* Skip the constraint, which may hold braces of its own. */
        for (depth = 1; *p != '\0' && depth > 0; p++) {
            depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
        }
        if (sk_url_value(out, cJSON_IsObject(params)
                              ? cJSON_GetObjectItemCaseSensitive(params, key)
                              : params) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    if (out->len == 0) {
        souk_buf_puts(out, "/");
    }
    return SOUK_OK;
}

/* ---------- the modifiers ---------- */

static const sk_view_ctx_t *
sk_helper_ctx(const sk_tpl_modarg_t *a)
{
    static const sk_view_ctx_t  none;

    return a->ctx != NULL ? a->ctx : &none;
}

static int
sk_mod_money(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    const sk_view_ctx_t  *vc = sk_helper_ctx(a);
    const cJSON          *amount = a->value, *c;
    const char           *cur = a->arg;
    long long             minor;

    if (cJSON_IsObject(a->value)) {
        amount = cJSON_GetObjectItemCaseSensitive(a->value, "amount");
        c = cJSON_GetObjectItemCaseSensitive(a->value, "currency");
        if (cur == NULL && cJSON_IsString(c)) {
            cur = c->valuestring;
        }
    }
    if (cur == NULL) {
        cur = vc->currency != NULL ? vc->currency : "EUR";
    }
    if (sk_money_amount(amount, &minor) != SOUK_OK
        || sk_money_format(out, minor, cur, vc->lang) != SOUK_OK)
    {
        sk_log_msg(SOUK_LOG_WARN, "money: cannot format %.40s in \"%s\" "
                   "(amount must be whole minor units, currency known)",
                   a->text ? a->text : "(none)", cur);
    }
    return SOUK_OK;
}

static int
sk_mod_date(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    const sk_view_ctx_t  *vc = sk_helper_ctx(a);

    if (a->text != NULL && a->len > 0
        && sk_date_format(out, a->text, a->arg, vc->lang) != SOUK_OK)
    {
        sk_log_msg(SOUK_LOG_WARN, "date: \"%.40s\" is not an ISO 8601 date "
                   "or \"%s\" is not short, long or iso", a->text,
                   a->arg ? a->arg : "short");
    }
    return SOUK_OK;
}

static int
sk_mod_url(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    const sk_view_ctx_t  *vc = sk_helper_ctx(a);
    const char           *pattern;
    size_t                mark = out->len;

    pattern = sk_router_named(vc->router, vc->enabled, a->arg);
    if (pattern == NULL) {
        sk_log_msg(SOUK_LOG_WARN, "url: no route named \"%s\" on this site",
                   a->arg);
        return SOUK_OK;
    }
    if (sk_url_build(out, vc->base_path, pattern, a->value) != SOUK_OK) {
        out->len = mark;
        out->data[mark] = '\0';
        sk_log_msg(SOUK_LOG_WARN, "url: a parameter of route \"%s\" (%s) "
                   "has no value", a->arg, pattern);
    }
    return SOUK_OK;
}

static int
sk_mod_t(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    const sk_view_ctx_t  *vc = sk_helper_ctx(a);
    const char           *s;

    s = a->text != NULL ? sk_theme_translate(vc->tr, a->text) : NULL;
    if (s != NULL) {
        souk_buf_puts(out, s);
    }
    return SOUK_OK;
}

/*
 * Registered before main, so every program holding the core (soukd, and
 * `souk render` even without --theme) knows the helpers before it compiles
 * a template. Registering again is harmless.
 */
__attribute__((constructor))
static void
sk_helpers_init(void)
{
    sk_helpers_register();
}

int
sk_helpers_register(void)
{
    static int  done;

    if (done) {
        return SOUK_OK;
    }
    if (sk_tpl_modifier_add("money", sk_mod_money, 0) != SOUK_OK
        || sk_tpl_modifier_add("date", sk_mod_date, 0) != SOUK_OK
        || sk_tpl_modifier_add("url", sk_mod_url, SK_TPL_MOD_ARG) != SOUK_OK
        || sk_tpl_modifier_add("t", sk_mod_t, SK_TPL_MOD_NOARG) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    done = 1;
    return SOUK_OK;
}
