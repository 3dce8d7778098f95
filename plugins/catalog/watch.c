/* Watches: "mail me when it is back in stock" and "when it is cheaper",
 * each mail written to the outbox with the change that causes it. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"

static int
cat_email_ok(const char *e)
{
    const char  *at = e != NULL ? strchr(e, '@') : NULL;
    size_t       i, n = e != NULL ? strlen(e) : 0;

    if (at == NULL || at == e || at[1] == '\0' || n > 254
        || strchr(at + 1, '@') != NULL || strchr(at, '.') == NULL)
    {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char) e[i] <= ' ' || e[i] == '<' || e[i] == '>'
            || e[i] == ',' || e[i] == ';' || e[i] == '"')
        {
            return 0;
        }
    }
    return 1;
}

/* The lowest amount of the product in a currency, -1 when none. */
static int64_t
cat_watch_min_price(souk_request_t *r, int64_t pid, const char *cur)
{
    souk_stmt_t  *st;
    int64_t       v = -1;

    st = souk_db_row(souk_db(r), "SELECT MIN(p.amount) FROM catalog_prices "
                     "p JOIN catalog_variants v ON v.id = p.variant_id WHERE "
                     "v.product_id = ? AND p.currency = ?", "it", pid, cur);
    if (st != NULL) {
        v = souk_stmt_is_null(st, 0) ? -1 : souk_stmt_int(st, 0);
        souk_stmt_reset(st);
    }
    return v;
}

typedef struct {
    souk_request_t  *r;
    int64_t          pid;
    const char      *kind;
    const char      *email;
    const char      *cur;
    int64_t          seen;
} cat_wadd_t;

static int
cat_watch_add_tx(souk_db_t *db, void *arg)
{
    cat_wadd_t   *t = arg;
    souk_stmt_t  *st;
    int64_t       id;

    st = souk_db_row(db, "SELECT id FROM catalog_watches WHERE product_id = "
                     "? AND email = ? AND kind = ?", "itt", t->pid, t->email,
                     t->kind);
    if (st == NULL && souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    if (st != NULL) {
        /* Asking again re-arms the watch from today's price. */
        id = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
        return souk_db_exec(db, "UPDATE catalog_watches SET site_id = ?, "
                            "currency = ?, price_seen = ?, notified_at = NULL"
                            " WHERE id = ?", "ttii", souk_site_id(t->r),
                            t->cur, t->seen, id);
    }
    return souk_db_exec(db, "INSERT INTO catalog_watches (site_id, "
                        "product_id, user_id, email, kind, currency, "
                        "price_seen, created_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
                        " ?)", "tiitttii", souk_site_id(t->r), t->pid,
                        souk_user_id(t->r), t->email, t->kind, t->cur,
                        t->seen, cat_now());
}

int
cat_watch_add(souk_request_t *r, int64_t product_id, const char *kind,
    const char *email, char *why, size_t whylen)
{
    cat_wadd_t  t;
    char        st[16];
    int         rc;

    memset(&t, 0, sizeof(t));
    t.r = r;
    t.pid = product_id;
    t.kind = kind;
    t.cur = cat_currency(r);
    if (kind == NULL || (strcmp(kind, "stock") != 0
                         && strcmp(kind, "price") != 0))
    {
        return cat_decline(why, whylen, "a watch is for stock or price");
    }
    if (email == NULL || email[0] == '\0') {
        email = souk_user_id(r) > 0 ? souk_user_email(r, souk_user_id(r))
                                    : NULL;
        if (email == NULL) {
            return cat_decline(why, whylen, "sign in or give an email "
                               "address");
        }
    }
    if (!cat_email_ok(email)) {
        return cat_decline(why, whylen, "that is not an email address");
    }
    t.email = email;
    rc = cat_product_status(r, product_id, st);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? cat_decline(why, whylen, "no such "
                                                 "product") : rc;
    }
    t.seen = cat_watch_min_price(r, product_id, t.cur);
    if (t.seen < 0) {
        t.seen = 0;
    }
    return souk_db_tx(souk_db(r), cat_watch_add_tx, &t);
}

typedef struct {
    int64_t      id;
    const char  *site;
    const char  *email;
    const char  *cur;
    int64_t      amount;
} cat_wrow_t;

/* The product's address as a shopper would open it from a mail. */
static const char *
cat_watch_url(souk_request_t *r, const char *site, const char *slug)
{
    souk_pool_t  *pool = souk_request_pool(r);
    cJSON        *all, *s, *hosts;
    const char   *host = NULL, *url;
    int           same = strcmp(site, souk_site_id(r)) == 0;

    all = souk_site_list(r);
    cJSON_ArrayForEach(s, all) {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(s, "id")) ?: "",
                   site) == 0)
        {
            hosts = cJSON_GetObjectItem(s, "hosts");
            host = cJSON_GetStringValue(cJSON_GetArrayItem(hosts, 0));
        }
    }
    url = souk_psprintf(pool, "%s%s%s/p/%s", host != NULL ? "http://" : "",
                        host != NULL ? host : "",
                        same ? souk_site_base_path(r) : "", slug);
    cJSON_Delete(all);
    return url;
}

static int
cat_watch_mail(souk_request_t *r, const cat_wrow_t *w, const char *kind,
    const char *name, const char *slug)
{
    souk_pool_t  *pool = souk_request_pool(r);
    souk_mail_t   m;
    char          money[32];
    const char   *url = cat_watch_url(r, w->site, slug);

    memset(&m, 0, sizeof(m));
    m.site = w->site;
    m.to = w->email;
    if (strcmp(kind, "stock") == 0) {
        m.subject = souk_psprintf(pool, "Back in stock: %s", name);
        m.text = souk_psprintf(pool, "%s is back in stock.\n\n%s\n\nYou "
                               "asked us to tell you; this is the only mail "
                               "about it.\n", name, url);
    } else {
        m.subject = souk_psprintf(pool, "Price drop: %s", name);
        cat_money_format(money, sizeof(money), w->amount, w->cur);
        m.text = souk_psprintf(pool, "%s now costs %s %s.\n\n%s\n",
                               name, money, w->cur, url);
    }
    return souk_outbox_mail(souk_db(r), &m) > 0 ? SOUK_OK : SOUK_ERROR;
}

typedef struct {
    souk_request_t  *r;
    int64_t          pid;
    const char      *kind;
} cat_wn_t;

static int
cat_watch_notify_tx(souk_db_t *db, void *arg)
{
    cat_wn_t     *t = arg;
    souk_pool_t  *pool = souk_request_pool(t->r);
    souk_stmt_t  *st;
    cat_wrow_t   *rows;
    const char   *name, *slug;
    size_t        n = 0, cap = 64, i;
    int           price = strcmp(t->kind, "price") == 0, rc;

    st = souk_db_row(db, "SELECT name, slug FROM catalog_products WHERE id "
                     "= ? AND group_id = ?", "it", t->pid,
                     souk_site_group(t->r));
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_OK : SOUK_ERROR;
    }
    name = souk_pstrdup(pool, souk_stmt_text(st, 0));
    slug = souk_pstrdup(pool, souk_stmt_text(st, 1));
    souk_stmt_reset(st);
    /* Read every watcher first: no statement stays open while mailing. */
    st = souk_db_prepare(db, price
        ? "SELECT w.id, w.site_id, w.email, w.currency, (SELECT "
          "MIN(p.amount) FROM catalog_prices p JOIN catalog_variants v ON "
          "v.id = p.variant_id WHERE v.product_id = w.product_id AND "
          "p.currency = w.currency) AS m, w.price_seen FROM catalog_watches "
          "w WHERE w.product_id = ? AND w.kind = 'price' ORDER BY w.id"
        : "SELECT w.id, w.site_id, w.email, w.currency, 0, 0 FROM "
          "catalog_watches w WHERE w.product_id = ? AND w.kind = 'stock' "
          "AND w.notified_at IS NULL ORDER BY w.id");
    if (st == NULL || souk_stmt_bind_int(st, 1, t->pid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    rows = souk_palloc(pool, cap * sizeof(*rows));
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        if (price && (souk_stmt_is_null(st, 4)
                      || souk_stmt_int(st, 5) <= souk_stmt_int(st, 4)))
        {
            continue;               /* not cheaper than what they saw */
        }
        if (n == cap) {
            cat_wrow_t  *more = souk_palloc(pool, 2 * cap * sizeof(*rows));

            memcpy(more, rows, n * sizeof(*rows));
            rows = more;
            cap *= 2;
        }
        rows[n].id = souk_stmt_int(st, 0);
        rows[n].site = souk_pstrdup(pool, souk_stmt_text(st, 1));
        rows[n].email = souk_pstrdup(pool, souk_stmt_text(st, 2));
        rows[n].cur = souk_pstrdup(pool, souk_stmt_text(st, 3));
        rows[n].amount = souk_stmt_int(st, 4);
        n++;
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        if (cat_watch_mail(t->r, &rows[i], t->kind, name, slug)
            != SOUK_OK
            || souk_db_exec(db, "UPDATE catalog_watches SET notified_at = ?,"
                            " price_seen = ? WHERE id = ?", "iii", cat_now(),
                            rows[i].amount, rows[i].id) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

int
cat_watch_notify(souk_request_t *r, int64_t product_id, const char *kind)
{
    cat_wn_t  t = { r, product_id, kind };

    return souk_db_tx(souk_db(r), cat_watch_notify_tx, &t);
}
