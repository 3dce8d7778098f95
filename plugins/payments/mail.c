/* The payments plugin's mails (refund, bank details and their reminder,
 * payment link), queued in the outbox inside the caller's transaction. */
#include <stdio.h>
#include <string.h>

#include "pay.h"

static const char *
pay_mail_setting(souk_request_t *r, const char *key, const char *dflt)
{
    const char  *v = souk_setting(r, key);

    return v != NULL && v[0] != '\0' ? v : dflt;
}

static void
pay_mail_money(char *buf, size_t len, int64_t minor, const char *cur)
{
    char  num[40];

    if (souk_money_format(num, sizeof(num), minor, cur) != SOUK_OK) {
        snprintf(num, sizeof(num), "%lld", (long long) minor);
    }
    snprintf(buf, len, "%s %s", num, cur);
}

/* The bank details block of the two bank mails. */
static const char *
pay_mail_bank(souk_request_t *r, const pay_t *p, const char *money)
{
    return souk_psprintf(souk_request_pool(r),
        "Amount:      %s\n"
        "Account:     %s\n"
        "IBAN:        %s\n"
        "BIC:         %s\n"
        "Reference:   %s\n\n"
        "Please quote the reference exactly, so we can match your payment "
        "to your order.\n",
        money,
        pay_mail_setting(r, "payments.bank_transfer.holder", ""),
        pay_mail_setting(r, "payments.bank_transfer.iban", ""),
        pay_mail_setting(r, "payments.bank_transfer.bic", ""),
        p->reference[0] != '\0' ? p->reference : p->provider_ref);
}

int
pay_mail(souk_request_t *r, const pay_t *p, const char *kind,
    int64_t amount, const char *text, const char *url)
{
    souk_pool_t  *pool = souk_request_pool(r);
    const char   *shop = pay_mail_setting(r, "shop.name", "Our shop");
    const char   *extra = text != NULL && text[0] != '\0' ? text : NULL;
    souk_mail_t   m;
    char          money[64];

    if (p->email[0] == '\0') {
        return SOUK_OK;
    }
    pay_mail_money(money, sizeof(money), amount, p->currency);
    memset(&m, 0, sizeof(m));
    m.site = p->site;
    m.to = p->email;
    if (strcmp(kind, "refund") == 0) {
        m.subject = souk_psprintf(pool, "%s: refund for order %s", shop,
                                  p->order_number);
        m.text = souk_psprintf(pool, "Hello,\n\nwe refunded %s for your "
            "order %s to your original payment method (%s).%s%s\n\nIt may "
            "take a few days to show on your statement.\n\n%s\n", money,
            p->order_number, pay_method_name(r, p->method),
            extra != NULL ? "\nReason: " : "", extra != NULL ? extra : "",
            shop);
    } else if (strcmp(kind, "bank_details") == 0) {
        m.subject = souk_psprintf(pool, "%s: how to pay order %s", shop,
                                  p->order_number);
        m.text = souk_psprintf(pool, "Hello,\n\nthank you for your order %s."
            " Please transfer the amount below; we ship once it is in.\n\n"
            "%s\n%s\n", p->order_number, pay_mail_bank(r, p, money), shop);
    } else if (strcmp(kind, "bank_reminder") == 0) {
        m.subject = souk_psprintf(pool, "%s: order %s is waiting for your "
                                  "payment", shop, p->order_number);
        m.text = souk_psprintf(pool, "Hello,\n\nwe have not yet received "
            "your payment for order %s. If you have already paid, please "
            "ignore this mail.\n\n%s\n%s\n", p->order_number,
            pay_mail_bank(r, p, money), shop);
    } else if (strcmp(kind, "link") == 0) {
        m.subject = souk_psprintf(pool, "%s: pay for order %s", shop,
                                  p->order_number);
        m.text = souk_psprintf(pool, "Hello,\n\nyou can pay %s for order %s "
            "here:\n\n%s\n%s%s\n\n%s\n", money, p->order_number,
            url != NULL ? url : "", extra != NULL ? "\n" : "",
            extra != NULL ? extra : "", shop);
    } else {
        souk_log(r, SOUK_LOG_ERROR, "pay_mail: unknown kind %s", kind);
        return SOUK_ERROR;
    }
    return souk_outbox_mail(souk_db(r), &m) < 0 ? SOUK_ERROR : SOUK_OK;
}
