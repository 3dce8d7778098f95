/* The customer's order mails, queued in the outbox inside the caller's
 * transaction: the confirmation and one per status change they are told
 * about. */
#include <stdio.h>
#include <string.h>

#include "customer.h"

const char *
ord_cust_money(souk_request_t *r, int64_t amount, const char *cur)
{
    char  buf[40];

    if (souk_money_format(buf, sizeof(buf), amount, cur) != SOUK_OK) {
        snprintf(buf, sizeof(buf), "%lld", (long long) amount);
    }
    return souk_psprintf(souk_request_pool(r), "%s %s", buf, cur);
}

const char *
ord_cust_rate(souk_request_t *r, int64_t bp)
{
    souk_pool_t  *p = souk_request_pool(r);

    if (bp % 100 == 0) {
        return souk_psprintf(p, "%lld%%", (long long) (bp / 100));
    }
    if (bp % 10 == 0) {
        return souk_psprintf(p, "%lld.%lld%%", (long long) (bp / 100),
                             (long long) (bp % 100 / 10));
    }
    return souk_psprintf(p, "%lld.%02lld%%", (long long) (bp / 100),
                         (long long) (bp % 100));
}

/*
 * orders.base_url, then accounts.base_url: behind a default site any Host
 * header reaches us, and a mailed link must not point at a host a client
 * chose. Without either, the request's own scheme and host.
 */
const char *
ord_cust_link(souk_request_t *r, const char *path)
{
    const char  *base = souk_setting(r, "orders.base_url");
    const char  *host = souk_request_header(r, "Host");

    if (base == NULL || base[0] == '\0') {
        base = souk_setting(r, "accounts.base_url");
    }
    if (base != NULL && base[0] != '\0') {
        return souk_psprintf(souk_request_pool(r), "%s%s", base, path);
    }
    return souk_psprintf(souk_request_pool(r), "%s://%s%s",
                         souk_request_https(r) ? "https" : "http",
                         host != NULL ? host : "localhost",
                         ord_cust_path(r, path));
}

/* The payment method's name as the checkout offers it, else its code. */
const char *
ord_cust_payment_name(souk_request_t *r, const char *code)
{
    const cJSON  *m, *c, *n;

    cJSON_ArrayForEach(m, ord_payment_methods(r)) {
        c = cJSON_GetObjectItem(m, "code");
        n = cJSON_GetObjectItem(m, "name");
        if (cJSON_IsString(c) && cJSON_IsString(n)
            && strcmp(c->valuestring, code) == 0)
        {
            return n->valuestring;
        }
    }
    return code;
}

static const char *
ord_js(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItem(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static int64_t
ord_jm(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItem(cJSON_GetObjectItem(o, key),
                                          "amount");

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

static const char *
ord_shop(souk_request_t *r)
{
    const char  *n = souk_setting(r, "shop.name");

    return n != NULL && n[0] != '\0' ? n : souk_site_id(r);
}

/* "Name\nLine 1\n...\nCOUNTRY\n" from the document's address. */
static void
ord_mail_address(souk_buf_t *b, const cJSON *doc)
{
    static const char *const  keys[] = { "name", "line1", "line2" };
    const cJSON              *a = cJSON_GetObjectItem(doc, "address");
    size_t                    i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (ord_js(a, keys[i])[0] != '\0') {
            souk_buf_printf(b, "  %s\n", ord_js(a, keys[i]));
        }
    }
    souk_buf_printf(b, "  %s %s\n", ord_js(a, "postcode"), ord_js(a, "city"));
    if (ord_js(a, "region")[0] != '\0') {
        souk_buf_printf(b, "  %s\n", ord_js(a, "region"));
    }
    souk_buf_printf(b, "  %s\n", ord_js(a, "country"));
}

/* The lines and totals, as text and as an HTML table. */
static void
ord_mail_summary(souk_request_t *r, souk_buf_t *t, souk_buf_t *h,
    const cJSON *doc)
{
    const char    *cur = ord_js(doc, "currency");
    const cJSON   *l;
    int            incl = cJSON_IsTrue(cJSON_GetObjectItem(doc,
                                                "prices_include_tax"));
    size_t         i;
    struct {
        const char  *label;
        int64_t      amount;
        int          always;
    } rows[5];

    souk_buf_puts(h, "<table class=\"order-lines\">\n");
    cJSON_ArrayForEach(l, cJSON_GetObjectItem(doc, "lines")) {
        souk_buf_printf(t, "  %lld x %s (%s)%s%s\n      %s\n",
                        (long long) cJSON_GetObjectItem(l, "quantity")
                                    ->valuedouble,
                        ord_js(l, "name"), ord_js(l, "sku"),
                        ord_js(l, "options")[0] != '\0' ? ", " : "",
                        ord_js(l, "options"),
                        ord_cust_money(r, ord_jm(l, "line_total"), cur));
        souk_buf_printf(h, "<tr><td>%lld &times; ",
                        (long long) cJSON_GetObjectItem(l, "quantity")
                                    ->valuedouble);
        souk_buf_append_html(h, ord_js(l, "name"));
        souk_buf_puts(h, " <small>");
        souk_buf_append_html(h, ord_js(l, "sku"));
        souk_buf_puts(h, "</small></td><td>");
        souk_buf_append_html(h, ord_cust_money(r, ord_jm(l, "line_total"),
                                               cur));
        souk_buf_puts(h, "</td></tr>\n");
    }
    rows[0].label = "Subtotal";
    rows[0].amount = ord_jm(doc, "subtotal");
    rows[0].always = 1;
    rows[1].label = "Discount";
    rows[1].amount = ord_jm(doc, "discount_total");
    rows[1].always = 0;
    rows[2].label = "Shipping";
    rows[2].amount = ord_jm(doc, "shipping_total");
    rows[2].always = 1;
    rows[3].label = incl ? "Tax included" : "Tax";
    rows[3].amount = ord_jm(doc, "tax_total");
    rows[3].always = 1;
    rows[4].label = "Total";
    rows[4].amount = ord_jm(doc, "total");
    rows[4].always = 1;
    souk_buf_puts(t, "\n");
    for (i = 0; i < 5; i++) {
        if (!rows[i].always && rows[i].amount == 0) {
            continue;
        }
        souk_buf_printf(t, "  %-14s %s%s\n", rows[i].label,
                        i == 1 ? "-" : "",
                        ord_cust_money(r, rows[i].amount, cur));
        souk_buf_printf(h, "<tr><th>%s</th><td>%s", rows[i].label,
                        i == 1 ? "-" : "");
        souk_buf_append_html(h, ord_cust_money(r, rows[i].amount, cur));
        souk_buf_puts(h, "</td></tr>\n");
    }
    souk_buf_puts(h, "</table>\n");
}

static int
ord_mail_send(souk_request_t *r, const cJSON *doc, const char *subject,
    const char *text, const char *html)
{
    souk_mail_t  m;

    memset(&m, 0, sizeof(m));
    m.site = souk_site_id(r);
    m.to = ord_js(doc, "email");
    m.subject = subject;
    m.text = text;
    m.html = html;
    if (m.to[0] == '\0') {
        return SOUK_OK;                  /* nowhere to send it */
    }
    if (souk_outbox_mail(souk_db(r), &m) <= 0) {
        souk_log(r, SOUK_LOG_ERROR, "orders: queueing mail for %s failed",
                 ord_js(doc, "number"));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
ord_mail_placed(souk_request_t *r, int64_t order_id, const char *guest_token)
{
    cJSON        *doc = ord_load(r, order_id, ORD_LOAD_LINES);
    souk_pool_t  *p = souk_request_pool(r);
    const char   *number, *link, *shop = ord_shop(r);
    souk_buf_t    t, h;

    if (doc == NULL) {
        return SOUK_ERROR;
    }
    number = ord_js(doc, "number");
    link = ord_cust_link(r, guest_token != NULL && guest_token[0] != '\0'
        ? souk_psprintf(p, "/orders/%s?key=%s", number, guest_token)
        : souk_psprintf(p, "/orders/%s", number));
    souk_buf_init(&t, p, 2048);
    souk_buf_init(&h, p, 4096);
    souk_buf_printf(&t, "Thank you for your order at %s.\n\n"
                    "Order number: %s\n\n", shop, number);
    souk_buf_puts(&h, "<p>Thank you for your order at ");
    souk_buf_append_html(&h, shop);
    souk_buf_puts(&h, ".</p>\n<p>Order number: <strong>");
    souk_buf_append_html(&h, number);
    souk_buf_puts(&h, "</strong></p>\n");
    ord_mail_summary(r, &t, &h, doc);
    souk_buf_printf(&t, "\nShipping: %s\n", ord_js(cJSON_GetObjectItem(doc,
                    "shipping"), "name"));
    ord_mail_address(&t, doc);
    souk_buf_printf(&t, "\nPayment: %s\n",
                    ord_cust_payment_name(r, ord_js(doc, "payment_method")));
    souk_buf_printf(&t, "\nSee your order, follow it and change or cancel "
                    "it before it ships:\n%s\n", link);
    souk_buf_puts(&h, "<p><a href=\"");
    souk_buf_append_html(&h, link);
    souk_buf_puts(&h, "\">See your order</a></p>\n");
    if (ord_mail_send(r, doc, souk_psprintf(p, "Your order %s at %s",
                                            number, shop),
                      t.data, h.data) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return ord_event_add(r, order_id, "mail", NULL, NULL,
                         "confirmation mailed", 0, 0);
}

/* The newest decided change request: what "changed" tells about. */
static const cJSON *
ord_last_decision(const cJSON *doc)
{
    const cJSON  *c, *last = NULL;

    cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "change_requests")) {
        if (strcmp(ord_js(c, "status"), "accepted") == 0
            || strcmp(ord_js(c, "status"), "declined") == 0)
        {
            last = c;
        }
    }
    return last;
}

/* Subject and opening lines per status; NULL subject: no mail. */
static const char *
ord_status_text(souk_request_t *r, const cJSON *doc, const char *status,
    souk_buf_t *t)
{
    souk_pool_t   *p = souk_request_pool(r);
    const char    *n = ord_js(doc, "number"), *cur = ord_js(doc, "currency");
    const cJSON   *c;
    souk_buf_t     unused;

    if (strcmp(status, "paid") == 0) {
        souk_buf_printf(t, "We received your payment of %s for order %s.\n",
                        ord_cust_money(r, ord_jm(doc, "paid_amount"), cur), n);
        return souk_psprintf(p, "Payment received for order %s", n);
    }
    if (strcmp(status, "shipped") == 0) {
        souk_buf_printf(t, "Order %s is on its way.\n", n);
        if (ord_js(doc, "carrier")[0] != '\0') {
            souk_buf_printf(t, "\nCarrier: %s\n", ord_js(doc, "carrier"));
        }
        if (ord_js(doc, "tracking_number")[0] != '\0') {
            souk_buf_printf(t, "Tracking number: %s\n",
                            ord_js(doc, "tracking_number"));
        }
        if (ord_js(doc, "tracking_url")[0] != '\0') {
            souk_buf_printf(t, "Track it: %s\n", ord_js(doc, "tracking_url"));
        }
        return souk_psprintf(p, "Order %s has shipped", n);
    }
    if (strcmp(status, "delivered") == 0) {
        souk_buf_printf(t, "Order %s was delivered. Enjoy!\n", n);
        return souk_psprintf(p, "Order %s was delivered", n);
    }
    if (strcmp(status, "cancelled") == 0) {
        souk_buf_printf(t, "Order %s was cancelled.\n", n);
        if (ord_js(doc, "cancel_reason")[0] != '\0') {
            souk_buf_printf(t, "\nReason: %s\n", ord_js(doc, "cancel_reason"));
        }
        if (ord_jm(doc, "paid_amount") > 0) {
            souk_buf_printf(t, "\nThe %s you paid will be refunded.\n",
                            ord_cust_money(r, ord_jm(doc, "paid_amount"),
                                           cur));
        }
        return souk_psprintf(p, "Order %s was cancelled", n);
    }
    if (strcmp(status, "changed") == 0) {
        c = ord_last_decision(doc);
        if (c != NULL && strcmp(ord_js(c, "status"), "declined") == 0) {
            souk_buf_printf(t, "We could not make the change you asked for "
                            "to order %s.\n", n);
            if (ord_js(c, "reason")[0] != '\0') {
                souk_buf_printf(t, "\nReason: %s\n", ord_js(c, "reason"));
            }
            return souk_psprintf(p, "Your change to order %s was declined",
                                 n);
        }
        souk_buf_printf(t, "Order %s was changed as you asked. It now "
                        "reads:\n\n", n);
        souk_buf_init(&unused, p, 256);   /* the text mail has no HTML */
        ord_mail_summary(r, t, &unused, doc);
        return souk_psprintf(p, "Order %s was changed", n);
    }
    return NULL;
}

int
ord_mail_status(souk_request_t *r, int64_t order_id, const char *status)
{
    souk_pool_t  *p = souk_request_pool(r);
    const char   *subject, *link;
    cJSON        *doc;
    souk_buf_t    t;

    if (status == NULL
        || (strcmp(status, "paid") != 0 && strcmp(status, "shipped") != 0
            && strcmp(status, "delivered") != 0
            && strcmp(status, "cancelled") != 0
            && strcmp(status, "changed") != 0))
    {
        return SOUK_OK;
    }
    doc = ord_load(r, order_id, ORD_LOAD_LINES | ORD_LOAD_CHANGES);
    if (doc == NULL) {
        return SOUK_ERROR;
    }
    souk_buf_init(&t, p, 1024);
    subject = ord_status_text(r, doc, status, &t);
    if (subject == NULL) {
        return SOUK_OK;
    }
    /* a guest's key is only in their first mail: we keep its hash alone */
    link = ord_cust_link(r, souk_psprintf(p, "/orders/%s",
                                          ord_js(doc, "number")));
    souk_buf_printf(&t, "\nYour order: %s\n%s", link,
                    cJSON_IsTrue(cJSON_GetObjectItem(doc, "guest"))
                    ? "(open it with the link in your order confirmation)\n"
                    : "");
    souk_buf_printf(&t, "\n%s\n", ord_shop(r));
    return ord_mail_send(r, doc, subject, t.data, NULL);
}
