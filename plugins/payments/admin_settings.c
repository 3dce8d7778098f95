/* The site's payment settings for staff with payments.settings: which
 * providers are offered, their display names, the bank details for
 * transfers and whether pay-later orders get a payment link. Every field
 * is checked before anything is written, so a bad form saves nothing.
 * Secrets (API keys) are never shown or edited here: only whether they
 * are configured. */
#include <ctype.h>
#include <string.h>

#include "admin.h"

#define PAY_SET_MAX_METHODS  16
#define PAY_NAME_MAX         64
#define PAY_HOLDER_MAX       70

/* The secret settings each method's provider needs (by method code). */
static const struct {
    const char  *method;
    const char  *keys[3];
} pay_secrets[] = {
    { "card", { "stripe.secret_key", "stripe.webhook_secret", NULL } },
};

/* One key to write: value NULL removes the site's own value. */
typedef struct {
    const char  *key;
    const char  *value;
} pay_set_kv_t;

typedef struct {
    pay_set_kv_t  kv[2 * PAY_SET_MAX_METHODS + 8];
    size_t        n;
} pay_set_t;

static void
pay_set_put(pay_set_t *s, const char *key, const char *value)
{
    if (s->n < sizeof(s->kv) / sizeof(s->kv[0])) {
        s->kv[s->n].key = key;
        s->kv[s->n].value = value;
        s->n++;
    }
}

/* Non-zero when every secret of method is set; -1 when it needs none. */
static int
pay_set_configured(souk_request_t *r, const char *method)
{
    const char  *v;
    size_t       i, k;

    for (i = 0; i < sizeof(pay_secrets) / sizeof(pay_secrets[0]); i++) {
        if (strcmp(pay_secrets[i].method, method) != 0) {
            continue;
        }
        for (k = 0; pay_secrets[i].keys[k] != NULL; k++) {
            v = souk_setting(r, pay_secrets[i].keys[k]);
            if (v == NULL || v[0] == '\0') {
                return 0;
            }
        }
        return 1;
    }
    return -1;
}

/* ---------- checks ---------- */

/* An IBAN without spaces, upper case, into out (35 bytes): two letters,
 * two digits, up to 30 letters or digits, and the ISO 13616 mod-97
 * check. SOUK_DECLINED when it is not one. */
static int
pay_iban_check(const char *in, char out[35])
{
    size_t    n = 0, i;
    unsigned  rem = 0;
    char      c;

    for (; *in != '\0'; in++) {
        if (*in == ' ') {
            continue;
        }
        if (n >= 34 || !isalnum((unsigned char) *in)) {
            return SOUK_DECLINED;
        }
        out[n++] = (char) toupper((unsigned char) *in);
    }
    out[n] = '\0';
    if (n < 5 || !isupper((unsigned char) out[0])
        || !isupper((unsigned char) out[1])
        || !isdigit((unsigned char) out[2])
        || !isdigit((unsigned char) out[3]))
    {
        return SOUK_DECLINED;
    }
    /* the first four characters move to the end; letters count 10..35 */
    for (i = 0; i < n; i++) {
        c = out[(i + 4) % n];
        if (isdigit((unsigned char) c)) {
            rem = (rem * 10 + (unsigned) (c - '0')) % 97;
        } else {
            rem = (rem * 100 + (unsigned) (c - 'A' + 10)) % 97;
        }
    }
    return rem == 1 ? SOUK_OK : SOUK_DECLINED;
}

/* A BIC: 4 letters (bank), 2 letters (country), 2 letters or digits
 * (place), optionally 3 more (branch); upper-cased into out (12). */
static int
pay_bic_check(const char *in, char out[12])
{
    size_t  n = strlen(in), i;

    if (n != 8 && n != 11) {
        return SOUK_DECLINED;
    }
    for (i = 0; i < n; i++) {
        out[i] = (char) toupper((unsigned char) in[i]);
        if (!isalnum((unsigned char) out[i])
            || (i < 6 && !isupper((unsigned char) out[i])))
        {
            return SOUK_DECLINED;
        }
    }
    out[n] = '\0';
    return SOUK_OK;
}

/* Methods checked in the form, joined with commas, each a provider of
 * this site. */
static int
pay_set_methods(souk_request_t *r, pay_set_t *s, char *why, size_t whylen)
{
    const souk_kv_t  *kv;
    souk_buf_t        b;
    size_t            n, i;

    kv = souk_request_pairs(r, "form", &n);
    souk_buf_init(&b, souk_request_pool(r), 64);
    for (i = 0; i < n; i++) {
        if (strcmp(kv[i].name, "method") != 0) {
            continue;
        }
        if (souk_pay_provider(r, kv[i].value) == NULL) {
            return pay_decline(why, whylen, "Methods: %s is not a payment "
                               "method of this site", kv[i].value);
        }
        if (b.len > 0) {
            souk_buf_puts(&b, ",");
        }
        souk_buf_puts(&b, kv[i].value);
    }
    pay_set_put(s, "payments.methods", b.data);
    return SOUK_OK;
}

/* The display name of each provider: empty goes back to the provider's. */
static int
pay_set_names(souk_request_t *r, pay_set_t *s, char *why, size_t whylen)
{
    const souk_pay_provider_t  *p;
    const char                 *v, *field;
    size_t                      i;

    for (i = 0; (p = souk_pay_provider_at(r, i)) != NULL
                && i < PAY_SET_MAX_METHODS; i++)
    {
        field = souk_psprintf(souk_request_pool(r), "name_%s", p->method);
        v = pay_admin_clean(r, souk_request_form(r, field), PAY_NAME_MAX);
        if (v == NULL) {
            return pay_decline(why, whylen, "Name of %s: at most %d "
                               "characters, one line", p->method,
                               PAY_NAME_MAX);
        }
        pay_set_put(s, souk_psprintf(souk_request_pool(r),
                                     "payments.%s.name", p->method),
                    v[0] != '\0' ? v : NULL);
    }
    return SOUK_OK;
}

static int
pay_set_bank(souk_request_t *r, pay_set_t *s, char *why, size_t whylen)
{
    const char  *iban = pay_admin_clean(r, souk_request_form(r, "iban"), 64);
    const char  *bic = pay_admin_clean(r, souk_request_form(r, "bic"), 16);
    const char  *holder = pay_admin_clean(r, souk_request_form(r, "holder"),
                                          PAY_HOLDER_MAX);
    const char  *days = souk_request_form(r, "reminder_days");
    char         ib[35], bc[12];
    int64_t      d;

    if (iban == NULL || (iban[0] != '\0' && pay_iban_check(iban, ib)
                                            != SOUK_OK))
    {
        return pay_decline(why, whylen, "IBAN: not a valid IBAN (two "
                           "letters, two check digits, up to 30 letters or "
                           "digits, and the check digits must match)");
    }
    if (bic == NULL || (bic[0] != '\0' && pay_bic_check(bic, bc)
                                          != SOUK_OK))
    {
        return pay_decline(why, whylen, "BIC: 8 or 11 letters and digits");
    }
    if (holder == NULL) {
        return pay_decline(why, whylen, "Account holder: at most %d "
                           "characters, one line", PAY_HOLDER_MAX);
    }
    if (days == NULL || souk_int_parse(days, 1, 60, &d) != SOUK_OK) {
        return pay_decline(why, whylen, "Reminder after: a whole number of "
                           "days from 1 to 60");
    }
    pay_set_put(s, "payments.bank_transfer.iban", iban[0] != '\0'
                ? souk_pstrdup(souk_request_pool(r), ib) : NULL);
    pay_set_put(s, "payments.bank_transfer.bic", bic[0] != '\0'
                ? souk_pstrdup(souk_request_pool(r), bc) : NULL);
    pay_set_put(s, "payments.bank_transfer.holder", holder[0] != '\0'
                ? holder : NULL);
    pay_set_put(s, "payments.bank_transfer.reminder_days",
                souk_psprintf(souk_request_pool(r), "%lld", (long long) d));
    return SOUK_OK;
}

/* ---------- the page ---------- */

static int
pay_set_checked(const char *v)
{
    return v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0
                         || strcmp(v, "on") == 0 || strcmp(v, "true") == 0);
}

static const char *
pay_set_value(souk_request_t *r, const char *key)
{
    const char  *v = souk_setting(r, key);

    return v != NULL ? v : "";
}

static void
pay_set_providers(souk_request_t *r, cJSON *m)
{
    const souk_pay_provider_t  *p;
    cJSON                      *arr, *o;
    const char                 *own;
    size_t                      i;
    int                         conf;

    arr = cJSON_AddArrayToObject(m, "providers");
    for (i = 0; (p = souk_pay_provider_at(r, i)) != NULL; i++) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "method", p->method);
        cJSON_AddStringToObject(o, "default_name", p->name);
        own = souk_setting(r, souk_psprintf(souk_request_pool(r),
                                            "payments.%s.name", p->method));
        cJSON_AddStringToObject(o, "name", own != NULL ? own : "");
        cJSON_AddBoolToObject(o, "enabled", pay_method_enabled(r,
                                                                p->method));
        cJSON_AddBoolToObject(o, "offsite", p->offsite);
        conf = pay_set_configured(r, p->method);
        cJSON_AddBoolToObject(o, "needs_secrets", conf >= 0);
        cJSON_AddBoolToObject(o, "configured", conf != 0);
        cJSON_AddItemToArray(arr, o);
    }
}

static int
pay_set_render(souk_request_t *r, int status, const char *error)
{
    cJSON       *m, *b;
    const char  *days = souk_setting(r,
                                     "payments.bank_transfer.reminder_days");

    m = pay_admin_page(r, "admin_payments_settings", "Payment settings");
    souk_ui_crumb(m, "Settings", NULL);
    if (error != NULL) {
        souk_ui_flash(m, "error", error);
    }
    pay_set_providers(r, m);
    b = cJSON_AddObjectToObject(m, "bank");
    cJSON_AddStringToObject(b, "iban", pay_set_value(r,
                            "payments.bank_transfer.iban"));
    cJSON_AddStringToObject(b, "bic", pay_set_value(r,
                            "payments.bank_transfer.bic"));
    cJSON_AddStringToObject(b, "holder", pay_set_value(r,
                            "payments.bank_transfer.holder"));
    cJSON_AddStringToObject(b, "reminder_days", days != NULL && days[0]
                            != '\0' ? days : "7");
    cJSON_AddBoolToObject(m, "send_link", pay_set_checked(souk_setting(r,
                          "payments.pay_later.send_link")));
    cJSON_AddStringToObject(m, "action", pay_admin_url(r,
                            "/admin/payments/settings"));
    return status;
}

int
pay_bo_settings(souk_request_t *r, void *data)
{
    int  rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "payments.settings")) != 0) {
        return rc;
    }
    return pay_set_render(r, 200, NULL);
}

int
pay_bo_settings_save(souk_request_t *r, void *data)
{
    pay_set_t  s;
    char       why[PAY_WHY] = "";
    size_t     i;
    int        rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "payments.settings")) != 0) {
        return rc;
    }
    memset(&s, 0, sizeof(s));
    if (pay_set_methods(r, &s, why, sizeof(why)) != SOUK_OK
        || pay_set_names(r, &s, why, sizeof(why)) != SOUK_OK
        || pay_set_bank(r, &s, why, sizeof(why)) != SOUK_OK)
    {
        return pay_set_render(r, 400, why);
    }
    pay_set_put(&s, "payments.pay_later.send_link",
                pay_set_checked(souk_request_form(r, "send_link"))
                ? "yes" : "no");
    for (i = 0; i < s.n; i++) {
        rc = souk_site_setting_set(r, souk_site_id(r), s.kv[i].key,
                                   s.kv[i].value, why, sizeof(why));
        if (rc == SOUK_DECLINED) {
            return pay_set_render(r, 400, why);
        }
        if (rc != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    souk_ui_flash_next(r, "ok", "Payment settings saved");
    return souk_redirect(r, 303, pay_admin_url(r,
                                               "/admin/payments/settings"));
}
