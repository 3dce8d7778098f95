/* The accounts plugin's own pages: register, log in, log out and the
 * password reset by an emailed one-time link. */
#include <stdlib.h>
#include <string.h>

#include "accounts.h"

/* What a transaction needs from the handler and hands back. */
typedef struct {
    souk_request_t  *r;
    const char      *email;
    const char      *password;
    const char      *name;
    const char      *hash;
    int64_t          uid;
} accounts_tx_t;

static void
accounts_register_form(souk_request_t *r, accounts_form_t *f, cJSON **email,
    cJSON **pw, cJSON **name)
{
    cJSON  *m = souk_view_new(r, "account_register");

    cJSON_AddStringToObject(m, "title", "Create an account");
    accounts_form_init(f, r, m, "form", "/account/register",
                       "Create account");
    *email = accounts_form_field(f, "email", "Email", "email", NULL,
                                 "email");
    *pw = accounts_form_field(f, "password", "Password", "password", NULL,
                              "new-password");
    *name = accounts_form_field(f, "name", "Your name (optional)", "text",
                                NULL, "name");
}

static int
accounts_register_get(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    cJSON           *e, *p, *n;

    (void) data;
    if (souk_user_id(r) > 0) {
        return accounts_goto(r, "/account");
    }
    accounts_register_form(r, &f, &e, &p, &n);
    return 200;
}

static int
accounts_register_tx(souk_db_t *db, void *arg)
{
    accounts_tx_t  *t = arg;

    t->uid = souk_user_create(t->r, t->email, t->password, "customer");
    if (t->uid <= 0) {
        return t->uid == 0 ? SOUK_DECLINED : SOUK_ERROR;
    }
    return souk_db_exec(db, "INSERT INTO account_profiles (user_id, "
                        "display_name, updated_at) VALUES (?, ?, ?)", "iti",
                        t->uid, t->name, accounts_now());
}

static int
accounts_register_post(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    accounts_tx_t    t;
    cJSON           *e, *p, *n;
    int              rc;

    (void) data;
    memset(&t, 0, sizeof(t));
    t.r = r;
    accounts_register_form(r, &f, &e, &p, &n);
    t.email = accounts_email(&f, e);
    t.password = accounts_password(&f, p);
    t.name = accounts_text(&f, n, ACCOUNTS_NAME_MAX, 0);
    if (f.failed) {
        return accounts_form_answer(&f, 422);
    }
    rc = souk_db_tx(souk_db(r), accounts_register_tx, &t);
    if (rc == SOUK_DECLINED) {
        accounts_form_fail(&f, e, "an account with this email exists; "
                           "sign in or reset its password");
        return accounts_form_answer(&f, 409);
    }
    if (rc != SOUK_OK || souk_session_login(r, t.uid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return accounts_goto(r, "/account");
}

static void
accounts_login_form(souk_request_t *r, accounts_form_t *f, cJSON **email,
    cJSON **pw)
{
    cJSON  *m = souk_view_new(r, "account_login");

    cJSON_AddStringToObject(m, "title", "Sign in");
    cJSON_AddStringToObject(m, "register_url",
                            accounts_path(r, "/account/register"));
    cJSON_AddStringToObject(m, "reset_url",
                            accounts_path(r, "/account/reset"));
    if (souk_request_query(r, "reset") != NULL) {
        cJSON_AddStringToObject(m, "notice", "Your password was changed. "
                                "Sign in with the new one.");
    }
    accounts_form_init(f, r, m, "form", "/account/login", "Sign in");
    *email = accounts_form_field(f, "email", "Email", "email", NULL,
                                 "username");
    *pw = accounts_form_field(f, "password", "Password", "password", NULL,
                              "current-password");
}

static int
accounts_login_get(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    cJSON           *e, *p;

    (void) data;
    if (souk_user_id(r) > 0) {
        return accounts_goto(r, "/account");
    }
    accounts_login_form(r, &f, &e, &p);
    return 200;
}

static int
accounts_login_post(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    const char      *email, *pw;
    cJSON           *e, *p;
    int64_t          uid;

    (void) data;
    accounts_login_form(r, &f, &e, &p);
    email = accounts_email(&f, e);
    pw = accounts_input(r, "password");
    if (pw == NULL || pw[0] == '\0') {
        accounts_form_fail(&f, p, "required");
    } else if (strlen(pw) > ACCOUNTS_PASSWORD_MAX) {
        accounts_form_fail(&f, p, "too long");
    }
    if (f.failed) {
        return accounts_form_answer(&f, 422);
    }
    uid = souk_user_authenticate(r, email, pw);
    if (uid == SOUK_DECLINED) {
        return souk_error(r, 429, "Too many failed sign-ins. Wait a few "
                          "minutes, or reset your password.");
    }
    if (uid < 0) {
        return SOUK_ERROR;
    }
    if (uid == 0) {
        accounts_form_error(&f, "Wrong email or password.");
        return accounts_form_answer(&f, 401);
    }
    if (souk_session_login(r, uid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return accounts_goto(r, "/account");
}

static int
accounts_logout(souk_request_t *r, void *data)
{
    (void) data;
    if (souk_user_id(r) > 0 && souk_session_logout(r) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return accounts_goto(r, "/");
}

/* ---- password reset ------------------------------------------------ */

static cJSON *
accounts_reset_form(souk_request_t *r, accounts_form_t *f)
{
    cJSON  *m = souk_view_new(r, "account_reset");

    cJSON_AddStringToObject(m, "title", "Reset your password");
    accounts_form_init(f, r, m, "form", "/account/reset", "Send the link");
    return accounts_form_field(f, "email", "Email", "email", NULL, "email");
}

static int
accounts_reset_get(souk_request_t *r, void *data)
{
    accounts_form_t  f;

    (void) data;
    accounts_reset_form(r, &f);
    return 200;
}

static int64_t
accounts_ttl(souk_request_t *r, const char *key, int64_t dflt)
{
    const char  *v = souk_setting(r, key);
    char        *end;
    long long    n;

    if (v == NULL || v[0] == '\0') {
        return dflt;
    }
    n = strtoll(v, &end, 10);
    return *end == '\0' && n >= 0 && n <= 30 * 86400 ? (int64_t) n : dflt;
}

/*
 * Writes the token and its mail in one transaction, so a crash leaves
 * both or neither. At most three live links per account and hour: the
 * form must not become a way to flood someone's inbox.
 */
static int
accounts_reset_tx(souk_db_t *db, void *arg)
{
    accounts_tx_t  *t = arg;
    souk_stmt_t    *st;
    souk_mail_t     mail;
    char            token[ACCOUNTS_TOKEN_LEN + 1], hash[ACCOUNTS_HASH_SIZE];
    int64_t         now = accounts_now(), n;

    t->uid = souk_user_find(t->r, t->email);
    if (t->uid <= 0) {
        return t->uid == 0 ? SOUK_OK : SOUK_ERROR;
    }
    st = souk_db_row(db, "SELECT COUNT(*) FROM account_reset_tokens WHERE "
                     "user_id = ? AND used_at IS NULL AND created_at > ?",
                     "ii", t->uid, now - 3600);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    if (n >= 3) {
        return SOUK_OK;
    }
    accounts_token_new(t->r, token, hash);
    if (souk_db_exec(db, "INSERT INTO account_reset_tokens (user_id, "
                     "token_hash, created_at, expires_at) VALUES "
                     "(?, ?, ?, ?)", "itii", t->uid, hash, now,
                     now + accounts_ttl(t->r, "accounts.reset_ttl",
                                        ACCOUNTS_RESET_TTL)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    memset(&mail, 0, sizeof(mail));
    mail.site = souk_site_id(t->r);
    mail.to = t->email;
    mail.subject = "Reset your password";
    mail.text = souk_psprintf(souk_request_pool(t->r),
        "Someone asked to reset the password of your account.\n\n"
        "To choose a new password, open this link (it works once):\n\n"
        "%s\n\nIf it was not you, ignore this mail: your password stays "
        "as it is.\n",
        accounts_link(t->r, souk_psprintf(souk_request_pool(t->r),
                                          "/account/reset/%s", token)));
    return souk_outbox_mail(db, &mail) > 0 ? SOUK_OK : SOUK_ERROR;
}

static int
accounts_reset_post(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    accounts_tx_t    t;
    cJSON           *m;

    (void) data;
    memset(&t, 0, sizeof(t));
    t.r = r;
    t.email = accounts_email(&f, accounts_reset_form(r, &f));
    if (f.failed) {
        return accounts_form_answer(&f, 422);
    }
    if (souk_db_tx(souk_db(r), accounts_reset_tx, &t) != SOUK_OK) {
        return SOUK_ERROR;
    }
    /* The same answer whether or not the account exists. */
    m = souk_view_new(r, "account_reset_sent");
    cJSON_AddStringToObject(m, "title", "Check your mail");
    cJSON_AddStringToObject(m, "email", t.email);
    return 200;
}

/* The live token's user, 0 when it is unknown, used or expired. */
static int64_t
accounts_reset_user(souk_request_t *r, const char *hash)
{
    souk_stmt_t  *st;
    int64_t       uid;

    st = souk_db_row(souk_db(r), "SELECT user_id FROM account_reset_tokens "
                     "WHERE token_hash = ? AND used_at IS NULL AND "
                     "expires_at > ?", "ti", hash, accounts_now());
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? 0 : SOUK_ERROR;
    }
    uid = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return uid;
}

static int
accounts_gone(souk_request_t *r)
{
    return souk_error(r, 410, "This link was already used or has expired. "
                      "Ask for a new one.");
}

static cJSON *
accounts_newpw_form(souk_request_t *r, accounts_form_t *f, const char *token)
{
    cJSON  *m = souk_view_new(r, "account_reset_form");

    cJSON_AddStringToObject(m, "title", "Choose a new password");
    accounts_form_init(f, r, m, "form", souk_psprintf(souk_request_pool(r),
                       "/account/reset/%s", token), "Save the password");
    return accounts_form_field(f, "password", "New password", "password",
                               NULL, "new-password");
}

static int
accounts_reset_token_get(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    const char      *token = souk_request_param(r, "token");
    char             hash[ACCOUNTS_HASH_SIZE];
    int64_t          uid;

    (void) data;
    accounts_token_hash(token, hash);
    uid = accounts_reset_user(r, hash);
    if (uid <= 0) {
        return uid == 0 ? accounts_gone(r) : SOUK_ERROR;
    }
    accounts_newpw_form(r, &f, token);
    return 200;
}

/* Spends the token (only one request can), sets the password and spends
 * every other link the account still has. */
static int
accounts_reset_token_tx(souk_db_t *db, void *arg)
{
    accounts_tx_t  *t = arg;
    int64_t         now = accounts_now();

    t->uid = accounts_reset_user(t->r, t->hash);
    if (t->uid <= 0) {
        return t->uid == 0 ? SOUK_DECLINED : SOUK_ERROR;
    }
    if (souk_db_exec(db, "UPDATE account_reset_tokens SET used_at = ? "
                     "WHERE token_hash = ? AND used_at IS NULL", "it", now,
                     t->hash) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return SOUK_DECLINED;
    }
    if (souk_user_set_password(t->r, t->uid, t->password) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return souk_db_exec(db, "UPDATE account_reset_tokens SET used_at = ? "
                        "WHERE user_id = ? AND used_at IS NULL", "ii", now,
                        t->uid);
}

static int
accounts_reset_token_post(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    accounts_tx_t    t;
    const char      *token = souk_request_param(r, "token");
    char             hash[ACCOUNTS_HASH_SIZE];
    cJSON           *p;
    int              rc;

    (void) data;
    memset(&t, 0, sizeof(t));
    t.r = r;
    accounts_token_hash(token, hash);
    t.hash = hash;
    p = accounts_newpw_form(r, &f, token);
    t.password = accounts_password(&f, p);
    if (f.failed) {
        /* A dead link says so first, not "password too short". */
        if (accounts_reset_user(r, hash) == 0) {
            return accounts_gone(r);
        }
        return accounts_form_answer(&f, 422);
    }
    rc = souk_db_tx(souk_db(r), accounts_reset_token_tx, &t);
    if (rc == SOUK_DECLINED) {
        return accounts_gone(r);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return souk_redirect(r, 303, accounts_path(r, "/account/login?reset=1"));
}

#define ACCOUNTS_ROUTE(m, p, h, n)                                           \
    if (souk_route_add(ctx, m, p, h, NULL) != SOUK_OK                        \
        || souk_route_name(ctx, n) != SOUK_OK)                               \
    {                                                                        \
        return SOUK_ERROR;                                                   \
    }

int
accounts_pages_init(souk_plugin_ctx_t *ctx)
{
    ACCOUNTS_ROUTE(SOUK_GET, "/account/register", accounts_register_get,
                   "accounts.register");
    ACCOUNTS_ROUTE(SOUK_POST, "/account/register", accounts_register_post,
                   "accounts.register_post");
    ACCOUNTS_ROUTE(SOUK_GET, "/account/login", accounts_login_get,
                   "accounts.login");
    ACCOUNTS_ROUTE(SOUK_POST, "/account/login", accounts_login_post,
                   "accounts.login_post");
    ACCOUNTS_ROUTE(SOUK_POST, "/account/logout", accounts_logout,
                   "accounts.logout");
    ACCOUNTS_ROUTE(SOUK_GET, "/account/reset", accounts_reset_get,
                   "accounts.reset");
    ACCOUNTS_ROUTE(SOUK_POST, "/account/reset", accounts_reset_post,
                   "accounts.reset_post");
    ACCOUNTS_ROUTE(SOUK_GET, "/account/reset/{token:" ACCOUNTS_TOKEN_RE "}",
                   accounts_reset_token_get, "accounts.reset_token");
    ACCOUNTS_ROUTE(SOUK_POST, "/account/reset/{token:" ACCOUNTS_TOKEN_RE "}",
                   accounts_reset_token_post, "accounts.reset_token_post");
    return SOUK_OK;
}
