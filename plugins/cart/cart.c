/* The cart plugin: its descriptor, settings, and whose cart a visitor
 * has. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cart.h"

#define CART_TOKEN_HEX  32       /* a guest cart's token: 16 bytes in hex */

int64_t
cart_now(void)
{
    return (int64_t) time(NULL);
}

const char *
cart_currency(souk_request_t *r)
{
    const char  *c = souk_setting(r, "shop.currency");

    return c != NULL && souk_money_decimals(c) >= 0 ? c : "EUR";
}

int64_t
cart_max_quantity(souk_request_t *r)
{
    int64_t  n;

    if (souk_int_parse(souk_setting(r, "cart.max_quantity"), 1, 1000000,
                       &n) != SOUK_OK)
    {
        return 99;
    }
    return n;
}

int
cart_decline(char *why, size_t whylen, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return SOUK_DECLINED;
}

const char *
cart_href(souk_request_t *r, const char *path)
{
    return souk_psprintf(souk_request_pool(r), "%s%s",
                         souk_site_base_path(r), path);
}

/* A token we made: exactly 32 lower-case hex digits, so the owner key
 * never carries anything a visitor typed. */
static int
cart_token_ok(const char *t)
{
    size_t  i;

    if (t == NULL || strlen(t) != CART_TOKEN_HEX) {
        return 0;
    }
    for (i = 0; i < CART_TOKEN_HEX; i++) {
        if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/*
 * A guest's token is derived from the session's CSRF token rather than
 * drawn at random: two first adds at once (a double click, parallel API
 * calls) must name the same cart, and each request writes the session
 * value without seeing the other's. The hash keeps the CSRF token itself
 * out of the database. A sign-in gives the session a new CSRF token, and
 * the value carried over still names the guest cart to merge.
 */
static void
cart_token_derive(const char *csrf, char hex[CART_TOKEN_HEX + 1])
{
    crypto_generichash_state  h;
    unsigned char             raw[CART_TOKEN_HEX / 2];

    crypto_generichash_init(&h, NULL, 0, sizeof(raw));
    crypto_generichash_update(&h, (const unsigned char *) "souk-cart:", 10);
    crypto_generichash_update(&h, (const unsigned char *) csrf,
                              strlen(csrf));
    crypto_generichash_final(&h, raw, sizeof(raw));
    sodium_bin2hex(hex, CART_TOKEN_HEX + 1, raw, sizeof(raw));
}

int
cart_owner(souk_request_t *r, int create, char owner[CART_OWNER_LEN],
    int64_t *uid)
{
    const char  *t, *csrf;
    char         hex[CART_TOKEN_HEX + 1];

    *uid = souk_user_id(r);
    if (*uid > 0) {
        snprintf(owner, CART_OWNER_LEN, "u:%lld", (long long) *uid);
        return SOUK_OK;
    }
    /* souk_session_get starts nothing: no session, no token. */
    t = souk_session_get(r, "cart");
    if (cart_token_ok(t)) {
        snprintf(owner, CART_OWNER_LEN, "g:%s", t);
        return SOUK_OK;
    }
    if (!create || souk_request_token_auth(r)) {
        return SOUK_DECLINED;
    }
    csrf = souk_csrf_token(r);          /* starts a session if need be */
    if (csrf == NULL || strlen(csrf) < 32) {
        return SOUK_DECLINED;
    }
    cart_token_derive(csrf, hex);
    if (souk_session_set(r, "cart", hex) != SOUK_OK) {
        souk_log(r, SOUK_LOG_ERROR, "cannot keep the cart token in the "
                 "session");
        return SOUK_ERROR;
    }
    snprintf(owner, CART_OWNER_LEN, "g:%s", hex);
    return SOUK_OK;
}

int64_t
cart_find(souk_request_t *r, const char *owner)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       id;

    /* Locking on MariaDB, for the order transaction's sake: placing runs
     * cart.priced inside it, and a plain read there would price the
     * snapshot of a cart another placing has just ordered and emptied.
     * The lock waits for that one's commit; the reads after it see the
     * empty cart. (SQLite's write lock already serialises them.) */
    st = souk_db_row(db, souk_db_dialect(db) == SOUK_DB_MARIADB
                     ? "SELECT id FROM cart_carts WHERE site_id = ? AND "
                       "owner = ? FOR UPDATE"
                     : "SELECT id FROM cart_carts WHERE site_id = ? AND "
                       "owner = ?", "tt", souk_site_id(r), owner);
    if (st == NULL) {
        if (souk_db_error(db)[0] != '\0') {
            souk_log(r, SOUK_LOG_ERROR, "cart look-up failed: %s",
                     souk_db_error(db));
            return SOUK_ERROR;
        }
        return 0;
    }
    id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return id;
}

int64_t
cart_get_or_make(souk_request_t *r, const char *owner, int64_t uid)
{
    souk_db_t   *db = souk_db(r);
    int64_t      id, now = cart_now();
    const char  *sql;

    /* One upsert, then the locking read: a locking read of a cart that
     * does not exist yet would take a gap lock on MariaDB, and two first
     * adds (of any two visitors whose owners sort next to each other)
     * then deadlock on their inserts. */
    sql = souk_db_dialect(db) == SOUK_DB_MARIADB
          ? "INSERT INTO cart_carts (site_id, owner, user_id, currency, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE "
            "KEY UPDATE updated_at = VALUES(updated_at)"
          : "INSERT INTO cart_carts (site_id, owner, user_id, currency, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
            "(site_id, owner) DO UPDATE SET updated_at = excluded.updated_at";
    if (souk_db_exec(db, sql, "ttitii", souk_site_id(r), owner, uid,
                     cart_currency(r), now, now) != SOUK_OK)
    {
        /* a deadlock or busy, which souk_db_tx runs again: a warning */
        souk_log(r, SOUK_LOG_WARN, "cannot make a cart: %s",
                 souk_db_error(db));
        return SOUK_ERROR;
    }
    id = cart_find(r, owner);
    if (id <= 0) {
        souk_log(r, SOUK_LOG_WARN, "cannot lock the cart: %s",
                 souk_db_error(db));
        return SOUK_ERROR;
    }
    return id;
}

static int
cart_init(souk_plugin_ctx_t *ctx)
{
    if (souk_filter_add(ctx, "cart.priced", cart_priced_filter, NULL,
                        SOUK_PRIO_EARLY) != SOUK_OK
        || souk_action_add(ctx, "order.placed", cart_order_placed, NULL,
                           SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_action_add(ctx, "session.login", cart_login, NULL,
                           SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_job_add(ctx, "cart.sweep", 3600, cart_sweep_job, NULL)
           != SOUK_OK
        || cart_api_init(ctx) != SOUK_OK
        || cart_page_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static const char *const cart_requires[] = { "catalog", NULL };

SOUK_PLUGIN(cart,
    .version  = "1.0.0",
    .requires = cart_requires,
    .init     = cart_init,
    .summary  = "the shopping cart, priced on the server");
