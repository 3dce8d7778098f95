/* Accounts, passwords, login throttling, API tokens, roles and
 * permissions. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "souk_core.h"
#include "auth_int.h"

/*
 * Password hashes are argon2id at OWASP's floor (19 MiB, two passes, one
 * lane); libsodium writes the parameters into the string, so raising them
 * later still verifies old hashes and rehashes them at the next login.
 */
#define SK_PW_OPS  2
#define SK_PW_MEM  (19u * 1024 * 1024)

const char *
sk_site_realm(const sk_site_t *site)
{
    if (site == NULL || site->id == NULL) {
        return "";
    }
    return site->group != NULL ? site->group : site->id;
}

const char *
sk_auth_realm(const souk_request_t *r)
{
    return sk_site_realm(r->site);
}

static int64_t
sk_now(void)
{
    return (int64_t) time(NULL);
}

/* Trimmed, ASCII lower-cased; NULL when empty, too long or holding
 * control characters or spaces. */
char *
sk_email_normalize(souk_pool_t *p, const char *email)
{
    size_t   n, i;
    char    *out;

    if (email == NULL) {
        return NULL;
    }
    while (*email == ' ' || *email == '\t') {
        email++;
    }
    n = strlen(email);
    while (n > 0 && (email[n - 1] == ' ' || email[n - 1] == '\t')) {
        n--;
    }
    if (n == 0 || n > SK_EMAIL_MAX) {
        return NULL;
    }
    out = souk_pstrndup(p, email, n);
    for (i = 0; i < n; i++) {
        if ((unsigned char) out[i] <= ' ' || out[i] == 0x7f) {
            return NULL;
        }
        out[i] = (char) tolower((unsigned char) out[i]);
    }
    return out;
}

static int
sk_password_ok(const char *pw)
{
    size_t  n = pw != NULL ? strlen(pw) : 0;

    return n >= 1 && n <= SK_PASSWORD_MAX;
}

static int
sk_password_hash(char out[crypto_pwhash_STRBYTES], const char *pw)
{
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), SK_PW_OPS, SK_PW_MEM,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
        sk_log_msg(SOUK_LOG_ERROR, "password hashing failed (out of "
                   "memory?)");
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int64_t
sk_user_find(souk_db_t *db, const char *realm, const char *email)
{
    souk_stmt_t  *st;
    int64_t       id;

    st = souk_db_row(db, "SELECT id FROM souk_users WHERE realm = ? AND "
                     "email = ?", "tt", realm, email);
    if (st == NULL) {
        return souk_db_error(db)[0] != '\0' ? SOUK_ERROR : 0;
    }
    id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return id;
}

int
sk_user_role_grant(souk_db_t *db, int64_t uid, const char *role,
    const char *site)
{
    souk_stmt_t  *st;

    if (role == NULL || role[0] == '\0' || strlen(role) > 64) {
        return SOUK_ERROR;
    }
    site = site != NULL ? site : "";
    st = souk_db_row(db, "SELECT 1 FROM souk_user_roles WHERE user_id = ? "
                     "AND role = ? AND site_id = ?", "itt", uid, role, site);
    if (st != NULL) {
        souk_stmt_reset(st);
        return SOUK_OK;
    }
    if (souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    return souk_db_exec(db, "INSERT INTO souk_user_roles (user_id, role, "
                        "site_id) VALUES (?, ?, ?)", "itt", uid, role, site);
}

typedef struct {
    const char  *realm;
    const char  *email;
    const char  *hash;
    const char  *role;
    int64_t      id;
} sk_user_new_t;

static int
sk_user_insert(souk_db_t *db, void *arg)
{
    sk_user_new_t  *u = arg;
    int64_t         found;

    found = sk_user_find(db, u->realm, u->email);
    if (found != 0) {
        u->id = found > 0 ? 0 : SOUK_ERROR;
        return found > 0 ? SOUK_OK : SOUK_ERROR;
    }
    if (souk_db_exec(db, "INSERT INTO souk_users (realm, email, "
                     "password_hash, created_at) VALUES (?, ?, ?, ?)",
                     "ttti", u->realm, u->email, u->hash, sk_now())
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    u->id = souk_db_last_id(db);
    if (u->role != NULL
        && sk_user_role_grant(db, u->id, u->role, NULL) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int64_t
sk_user_create(souk_db_t *db, souk_pool_t *p, const char *realm,
    const char *email, const char *password, const char *role)
{
    sk_user_new_t  u;
    char           hash[crypto_pwhash_STRBYTES];

    memset(&u, 0, sizeof(u));
    u.realm = realm;
    u.email = sk_email_normalize(p, email);
    u.role = role;
    if (db == NULL || u.email == NULL || !sk_password_ok(password)) {
        return SOUK_ERROR;
    }
    /* Hashing takes tens of milliseconds: do it before any lock is held. */
    if (sk_password_hash(hash, password) != SOUK_OK) {
        return SOUK_ERROR;
    }
    u.hash = hash;
    if (souk_db_tx(db, sk_user_insert, &u) != SOUK_OK) {
        sk_log_msg(SOUK_LOG_ERROR, "cannot create an account: %s",
                   souk_db_error(db));
        return SOUK_ERROR;
    }
    return u.id;
}

SOUK_API int64_t
souk_user_create(souk_request_t *r, const char *email, const char *password,
    const char *role)
{
    return sk_user_create(souk_db(r), r->pool, sk_auth_realm(r), email,
                          password, role);
}

SOUK_API int64_t
souk_user_find(souk_request_t *r, const char *email)
{
    const char  *e = sk_email_normalize(r->pool, email);
    souk_db_t   *db = souk_db(r);

    if (e == NULL || db == NULL) {
        return 0;
    }
    return sk_user_find(db, sk_auth_realm(r), e);
}

SOUK_API const char *
souk_user_email(souk_request_t *r, int64_t uid)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    const char   *e;

    if (db == NULL) {
        return NULL;
    }
    st = souk_db_row(db, "SELECT email FROM souk_users WHERE id = ? AND "
                     "realm = ?", "it", uid, sk_auth_realm(r));
    if (st == NULL) {
        return NULL;
    }
    e = souk_pstrdup(r->pool, souk_stmt_text(st, 0));
    souk_stmt_reset(st);
    return e;
}

SOUK_API int
souk_user_set_password(souk_request_t *r, int64_t uid, const char *password)
{
    souk_db_t  *db = souk_db(r);
    char        hash[crypto_pwhash_STRBYTES];

    if (db == NULL || !sk_password_ok(password)
        || sk_password_hash(hash, password) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_exec(db, "UPDATE souk_users SET password_hash = ? WHERE "
                     "id = ? AND realm = ?", "tit", hash, uid,
                     sk_auth_realm(r)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_db_changes(db) > 0 ? SOUK_OK : SOUK_DECLINED;
}

SOUK_API int
souk_user_set_email(souk_request_t *r, int64_t uid, const char *email)
{
    souk_db_t   *db = souk_db(r);
    const char  *e = sk_email_normalize(r->pool, email);
    int64_t      other;

    if (db == NULL || e == NULL) {
        return SOUK_ERROR;
    }
    other = sk_user_find(db, sk_auth_realm(r), e);
    if (other == uid) {
        return SOUK_OK;
    }
    if (other != 0) {
        return other > 0 ? SOUK_DECLINED : SOUK_ERROR;
    }
    return souk_db_exec(db, "UPDATE souk_users SET email = ? WHERE id = ? "
                        "AND realm = ?", "tit", e, uid, sk_auth_realm(r));
}

SOUK_API int
souk_user_role_grant(souk_request_t *r, int64_t uid, const char *role,
    const char *site)
{
    souk_db_t  *db = souk_db(r);

    if (db == NULL || souk_user_email(r, uid) == NULL) {
        return SOUK_ERROR;
    }
    return sk_user_role_grant(db, uid, role, site);
}

/* ---------- logging in, with throttling before any hashing ---------- */

static int64_t
sk_count(souk_db_t *db, const char *sql, const char *a, const char *b,
    int64_t since)
{
    souk_stmt_t  *st;
    int64_t       n;

    st = b != NULL ? souk_db_row(db, sql, "tti", a, b, since)
                   : souk_db_row(db, sql, "ti", a, since);
    if (st == NULL) {
        return souk_db_error(db)[0] != '\0' ? -1 : 0;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

static int
sk_login_throttled(souk_db_t *db, const char *realm, const char *email,
    const char *ip)
{
    int64_t  since = sk_now() - SK_THROTTLE_WINDOW, n;

    n = sk_count(db, "SELECT COUNT(*) FROM souk_login_failures WHERE "
                 "realm = ? AND email = ? AND at > ?", realm, email, since);
    if (n < 0 || n >= SK_THROTTLE_ACCOUNT) {
        return 1;
    }
    n = sk_count(db, "SELECT COUNT(*) FROM souk_login_failures WHERE "
                 "ip = ? AND at > ?", ip, NULL, since);
    return n < 0 || n >= SK_THROTTLE_IP;
}

static void
sk_login_failed(souk_db_t *db, const char *realm, const char *email,
    const char *ip)
{
    int64_t  now = sk_now();

    souk_db_exec(db, "INSERT INTO souk_login_failures (realm, email, ip, "
                 "at) VALUES (?, ?, ?, ?)", "ttti", realm, email, ip, now);
    if (randombytes_uniform(50) == 0) {
        souk_db_exec(db, "DELETE FROM souk_login_failures WHERE at <= ?",
                     "i", now - SK_THROTTLE_WINDOW);
    }
}

/* An unknown email costs the same hashing as a known one, so timing does
 * not tell which accounts exist. */
static const char *
sk_dummy_hash(void)
{
    static char  dummy[crypto_pwhash_STRBYTES];

    if (dummy[0] == '\0') {
        char  pw[SK_SID_HEX + 1];

        sk_auth_random_hex(pw);
        if (sk_password_hash(dummy, pw) != SOUK_OK) {
            dummy[0] = '\0';
        }
    }
    return dummy;
}

SOUK_API int64_t
souk_user_authenticate(souk_request_t *r, const char *email,
    const char *password)
{
    souk_db_t    *db = souk_db(r);
    const char   *realm = sk_auth_realm(r), *e, *hash;
    const char   *ip = r->remote_addr != NULL ? r->remote_addr : "";
    souk_stmt_t  *st;
    int64_t       id = 0;
    int           disabled = 0, ok;

    e = sk_email_normalize(r->pool, email);
    if (db == NULL) {
        return SOUK_ERROR;
    }
    if (e == NULL) {
        e = "";
    }
    if (sk_login_throttled(db, realm, e, ip)) {
        souk_log(r, SOUK_LOG_WARN, "login refused: too many failures for "
                 "this account or address");
        return SOUK_DECLINED;
    }
    hash = sk_dummy_hash();
    st = e[0] ? souk_db_row(db, "SELECT id, password_hash, disabled FROM "
                            "souk_users WHERE realm = ? AND email = ?", "tt",
                            realm, e) : NULL;
    if (st != NULL) {
        id = souk_stmt_int(st, 0);
        disabled = (int) souk_stmt_int(st, 2);
        if (!souk_stmt_is_null(st, 1)) {
            hash = souk_pstrdup(r->pool, souk_stmt_text(st, 1));
        }
        souk_stmt_reset(st);
    }
    ok = sk_password_ok(password)
         && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    if (!ok || id == 0 || disabled) {
        sk_login_failed(db, realm, e, ip);
        return 0;
    }
    souk_db_exec(db, "DELETE FROM souk_login_failures WHERE realm = ? AND "
                 "email = ?", "tt", realm, e);
    if (crypto_pwhash_str_needs_rehash(hash, SK_PW_OPS, SK_PW_MEM) != 0) {
        souk_user_set_password(r, id, password);
    }
    return id;
}

/* ---------- API tokens ---------- */

SOUK_API const char *
souk_api_token_create(souk_request_t *r, int64_t uid, const char *label,
    int64_t *id)
{
    souk_db_t  *db = souk_db(r);
    char        tok[SK_SID_HEX + 1], hash[SK_SID_HEX + 1];

    if (label == NULL) {
        label = "";
    }
    if (db == NULL || strlen(label) > SK_LABEL_MAX
        || souk_user_email(r, uid) == NULL)
    {
        return NULL;
    }
    sk_auth_random_hex(tok);
    sk_auth_hash(hash, tok, SK_SID_HEX);
    if (souk_db_exec(db, "INSERT INTO souk_api_tokens (user_id, label, "
                     "token_hash, created_at) VALUES (?, ?, ?, ?)", "itti",
                     uid, label, hash, sk_now()) != SOUK_OK)
    {
        return NULL;
    }
    if (id != NULL) {
        *id = souk_db_last_id(db);
    }
    return souk_pstrdup(r->pool, tok);
}

SOUK_API int
souk_api_token_revoke(souk_request_t *r, int64_t uid, int64_t id)
{
    souk_db_t  *db = souk_db(r);

    if (db == NULL || souk_db_exec(db, "UPDATE souk_api_tokens SET "
                                   "revoked_at = ? WHERE id = ? AND "
                                   "user_id = ? AND revoked_at IS NULL",
                                   "iii", sk_now(), id, uid) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_db_changes(db) > 0 ? SOUK_OK : SOUK_DECLINED;
}

SOUK_API int
souk_request_token_auth(souk_request_t *r)
{
    return r->session != NULL && r->session->token_auth;
}

/* ---------- roles and permissions ---------- */

/*
 * Declared by plugins in init, read-only afterwards, so plain arrays in
 * the process do. A role may be declared by several plugins; each adds its
 * permissions to it.
 */
#define SK_PERMS_MAX  512
#define SK_GRANTS_MAX 2048

static struct {
    char      *perm[SK_PERMS_MAX];
    unsigned   perm_owner[SK_PERMS_MAX];
    size_t     nperms;
    char      *grant_role[SK_GRANTS_MAX];
    char      *grant_perm[SK_GRANTS_MAX];
    unsigned   grant_owner[SK_GRANTS_MAX];
    size_t     ngrants;
} sk_acl;

/* A plugin refused in init leaves no permission or role behind. */
void
sk_auth_remove_owner(unsigned owner)
{
    size_t  i, k;

    for (i = 0, k = 0; i < sk_acl.nperms; i++) {
        if (sk_acl.perm_owner[i] == owner) {
            free(sk_acl.perm[i]);
            continue;
        }
        sk_acl.perm[k] = sk_acl.perm[i];
        sk_acl.perm_owner[k++] = sk_acl.perm_owner[i];
    }
    sk_acl.nperms = k;
    for (i = 0, k = 0; i < sk_acl.ngrants; i++) {
        if (sk_acl.grant_owner[i] == owner) {
            free(sk_acl.grant_role[i]);
            free(sk_acl.grant_perm[i]);
            continue;
        }
        sk_acl.grant_role[k] = sk_acl.grant_role[i];
        sk_acl.grant_perm[k] = sk_acl.grant_perm[i];
        sk_acl.grant_owner[k++] = sk_acl.grant_owner[i];
    }
    sk_acl.ngrants = k;
}

/* "plugin.action": lower-case letters, digits and _, at least one dot. */
static int
sk_name_ok(const char *s, int dotted)
{
    size_t  i, n = s != NULL ? strlen(s) : 0;
    int     dots = 0;

    if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.') {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '.') {
            dots++;
        } else if (!(islower((unsigned char) s[i]) || isdigit((unsigned char)
                     s[i]) || s[i] == '_' || s[i] == '-'))
        {
            return 0;
        }
    }
    return dotted ? dots > 0 : dots == 0;
}

static int
sk_perm_known(const char *perm)
{
    size_t  i;

    for (i = 0; i < sk_acl.nperms; i++) {
        if (strcmp(sk_acl.perm[i], perm) == 0) {
            return 1;
        }
    }
    return 0;
}

SOUK_API int
souk_permission_declare(souk_plugin_ctx_t *ctx, const char *perm,
    const char *summary)
{
    char  why[256];

    (void) summary;
    if (sk_registry_check(ctx, "souk_permission_declare") != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (!sk_name_ok(perm, 1)) {
        snprintf(why, sizeof(why), "permission \"%s\": lower-case dotted "
                 "name wanted (\"plugin.action\")", perm ? perm : "(null)");
        return sk_registry_fail(ctx, why);
    }
    if (sk_perm_known(perm)) {
        snprintf(why, sizeof(why), "permission \"%s\" is already declared",
                 perm);
        return sk_registry_fail(ctx, why);
    }
    if (sk_acl.nperms == SK_PERMS_MAX) {
        return sk_registry_fail(ctx, "too many permissions declared");
    }
    sk_acl.perm[sk_acl.nperms] = strdup(perm);
    if (sk_acl.perm[sk_acl.nperms] == NULL) {
        abort();
    }
    sk_acl.perm_owner[sk_acl.nperms++] = ctx->plugin->idx;
    return SOUK_OK;
}

SOUK_API int
souk_role_declare(souk_plugin_ctx_t *ctx, const char *role,
    const char *const *perms)
{
    char    why[256];
    size_t  i;

    if (sk_registry_check(ctx, "souk_role_declare") != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (!sk_name_ok(role, 0)) {
        snprintf(why, sizeof(why), "role \"%s\": lower-case letters, "
                 "digits, _ and - only", role ? role : "(null)");
        return sk_registry_fail(ctx, why);
    }
    for (i = 0; perms != NULL && perms[i] != NULL; i++) {
        if (!sk_perm_known(perms[i])) {
            snprintf(why, sizeof(why), "role \"%s\": permission \"%s\" is "
                     "not declared (declare it first)", role, perms[i]);
            return sk_registry_fail(ctx, why);
        }
        if (sk_acl.ngrants == SK_GRANTS_MAX) {
            return sk_registry_fail(ctx, "too many role permissions");
        }
        sk_acl.grant_role[sk_acl.ngrants] = strdup(role);
        sk_acl.grant_perm[sk_acl.ngrants] = strdup(perms[i]);
        if (sk_acl.grant_role[sk_acl.ngrants] == NULL
            || sk_acl.grant_perm[sk_acl.ngrants] == NULL)
        {
            abort();
        }
        sk_acl.grant_owner[sk_acl.ngrants++] = ctx->plugin->idx;
    }
    return SOUK_OK;
}

static int
sk_role_has(const char *role, const char *perm)
{
    size_t  i;

    if (strcmp(role, "admin") == 0) {
        return 1;
    }
    for (i = 0; i < sk_acl.ngrants; i++) {
        if (strcmp(sk_acl.grant_role[i], role) == 0
            && strcmp(sk_acl.grant_perm[i], perm) == 0)
        {
            return 1;
        }
    }
    return 0;
}

/* Roles of the user on site (those given for every site of the group
 * count too). */
static int
sk_user_can_on(souk_request_t *r, const char *site, const char *perm)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       uid = souk_user_id(r);
    int           rc, can = 0;

    if (uid <= 0 || db == NULL || perm == NULL) {
        return 0;
    }
    st = souk_db_prepare(db, "SELECT role FROM souk_user_roles WHERE "
                         "user_id = ? AND (site_id = '' OR site_id = ?)");
    if (st == NULL || souk_stmt_bind_int(st, 1, uid) != SOUK_OK
        || souk_stmt_bind_text(st, 2, site, -1) != SOUK_OK)
    {
        return 0;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        if (!can && sk_role_has(souk_stmt_text(st, 0), perm)) {
            can = 1;
        }
    }
    souk_stmt_reset(st);
    return rc == SOUK_DONE ? can : 0;
}

SOUK_API int
souk_user_can(souk_request_t *r, const char *perm)
{
    /* A command's operator owns the installation (core/synthetic.c). */
    if (r->command) {
        return 1;
    }
    return sk_user_can_on(r, r->site != NULL ? r->site->id : "", perm);
}

SOUK_API int
souk_user_can_site(souk_request_t *r, const char *site, const char *perm)
{
    size_t            i, n;
    const sk_site_t  *other;

    if (r->command) {
        return 1;
    }
    if (site != NULL && r->site != NULL && strcmp(site, r->site->id) == 0) {
        return sk_user_can_on(r, site, perm);
    }
    if (site == NULL || r->rt == NULL || r->rt->sites == NULL) {
        return 0;
    }
    /* Only a site of the same realm: its accounts are this user's. */
    n = sk_sites_count(r->rt->sites);
    for (i = 0; i < n; i++) {
        other = sk_sites_at(r->rt->sites, i);
        if (strcmp(other->id, site) == 0) {
            if (strcmp(sk_auth_realm(r), sk_site_realm(other)) != 0) {
                return 0;
            }
            return sk_user_can_on(r, site, perm);
        }
    }
    return 0;
}
