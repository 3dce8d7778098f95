/* The accounts plugin's profile page: the display name, the password, and
 * an email change confirmed from a link sent to the new address. */
#include <string.h>

#include "accounts.h"

typedef struct {
    souk_request_t  *r;
    int64_t          uid;
    const char      *email;
    const char      *old_email;
    const char      *hash;
    const char      *name;
    int              taken;
} accounts_ptx_t;

/* The display name, "" when none was given. */
static const char *
accounts_display_name(souk_request_t *r, int64_t uid)
{
    souk_stmt_t  *st;
    const char   *s;

    st = souk_db_row(souk_db(r), "SELECT display_name FROM account_profiles "
                     "WHERE user_id = ?", "i", uid);
    if (st == NULL) {
        return "";
    }
    s = souk_stmt_text(st, 0);
    s = souk_pstrdup(souk_request_pool(r), s != NULL ? s : "");
    souk_stmt_reset(st);
    return s;
}

/* The profile page with its three forms, each showing its own errors;
 * the POST handlers read their form's fields by position. */
static cJSON *
accounts_profile_model(souk_request_t *r, accounts_form_t *pf,
    accounts_form_t *ef, accounts_form_t *wf)
{
    int64_t      uid = souk_user_id(r);
    const char  *email = souk_user_email(r, uid);
    cJSON       *m = souk_view_new(r, "account_profile");

    cJSON_AddStringToObject(m, "title", "Your account");
    cJSON_AddStringToObject(m, "email", email != NULL ? email : "");
    cJSON_AddStringToObject(m, "addresses_url",
                            accounts_path(r, "/account/addresses"));
    cJSON_AddStringToObject(m, "tokens_url",
                            accounts_path(r, "/account/tokens"));
    cJSON_AddStringToObject(m, "logout_url",
                            accounts_path(r, "/account/logout"));
    if (souk_request_query(r, "saved") != NULL) {
        cJSON_AddStringToObject(m, "notice", "Saved.");
    }
    accounts_form_init(pf, r, m, "profile_form", "/account/profile", "Save");
    accounts_form_field(pf, "name", "Your name", "text",
                        accounts_display_name(r, uid), "name");
    accounts_form_init(ef, r, m, "email_form", "/account/email",
                       "Change the email");
    accounts_form_field(ef, "new_email", "New email", "email", NULL,
                        "email");
    accounts_form_field(ef, "password", "Your password", "password", NULL,
                        "current-password");
    accounts_form_init(wf, r, m, "password_form", "/account/password",
                       "Change the password");
    accounts_form_field(wf, "current_password", "Current password",
                        "password", NULL, "current-password");
    accounts_form_field(wf, "new_password", "New password", "password", NULL,
                        "new-password");
    return m;
}

static cJSON *
accounts_field(accounts_form_t *f, int i)
{
    return cJSON_GetArrayItem(f->fields, i);
}

static int
accounts_profile_get(souk_request_t *r, void *data)
{
    accounts_form_t  pf, ef, wf;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    accounts_profile_model(r, &pf, &ef, &wf);
    return 200;
}

static int
accounts_profile_tx(souk_db_t *db, void *arg)
{
    accounts_ptx_t  *t = arg;
    souk_stmt_t     *st;

    /* Not UPDATE-then-INSERT on "0 rows changed": MariaDB counts a row
     * updated to the same value as unchanged. */
    st = souk_db_row(db, "SELECT 1 FROM account_profiles WHERE user_id = ?",
                     "i", t->uid);
    if (st != NULL) {
        souk_stmt_reset(st);
        return souk_db_exec(db, "UPDATE account_profiles SET display_name "
                            "= ?, updated_at = ? WHERE user_id = ?", "tii",
                            t->name, accounts_now(), t->uid);
    }
    if (souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    return souk_db_exec(db, "INSERT INTO account_profiles (user_id, "
                        "display_name, updated_at) VALUES (?, ?, ?)", "iti",
                        t->uid, t->name, accounts_now());
}

static int
accounts_profile_post(souk_request_t *r, void *data)
{
    accounts_form_t  pf, ef, wf;
    accounts_ptx_t   t;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    memset(&t, 0, sizeof(t));
    t.r = r;
    t.uid = souk_user_id(r);
    accounts_profile_model(r, &pf, &ef, &wf);
    t.name = accounts_text(&pf, accounts_field(&pf, 0), ACCOUNTS_NAME_MAX, 0);
    if (pf.failed) {
        return accounts_form_answer(&pf, 422);
    }
    if (souk_db_tx(souk_db(r), accounts_profile_tx, &t) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return accounts_goto(r, "/account?saved=1");
}

/* Checks the signed-in user's password: 0 when right, else the answer
 * (429 throttled, 401 wrong). */
static int
accounts_recheck(souk_request_t *r, accounts_form_t *f, cJSON *field,
    const char *pw)
{
    const char  *email = souk_user_email(r, souk_user_id(r));
    int64_t      uid;

    if (email == NULL) {
        return SOUK_ERROR;
    }
    uid = souk_user_authenticate(r, email, pw);
    if (uid == SOUK_DECLINED) {
        return souk_error(r, 429, "Too many failed attempts. Wait a few "
                          "minutes.");
    }
    if (uid < 0) {
        return SOUK_ERROR;
    }
    if (uid != souk_user_id(r)) {
        accounts_form_fail(f, field, "wrong password");
        return accounts_form_answer(f, 401);
    }
    return 0;
}

static int
accounts_password_post(souk_request_t *r, void *data)
{
    accounts_form_t  pf, ef, wf;
    const char      *cur, *pw;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    accounts_profile_model(r, &pf, &ef, &wf);
    cur = accounts_input(r, "current_password");
    if (cur == NULL || cur[0] == '\0' || strlen(cur) > ACCOUNTS_PASSWORD_MAX)
    {
        accounts_form_fail(&wf, accounts_field(&wf, 0), "required");
    }
    pw = accounts_password(&wf, accounts_field(&wf, 1));
    if (wf.failed) {
        return accounts_form_answer(&wf, 422);
    }
    if ((rc = accounts_recheck(r, &wf, accounts_field(&wf, 0), cur)) != 0) {
        return rc;
    }
    if (souk_user_set_password(r, souk_user_id(r), pw) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return accounts_goto(r, "/account?saved=1");
}

/* ---- email change ---------------------------------------------------- */

static int
accounts_email_tx(souk_db_t *db, void *arg)
{
    accounts_ptx_t  *t = arg;
    souk_mail_t      mail;
    char             token[ACCOUNTS_TOKEN_LEN + 1], hash[ACCOUNTS_HASH_SIZE];
    int64_t          now = accounts_now(), ttl = ACCOUNTS_EMAIL_TTL;

    /* A newer request replaces the older links. */
    if (souk_db_exec(db, "UPDATE account_email_tokens SET used_at = ? "
                     "WHERE user_id = ? AND used_at IS NULL", "ii", now,
                     t->uid) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    accounts_token_new(t->r, token, hash);
    if (souk_db_exec(db, "INSERT INTO account_email_tokens (user_id, "
                     "new_email, token_hash, created_at, expires_at) "
                     "VALUES (?, ?, ?, ?, ?)", "ittii", t->uid, t->email,
                     hash, now, now + ttl) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    memset(&mail, 0, sizeof(mail));
    mail.site = souk_site_id(t->r);
    mail.to = t->email;
    mail.subject = "Confirm your new email address";
    mail.text = souk_psprintf(souk_request_pool(t->r),
        "To use this address for your account, open this link:\n\n%s\n\n"
        "If you did not ask for this, ignore this mail.\n",
        accounts_link(t->r, souk_psprintf(souk_request_pool(t->r),
                                          "/account/email/%s", token)));
    return souk_outbox_mail(db, &mail) > 0 ? SOUK_OK : SOUK_ERROR;
}

static int
accounts_email_post(souk_request_t *r, void *data)
{
    accounts_form_t  pf, ef, wf;
    accounts_ptx_t   t;
    const char      *pw;
    cJSON           *m;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    memset(&t, 0, sizeof(t));
    t.r = r;
    t.uid = souk_user_id(r);
    accounts_profile_model(r, &pf, &ef, &wf);
    t.email = accounts_email(&ef, accounts_field(&ef, 0));
    pw = accounts_input(r, "password");
    if (pw == NULL || pw[0] == '\0' || strlen(pw) > ACCOUNTS_PASSWORD_MAX) {
        accounts_form_fail(&ef, accounts_field(&ef, 1), "required");
    }
    if (ef.failed) {
        return accounts_form_answer(&ef, 422);
    }
    if ((rc = accounts_recheck(r, &ef, accounts_field(&ef, 1), pw)) != 0) {
        return rc;
    }
    if (souk_user_find(r, t.email) != 0) {
        accounts_form_fail(&ef, accounts_field(&ef, 0), "already in use");
        return accounts_form_answer(&ef, 409);
    }
    if (souk_db_tx(souk_db(r), accounts_email_tx, &t) != SOUK_OK) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "account_email_sent");
    cJSON_AddStringToObject(m, "title", "Check your mail");
    cJSON_AddStringToObject(m, "email", t.email);
    return 200;
}

/* The live email-change token's user and new address, or 0. */
static int64_t
accounts_email_token(souk_request_t *r, const char *hash, const char **email)
{
    souk_stmt_t  *st;
    int64_t       uid;

    st = souk_db_row(souk_db(r), "SELECT user_id, new_email FROM "
                     "account_email_tokens WHERE token_hash = ? AND "
                     "used_at IS NULL AND expires_at > ?", "ti", hash,
                     accounts_now());
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? 0 : SOUK_ERROR;
    }
    uid = souk_stmt_int(st, 0);
    *email = souk_pstrdup(souk_request_pool(r), souk_stmt_text(st, 1));
    souk_stmt_reset(st);
    return uid;
}

static int
accounts_email_confirm_get(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    const char      *token = souk_request_param(r, "token"), *email;
    char             hash[ACCOUNTS_HASH_SIZE];
    int64_t          uid;
    cJSON           *m;

    (void) data;
    accounts_token_hash(token, hash);
    uid = accounts_email_token(r, hash, &email);
    if (uid <= 0) {
        return uid == 0 ? souk_error(r, 410, "This link was already used "
                                     "or has expired.") : SOUK_ERROR;
    }
    /* A GET changes nothing (mail scanners follow links): a button does. */
    m = souk_view_new(r, "account_email_confirm");
    cJSON_AddStringToObject(m, "title", "Confirm your new email address");
    cJSON_AddStringToObject(m, "email", email);
    accounts_form_init(&f, r, m, "form", souk_psprintf(souk_request_pool(r),
                       "/account/email/%s", token), "Use this address");
    return 200;
}

static int
accounts_email_confirm_tx(souk_db_t *db, void *arg)
{
    accounts_ptx_t  *t = arg;
    souk_mail_t      mail;
    int              rc;

    t->uid = accounts_email_token(t->r, t->hash, &t->email);
    if (t->uid <= 0) {
        return t->uid == 0 ? SOUK_DECLINED : SOUK_ERROR;
    }
    if (souk_db_exec(db, "UPDATE account_email_tokens SET used_at = ? "
                     "WHERE token_hash = ? AND used_at IS NULL", "it",
                     accounts_now(), t->hash) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return SOUK_DECLINED;
    }
    t->old_email = souk_user_email(t->r, t->uid);
    rc = souk_user_set_email(t->r, t->uid, t->email);
    if (rc != SOUK_OK || t->old_email == NULL) {
        t->taken = rc == SOUK_DECLINED;
        return rc == SOUK_OK ? SOUK_ERROR : rc;
    }
    /* The old address hears of it: a stolen session cannot move the
     * account away silently. */
    memset(&mail, 0, sizeof(mail));
    mail.site = souk_site_id(t->r);
    mail.to = t->old_email;
    mail.subject = "Your account's email address was changed";
    mail.text = souk_psprintf(souk_request_pool(t->r),
        "Your account now uses %s instead of this address.\n"
        "If you did not do this, contact us.\n", t->email);
    return souk_outbox_mail(db, &mail) > 0 ? SOUK_OK : SOUK_ERROR;
}

static int
accounts_email_confirm_post(souk_request_t *r, void *data)
{
    accounts_ptx_t   t;
    const char      *token = souk_request_param(r, "token");
    char             hash[ACCOUNTS_HASH_SIZE];
    cJSON           *m;
    int              rc;

    (void) data;
    memset(&t, 0, sizeof(t));
    t.r = r;
    accounts_token_hash(token, hash);
    t.hash = hash;
    rc = souk_db_tx(souk_db(r), accounts_email_confirm_tx, &t);
    if (rc == SOUK_DECLINED) {
        return t.taken ? souk_error(r, 409, "Another account uses this "
                                    "address now.")
                       : souk_error(r, 410, "This link was already used or "
                                    "has expired.");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "account_email_done");
    cJSON_AddStringToObject(m, "title", "Email address changed");
    cJSON_AddStringToObject(m, "email", t.email);
    cJSON_AddStringToObject(m, "account_url", accounts_path(r, "/account"));
    return 200;
}

int
accounts_profile_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/account", accounts_profile_get,
                       NULL) != SOUK_OK
        || souk_route_name(ctx, "accounts.profile") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/account/profile",
                          accounts_profile_post, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/account/password",
                          accounts_password_post, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/account/email",
                          accounts_email_post, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_GET,
                          "/account/email/{token:" ACCOUNTS_TOKEN_RE "}",
                          accounts_email_confirm_get, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST,
                          "/account/email/{token:" ACCOUNTS_TOKEN_RE "}",
                          accounts_email_confirm_post, NULL) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}
