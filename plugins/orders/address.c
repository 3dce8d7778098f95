/* Addresses: reading them from JSON or a form and checking them per
 * country (known ISO 3166 codes, postcode shapes, required regions). */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "checkout.h"

/*
 * A postcode shape: alternatives split by '|'; '9' a digit, 'A' a letter,
 * 'X' a letter or digit, a lower-case letter that letter in capitals, a
 * space an optional space (written as one space), anything else itself.
 * NULL: the country has no postcodes (empty accepted; anything typed is
 * kept if it is short plain text). opt: a postcode may be left out.
 */
typedef struct {
    const char  *code;
    const char  *postcode;
    int          opt;
    const char  *regions;      /* "|AL|AK|...|": required, one of these */
} ord_country_t;

static const char  ord_us_states[] = "|AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|"
    "HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|"
    "ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP|AA|"
    "AE|AP|";
static const char  ord_ca_provinces[] = "|AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|"
    "QC|SK|YT|";
static const char  ord_au_states[] = "|ACT|NSW|NT|QLD|SA|TAS|VIC|WA|";

/* British outward code then inward code (SW1A 1AA, M1 1AE, B33 8TH). */
#define ORD_GB  "A9 9AA|A99 9AA|AA9 9AA|AA99 9AA|A9A 9AA|AA9A 9AA"

static const ord_country_t  ord_countries[] = {
    { "AE", NULL, 1, NULL },
    { "AT", "9999", 0, NULL },
    { "AU", "9999", 0, ord_au_states },
    { "BE", "9999", 0, NULL },
    { "BG", "9999", 0, NULL },
    { "BR", "99999-999|99999999", 0, NULL },
    { "CA", "A9A 9A9", 0, ord_ca_provinces },
    { "CH", "9999", 0, NULL },
    { "CN", "999999", 0, NULL },
    { "CY", "9999", 0, NULL },
    { "CZ", "999 99", 0, NULL },
    { "DE", "99999", 0, NULL },
    { "DK", "9999", 0, NULL },
    { "EE", "99999", 0, NULL },
    { "ES", "99999", 0, NULL },
    { "FI", "99999", 0, NULL },
    { "FR", "99999", 0, NULL },
    { "GB", ORD_GB, 0, NULL },
    { "GR", "999 99", 0, NULL },
    { "HK", NULL, 1, NULL },
    { "HR", "99999", 0, NULL },
    { "HU", "9999", 0, NULL },
    { "IE", "AXX XXXX", 1, NULL },
    { "IN", "999 999", 0, NULL },
    { "IS", "999", 0, NULL },
    { "IT", "99999", 0, NULL },
    { "JP", "999-9999|9999999", 0, NULL },
    { "KR", "99999", 0, NULL },
    { "LI", "9999", 0, NULL },
    { "LT", "lt-99999|99999", 0, NULL },
    { "LU", "l-9999|9999", 0, NULL },
    { "LV", "lv-9999|9999", 0, NULL },
    { "MT", "AAA 9999", 0, NULL },
    { "MX", "99999", 0, NULL },
    { "NL", "9999 AA", 0, NULL },
    { "NO", "9999", 0, NULL },
    { "NZ", "9999", 0, NULL },
    { "PL", "99-999", 0, NULL },
    { "PT", "9999-999", 0, NULL },
    { "RO", "999999", 0, NULL },
    { "SE", "999 99", 0, NULL },
    { "SG", "999999", 0, NULL },
    { "SI", "si-9999|9999", 0, NULL },
    { "SK", "999 99", 0, NULL },
    { "US", "99999|99999-9999", 0, ord_us_states },
    { "ZA", "9999", 0, NULL },
};

#define ORD_NCOUNTRIES  (sizeof(ord_countries) / sizeof(ord_countries[0]))

static const ord_country_t *
ord_country_find(const char *code)
{
    size_t  i;

    for (i = 0; i < ORD_NCOUNTRIES; i++) {
        if (strcmp(ord_countries[i].code, code) == 0) {
            return &ord_countries[i];
        }
    }
    return NULL;
}

int
ord_country_known(const char *code)
{
    return code != NULL && ord_country_find(code) != NULL;
}

/* Non-zero when code is in the comma list (blanks around items ignored). */
static int
ord_in_list(const char *list, const char *code)
{
    const char  *p = list, *s;
    size_t       n = strlen(code), len;

    while (*p != '\0') {
        while (*p == ',' || *p == ' ') {
            p++;
        }
        s = p;
        while (*p != '\0' && *p != ',') {
            p++;
        }
        len = (size_t) (p - s);
        while (len > 0 && s[len - 1] == ' ') {
            len--;
        }
        if (len == n && strncasecmp(s, code, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * Matches one alternative of a shape against s (upper-cased already),
 * writing the canonical form (the optional spaces put in) to out.
 */
static int
ord_shape_match(const char *pat, size_t plen, const char *s, char *out,
    size_t outlen)
{
    size_t  i, o = 0;
    int     c;

    for (i = 0; i < plen; i++) {
        if (o + 1 >= outlen) {
            return 0;
        }
        c = (unsigned char) pat[i];
        if (c == ' ') {
            if (*s == ' ') {
                s++;
            }
            out[o++] = ' ';
            continue;
        }
        if (*s == '\0') {
            return 0;
        }
        if ((c == '9' && !isdigit((unsigned char) *s))
            || (c == 'A' && !isupper((unsigned char) *s))
            || (c == 'X' && !isupper((unsigned char) *s)
                && !isdigit((unsigned char) *s))
            || (islower(c) && *s != toupper(c))
            || (c != '9' && c != 'A' && c != 'X' && !islower(c)
                && *s != c))
        {
            return 0;
        }
        out[o++] = *s++;
    }
    out[o] = '\0';
    return *s == '\0';
}

/* SOUK_OK when pc (upper-cased in place, then made canonical) fits. */
static int
ord_postcode_ok(const ord_country_t *c, char *pc, size_t pclen)
{
    const char  *p, *bar;
    char         canon[33];
    size_t       i;

    for (i = 0; pc[i] != '\0'; i++) {
        pc[i] = (char) toupper((unsigned char) pc[i]);
    }
    if (pc[0] == '\0') {
        return c->postcode == NULL || c->opt ? SOUK_OK : SOUK_DECLINED;
    }
    if (c->postcode == NULL) {
        /* No postcodes there: keep short letters and digits as typed. */
        for (i = 0; pc[i] != '\0'; i++) {
            if (!isalnum((unsigned char) pc[i]) && pc[i] != ' '
                && pc[i] != '-')
            {
                return SOUK_DECLINED;
            }
        }
        return i <= 10 ? SOUK_OK : SOUK_DECLINED;
    }
    for (p = c->postcode; p != NULL; p = bar != NULL ? bar + 1 : NULL) {
        bar = strchr(p, '|');
        if (ord_shape_match(p, bar != NULL ? (size_t) (bar - p) : strlen(p),
                            pc, canon, sizeof(canon)))
        {
            snprintf(pc, pclen, "%s", canon);
            return SOUK_OK;
        }
    }
    return SOUK_DECLINED;
}

/*
 * Trims blanks around v and copies it into dst (cap bytes + NUL). Refuses
 * control characters (C0, DEL and the C1 range as UTF-8) and text longer
 * than cap bytes. "" for NULL.
 */
static int
ord_text_take(const char *label, const char *v, char *dst, size_t cap,
    int required, char *why, size_t whylen)
{
    const unsigned char  *p;
    size_t                n;

    if (v == NULL) {
        v = "";
    }
    while (*v == ' ' || *v == '\t') {
        v++;
    }
    n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) {
        n--;
    }
    for (p = (const unsigned char *) v; p < (const unsigned char *) v + n;
         p++)
    {
        if (*p < 0x20 || *p == 0x7f
            || (*p == 0xc2 && p + 1 < (const unsigned char *) v + n
                && p[1] >= 0x80 && p[1] <= 0x9f))
        {
            return ord_decline(why, whylen, "%s: control characters are "
                               "not allowed", label);
        }
    }
    if (n == 0 && required) {
        return ord_decline(why, whylen, "%s: required", label);
    }
    if (n > cap) {
        return ord_decline(why, whylen, "%s: at most %zu characters",
                           label, cap);
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
    return SOUK_OK;
}

/* Checks the country, postcode, region and phone of a read address. */
static int
ord_address_check(souk_request_t *r, ord_address_t *a, char *why,
    size_t whylen)
{
    const ord_country_t  *c;
    const char           *sold;
    char                  key[70];
    size_t                i;

    for (i = 0; a->country[i] != '\0'; i++) {
        a->country[i] = (char) toupper((unsigned char) a->country[i]);
    }
    c = ord_country_find(a->country);
    if (c == NULL) {
        return ord_decline(why, whylen, "Country: not a country code we "
                           "know (two letters, ISO 3166)");
    }
    sold = r != NULL ? souk_setting(r, "orders.countries") : NULL;
    if (sold != NULL && sold[0] != '\0' && !ord_in_list(sold, c->code)) {
        return ord_decline(why, whylen, "Country: this shop does not "
                           "deliver to %s", c->code);
    }
    if (ord_postcode_ok(c, a->postcode, sizeof(a->postcode)) != SOUK_OK) {
        return ord_decline(why, whylen, a->postcode[0] == '\0'
                           ? "Postcode: required for %s"
                           : "Postcode: not a valid postcode for %s",
                           c->code);
    }
    if (c->regions != NULL) {
        for (i = 0; a->region[i] != '\0'; i++) {
            a->region[i] = (char) toupper((unsigned char) a->region[i]);
        }
        snprintf(key, sizeof(key), "|%s|", a->region);
        if (a->region[0] == '\0') {
            return ord_decline(why, whylen, "Region: required for %s "
                               "(the state or province code)", c->code);
        }
        if (strchr(a->region, '|') != NULL
            || strstr(c->regions, key) == NULL)
        {
            return ord_decline(why, whylen, "Region: not a state or "
                               "province code of %s", c->code);
        }
    }
    for (i = 0; a->phone[i] != '\0'; i++) {
        if (!isdigit((unsigned char) a->phone[i])
            && strchr(" +-().", a->phone[i]) == NULL)
        {
            return ord_decline(why, whylen, "Phone: digits, spaces and "
                               "+ - ( ) only");
        }
    }
    return SOUK_OK;
}

typedef struct {
    const char  *name;        /* JSON key and form suffix */
    const char  *label;       /* for messages */
    size_t       off;
    size_t       size;
    int          required;
} ord_afield_t;

#define ORD_AF(f, label, req)                                              \
    { #f, label, offsetof(ord_address_t, f),                               \
      sizeof(((ord_address_t *) 0)->f), req }

static const ord_afield_t  ord_afields[] = {
    ORD_AF(name, "Name", 1),
    ORD_AF(line1, "Address line 1", 1),
    ORD_AF(line2, "Address line 2", 0),
    ORD_AF(city, "City", 1),
    ORD_AF(region, "Region", 0),
    ORD_AF(postcode, "Postcode", 0),
    ORD_AF(country, "Country", 1),
    ORD_AF(phone, "Phone", 0),
};

#define ORD_NAFIELDS  (sizeof(ord_afields) / sizeof(ord_afields[0]))

int
ord_address_from_json(const cJSON *o, souk_request_t *r, ord_address_t *a,
    char *why, size_t whylen)
{
    const ord_afield_t  *f;
    const cJSON         *v;
    size_t               i;
    int                  rc;

    memset(a, 0, sizeof(*a));
    if (!cJSON_IsObject(o)) {
        return ord_decline(why, whylen, "Address: required (an object "
                           "with name, line1, city, postcode, country)");
    }
    for (i = 0; i < ORD_NAFIELDS; i++) {
        f = &ord_afields[i];
        v = cJSON_GetObjectItemCaseSensitive(o, f->name);
        if (v != NULL && !cJSON_IsNull(v) && !cJSON_IsString(v)) {
            return ord_decline(why, whylen, "%s: must be text", f->label);
        }
        rc = ord_text_take(f->label, cJSON_IsString(v) ? v->valuestring
                           : NULL, (char *) a + f->off, f->size - 1,
                           f->required, why, whylen);
        if (rc != SOUK_OK) {
            return rc;
        }
    }
    return ord_address_check(r, a, why, whylen);
}

int
ord_address_from_form(souk_request_t *r, const char *prefix,
    ord_address_t *a, char *why, size_t whylen)
{
    const ord_afield_t  *f;
    char                 key[64];
    size_t               i;
    int                  rc;

    memset(a, 0, sizeof(*a));
    for (i = 0; i < ORD_NAFIELDS; i++) {
        f = &ord_afields[i];
        snprintf(key, sizeof(key), "%s%s", prefix != NULL ? prefix : "",
                 f->name);
        rc = ord_text_take(f->label, souk_request_form(r, key),
                           (char *) a + f->off, f->size - 1, f->required,
                           why, whylen);
        if (rc != SOUK_OK) {
            return rc;
        }
    }
    return ord_address_check(r, a, why, whylen);
}

cJSON *
ord_address_json(const ord_address_t *a)
{
    const ord_afield_t  *f;
    cJSON               *o = cJSON_CreateObject();
    size_t               i;

    for (i = 0; i < ORD_NAFIELDS; i++) {
        f = &ord_afields[i];
        cJSON_AddStringToObject(o, f->name, (const char *) a + f->off);
    }
    return o;
}

cJSON *
ord_countries_json(souk_request_t *r)
{
    const char  *sold = souk_setting(r, "orders.countries");
    cJSON       *out = cJSON_CreateArray();
    size_t       i;

    for (i = 0; i < ORD_NCOUNTRIES; i++) {
        if (sold == NULL || sold[0] == '\0'
            || ord_in_list(sold, ord_countries[i].code))
        {
            cJSON_AddItemToArray(out,
                                 cJSON_CreateString(ord_countries[i].code));
        }
    }
    return out;
}
