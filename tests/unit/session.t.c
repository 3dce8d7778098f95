/* Unit tests for sessions, CSRF, accounts, API tokens and permissions, on
 * SQLite and (with $SOUK_TEST_MARIADB_SOCKET) MariaDB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "souk_core.h"
#include "db_int.h"
#include "auth_int.h"
#include "plugin_int.h"
#include "tap.h"

static sk_runtime_t  rt;
static sk_config_t   cfg;
static sk_site_t     site_shop, site_other;
static souk_pool_t  *pool;
static souk_db_t    *db;
static char          tmpdir[] = "/tmp/souk-session-t.XXXXXX";

/* ---------- a hand-made request ---------- */

typedef struct {
    souk_kv_t  cookie[1];
    souk_kv_t  header[2];
    souk_kv_t  form[1];
} fake_t;

static souk_request_t *
req(unsigned method, const sk_site_t *site, int https, const char *cookie)
{
    souk_request_t  *r = souk_pcalloc(pool, sizeof(*r));
    fake_t          *f = souk_pcalloc(pool, sizeof(*f));

    r->pool = pool;
    r->rt = &rt;
    r->method = method;
    r->method_name = method == SOUK_GET ? "GET" : "POST";
    r->site = site;
    r->https = https;
    r->remote_addr = "192.0.2.1";
    r->headers = f->header;
    r->form = f->form;
    if (cookie != NULL) {
        f->cookie[0].name = https ? "__Host-souk_sid" : "souk_sid";
        f->cookie[0].value = cookie;
        r->cookies = f->cookie;
        r->ncookies = 1;
    }
    return r;
}

static void
req_header(souk_request_t *r, const char *name, const char *value)
{
    souk_kv_t  *h = (souk_kv_t *) r->headers;

    h[r->nheaders].name = name;
    h[r->nheaders].value = value;
    r->nheaders++;
}

static void
req_form(souk_request_t *r, const char *name, const char *value)
{
    souk_kv_t  *f = (souk_kv_t *) r->form;

    f[0].name = name;
    f[0].value = value;
    r->nform = 1;
}

/* The Set-Cookie the request would answer with, or NULL. */
static const char *
set_cookie(souk_request_t *r)
{
    size_t  i;

    sk_session_finish(r);
    for (i = 0; i < r->nresp_headers; i++) {
        if (strcmp(r->resp_headers[i].name, "Set-Cookie") == 0) {
            return r->resp_headers[i].value;
        }
    }
    return NULL;
}

static int
has_header(souk_request_t *r, const char *name, const char *value)
{
    size_t  i;

    for (i = 0; i < r->nresp_headers; i++) {
        if (strcmp(r->resp_headers[i].name, name) == 0
            && strcmp(r->resp_headers[i].value, value) == 0)
        {
            return 1;
        }
    }
    return 0;
}

/* The id a Set-Cookie header carries (pool copy). */
static const char *
cookie_id(const char *sc)
{
    const char  *eq = sc != NULL ? strchr(sc, '=') : NULL;

    if (eq == NULL || strlen(eq + 1) < SK_SID_HEX) {
        return "";
    }
    return souk_pstrndup(pool, eq + 1, SK_SID_HEX);
}

static int64_t
count(const char *sql, const char *arg)
{
    souk_stmt_t  *st = arg ? souk_db_row(db, sql, "t", arg)
                           : souk_db_row(db, sql, "");
    int64_t       n;

    if (st == NULL) {
        return -1;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

/* ---------- the cases ---------- */

/* Accounts the session cases log in as (sessions reference users). */
static int64_t  uid_a, uid_b;

static void
test_sessions(void)
{
    souk_request_t  *r;
    const char      *sc, *id, *id2;

    r = req(SOUK_GET, &site_shop, 0, NULL);
    ok(!souk_session_active(r), "no cookie: no session");
    is_int(souk_user_id(r), 0, "anonymous user id is 0");
    ok(set_cookie(r) == NULL, "anonymous browsing sets no cookie");
    ok(!has_header(r, "Cache-Control", "private, no-store"),
       "nor keeps the page out of caches");
    is_int(count("SELECT COUNT(*) FROM souk_sessions", NULL), 0,
           "anonymous browsing writes no row");

    r = req(SOUK_GET, &site_shop, 0, NULL);
    is_int(souk_session_set(r, "cart", "42"), SOUK_OK, "set starts one");
    sc = set_cookie(r);
    ok(sc != NULL && strncmp(sc, "souk_sid=", 9) == 0, "cookie souk_sid");
    ok(sc && strstr(sc, "; HttpOnly") && strstr(sc, "; SameSite=Lax")
       && strstr(sc, "; Path=/") && !strstr(sc, "Secure"),
       "HttpOnly, SameSite=Lax, Path=/, not Secure over HTTP");
    ok(has_header(r, "Cache-Control", "private, no-store"),
       "a page with a session stays out of shared caches");
    id = cookie_id(sc);
    is_int((long) strlen(id), SK_SID_HEX, "256-bit id as hex");
    is_int(count("SELECT COUNT(*) FROM souk_sessions WHERE id_hash = ?",
                 id), 0, "the table does not hold the id itself");
    is_int(count("SELECT COUNT(*) FROM souk_sessions", NULL), 1, "one row");

    r = req(SOUK_GET, &site_shop, 0, id);
    ok(souk_session_active(r), "the cookie names a live session");
    is_str(souk_session_get(r, "cart"), "42", "value read back");
    ok(souk_session_get(r, "nope") == NULL, "unset key is NULL");
    ok(set_cookie(r) == NULL, "a fresh session is not re-sent");

    r = req(SOUK_GET, &site_other, 0, id);
    ok(!souk_session_active(r), "another realm's site does not see it");

    r = req(SOUK_GET, &site_shop, 0,
            "0000000000000000000000000000000000000000000000000000000000000000");
    ok(!souk_session_active(r), "a made-up id is no session");

    /* login: new id, old id dead, values kept */
    r = req(SOUK_POST, &site_shop, 0, id);
    is_int(souk_session_login(r, uid_a), SOUK_OK, "login");
    id2 = cookie_id(set_cookie(r));
    ok(strlen(id2) == SK_SID_HEX && strcmp(id, id2) != 0, "new id at login");
    r = req(SOUK_GET, &site_shop, 0, id);
    ok(!souk_session_active(r), "the pre-login id is gone (fixation)");
    r = req(SOUK_GET, &site_shop, 0, id2);
    is_int(souk_user_id(r), uid_a, "the new id carries the user");
    is_str(souk_session_get(r, "cart"), "42", "the cart survives login");

    /* logout */
    r = req(SOUK_POST, &site_shop, 0, id2);
    is_int(souk_session_logout(r), SOUK_OK, "logout");
    is_int(souk_user_id(r), 0, "anonymous right after logout");
    sc = set_cookie(r);
    ok(sc != NULL && strstr(sc, "Max-Age=0") != NULL, "logout clears it");
    r = req(SOUK_GET, &site_shop, 0, id2);
    ok(!souk_session_active(r), "the logged-out id is dead");

    /* HTTPS: __Host- prefix and Secure */
    r = req(SOUK_GET, &site_shop, 1, NULL);
    souk_session_start(r);
    sc = set_cookie(r);
    ok(sc && strncmp(sc, "__Host-souk_sid=", 16) == 0 && strstr(sc,
       "; Secure") && strstr(sc, "; Path=/") && !strstr(sc, "Domain"),
       "HTTPS: __Host-souk_sid, Secure, Path=/, no Domain");
}

static void
test_expiry(void)
{
    souk_request_t  *r;
    const char      *id, *sc;
    int64_t          now = (int64_t) time(NULL);

    souk_db_exec(db, "DELETE FROM souk_sessions", "");
    r = req(SOUK_GET, &site_shop, 0, NULL);
    souk_session_start(r);
    id = cookie_id(set_cookie(r));
    souk_db_exec(db, "UPDATE souk_sessions SET seen_at = ?, expires_at = ?",
                 "ii", now - 1000, now + 10);
    r = req(SOUK_GET, &site_shop, 0, id);
    ok(souk_session_active(r), "still live before its expiry");
    sc = set_cookie(r);
    ok(sc != NULL && strstr(sc, id) != NULL, "use slides it: cookie again");
    ok(count("SELECT COUNT(*) FROM souk_sessions WHERE expires_at > "
             "1000 + (SELECT MAX(seen_at) FROM souk_sessions)", NULL) == 1,
       "the expiry moved forward in the table");

    souk_db_exec(db, "UPDATE souk_sessions SET expires_at = ?", "i", now - 1);
    r = req(SOUK_GET, &site_shop, 0, id);
    ok(!souk_session_active(r), "an expired session is not live");
    is_int(count("SELECT COUNT(*) FROM souk_sessions", NULL), 0,
           "and its row is removed");
}

static void
test_csrf(void)
{
    souk_request_t  *r;
    const char      *id, *tok;
    char             other[SK_SID_HEX + 1];

    r = req(SOUK_GET, &site_shop, 0, NULL);
    tok = souk_pstrdup(pool, souk_csrf_token(r));
    id = cookie_id(set_cookie(r));
    is_int((long) strlen(tok), SK_SID_HEX, "a form token");

    r = req(SOUK_POST, &site_shop, 0, NULL);
    is_int(sk_session_check(r, 0, NULL), 403, "POST without a session: 403");
    ok(r->error_msg && strstr(r->error_msg, "security token"),
       "the message says why");
    r = req(SOUK_POST, &site_shop, 0, id);
    is_int(sk_session_check(r, 0, NULL), 403, "POST without token: 403");
    r = req(SOUK_POST, &site_shop, 0, id);
    memcpy(other, tok, sizeof(other));
    other[0] = other[0] == 'a' ? 'b' : 'a';
    req_form(r, "csrf_token", other);
    is_int(sk_session_check(r, 0, NULL), 403, "POST wrong token: 403");
    r = req(SOUK_POST, &site_shop, 0, id);
    req_form(r, "csrf_token", tok);
    is_int(sk_session_check(r, 0, NULL), 0, "POST with the form token");
    r = req(SOUK_DELETE, &site_shop, 0, id);
    req_header(r, "X-CSRF-Token", tok);
    is_int(sk_session_check(r, 0, NULL), 0, "DELETE with the header");
    r = req(SOUK_PUT, &site_shop, 0, NULL);
    req_form(r, "csrf_token", tok);
    is_int(sk_session_check(r, 0, NULL), 403, "the token without its "
           "session cookie: 403");
    r = req(SOUK_POST, &site_shop, 0, NULL);
    is_int(sk_session_check(r, SOUK_ROUTE_NO_CSRF, NULL), 0,
           "SOUK_ROUTE_NO_CSRF opts out");
    r = req(SOUK_GET, &site_shop, 0, NULL);
    is_int(sk_session_check(r, 0, NULL), 0, "GET needs no token");

    r = req(SOUK_POST, &site_shop, 0, id);
    souk_session_login(r, uid_b);
    r = req(SOUK_POST, &site_shop, 0, cookie_id(set_cookie(r)));
    req_form(r, "csrf_token", tok);
    is_int(sk_session_check(r, 0, NULL), 403, "login renews the token");
}

static void
test_users(void)
{
    souk_request_t  *r = req(SOUK_POST, &site_shop, 0, NULL);
    souk_request_t  *o = req(SOUK_POST, &site_other, 0, NULL);
    souk_stmt_t     *st;
    int64_t          id, id2;
    int              i;

    id = souk_user_create(r, " Ann@Example.org ", "correct horse", NULL);
    ok(id > 0, "create an account");
    is_int(souk_user_create(r, "ann@example.ORG", "x", NULL), 0,
           "the same email (case, spaces) is taken");
    is_int(souk_user_create(r, "", "x", NULL), SOUK_ERROR, "empty email");
    is_int(souk_user_create(r, "b@example.org", "", NULL), SOUK_ERROR,
           "empty password");
    is_str(souk_user_email(r, id), "ann@example.org", "stored lower-case");
    st = souk_db_row(db, "SELECT password_hash FROM souk_users WHERE id = ?",
                     "i", id);
    ok(st && strncmp(souk_stmt_text(st, 0), "$argon2id$v=19$m=19456,t=2,"
                     "p=1$", 28) == 0, "argon2id m=19 MiB t=2 p=1");
    if (st) {
        souk_stmt_reset(st);
    }
    is_int(souk_user_authenticate(r, "ANN@example.org", "correct horse"), id,
           "right password");
    is_int(souk_user_authenticate(r, "ann@example.org", "wrong"), 0,
           "wrong password");
    is_int(souk_user_authenticate(r, "nobody@example.org", "x"), 0,
           "unknown email");
    is_int(souk_user_find(o, "ann@example.org"), 0,
           "another group does not see the account");
    id2 = souk_user_create(o, "ann@example.org", "other", NULL);
    ok(id2 > 0 && id2 != id, "the same email in another group is another "
       "account");
    is_int(souk_user_set_email(r, id, "ann@example.org"), SOUK_OK,
           "setting the own email again");
    ok(souk_user_create(r, "bob@example.org", "pw", NULL) > 0, "bob");
    is_int(souk_user_set_email(r, id, "BOB@example.org"), SOUK_DECLINED,
           "a taken email is declined");
    is_int(souk_user_set_password(r, id, "new pass"), SOUK_OK, "new password");
    is_int(souk_user_authenticate(r, "ann@example.org", "new pass"), id,
           "the new password works");

    for (i = 0; i < SK_THROTTLE_ACCOUNT; i++) {
        souk_user_authenticate(r, "ann@example.org", "guess");
    }
    is_int(souk_user_authenticate(r, "ann@example.org", "new pass"),
           SOUK_DECLINED, "after repeated failures even the right password "
           "is throttled");
    is_int(souk_user_authenticate(o, "ann@example.org", "other"), id2,
           "the other group's account is not throttled");

    for (i = 0; i < SK_THROTTLE_IP; i++) {
        souk_db_exec(db, "INSERT INTO souk_login_failures (realm, email, ip, "
                     "at) VALUES ('shop', 'x', '198.51.100.7', ?)", "i",
                     (int64_t) time(NULL));
    }
    r->remote_addr = "198.51.100.7";
    is_int(souk_user_authenticate(r, "bob@example.org", "pw"),
           SOUK_DECLINED, "an address with many failures is throttled");
    r->remote_addr = "192.0.2.1";
    ok(souk_user_authenticate(r, "bob@example.org", "pw") > 0,
       "another address is not");
}

static void
test_tokens(void)
{
    souk_request_t  *r = req(SOUK_POST, &site_shop, 0, NULL);
    const char      *tok, *tok2;
    int64_t          uid, tid, tid2;

    uid = souk_user_create(r, "api@example.org", "pw", NULL);
    tok = souk_api_token_create(r, uid, "cli", &tid);
    ok(tok != NULL && strlen(tok) == SK_SID_HEX && tid > 0, "token made");
    is_int(count("SELECT COUNT(*) FROM souk_api_tokens WHERE token_hash = ?",
                 tok), 0, "only its hash is stored");
    tok2 = souk_api_token_create(r, uid, "other", &tid2);
    ok(tok2 != NULL && strcmp(tok, tok2) != 0, "a second token");

    r = req(SOUK_POST, &site_shop, 0, NULL);
    req_header(r, "Authorization", souk_psprintf(pool, "Bearer %s", tok));
    is_int(sk_session_check(r, 0, NULL), 0, "a POST with a token needs no "
           "CSRF token");
    is_int(souk_user_id(r), uid, "the token stands for its user");
    ok(souk_request_token_auth(r), "souk_request_token_auth");
    ok(set_cookie(r) == NULL, "an API call gets no cookie");

    r = req(SOUK_GET, &site_other, 0, NULL);
    req_header(r, "Authorization", souk_psprintf(pool, "Bearer %s", tok));
    is_int(sk_session_check(r, 0, NULL), 401, "not valid on another group");
    r = req(SOUK_GET, &site_shop, 0, NULL);
    req_header(r, "Authorization", "Bearer nonsense");
    is_int(sk_session_check(r, 0, NULL), 401, "a bad token: 401");

    is_int(souk_api_token_revoke(r, uid + 1000, tid), SOUK_DECLINED,
           "another user cannot revoke it");
    is_int(souk_api_token_revoke(r, uid, tid), SOUK_OK, "revoke");
    is_int(souk_api_token_revoke(r, uid, tid), SOUK_DECLINED, "only once");
    r = req(SOUK_POST, &site_shop, 0, NULL);
    req_header(r, "Authorization", souk_psprintf(pool, "Bearer %s", tok));
    is_int(sk_session_check(r, SOUK_ROUTE_NO_CSRF, NULL), 401,
           "a revoked token: 401");
    r = req(SOUK_POST, &site_shop, 0, NULL);
    req_header(r, "Authorization", souk_psprintf(pool, "Bearer %s", tok2));
    is_int(sk_session_check(r, 0, NULL), 0, "the other token still works");
}

static souk_request_t *
as_user(int64_t uid, const sk_site_t *site)
{
    souk_request_t  *r = req(SOUK_GET, site, 0, NULL);

    souk_session_login(r, uid);
    return req(SOUK_GET, site, 0, cookie_id(set_cookie(r)));
}

/* What a plugin's init declares, once per process. */
static void
test_declare(void)
{
    static sk_plugin_t        plug = { .name = (char *) "shopkit" };
    static souk_plugin_ctx_t  ctx = { .rt = &rt, .plugin = &plug };
    static const char *const  editor[] = { "shop.edit", NULL };
    static const char *const  bad[] = { "shop.undeclared", NULL };
    static sk_plugin_t        plug2 = { .name = (char *) "refused",
                                        .idx = 1 };
    static souk_plugin_ctx_t  ctx2 = { .rt = &rt, .plugin = &plug2 };
    static const char *const  gone[] = { "gone.perm", NULL };
    char                      err[256];

    sk_registry_begin(&ctx);
    is_int(souk_permission_declare(&ctx, "shop.edit", "Edit"), SOUK_OK,
           "declare a permission");
    souk_permission_declare(&ctx, "shop.delete", "Delete");
    is_int(souk_permission_declare(&ctx, "shop.edit", "x"), SOUK_ERROR,
           "twice is refused");
    is_int(souk_permission_declare(&ctx, "Nodot", "x"), SOUK_ERROR,
           "a name without a dot is refused");
    is_int(souk_role_declare(&ctx, "editor", editor), SOUK_OK, "a role");
    is_int(souk_role_declare(&ctx, "editor", bad), SOUK_ERROR,
           "a role with an undeclared permission is refused");
    sk_registry_end(err, sizeof(err));
    is_int(souk_permission_declare(&ctx, "shop.late", "x"), SOUK_ERROR,
           "declaring outside init is refused");

    /* A refused plugin's declarations are unwound. */
    sk_registry_begin(&ctx2);
    souk_permission_declare(&ctx2, "gone.perm", "x");
    souk_role_declare(&ctx2, "editor", gone);
    sk_registry_end(err, sizeof(err));
    sk_auth_remove_owner(plug2.idx);
    sk_registry_begin(&ctx);
    is_int(souk_permission_declare(&ctx, "gone.perm", "x"), SOUK_OK,
           "a refused plugin's permission is gone (declarable again)");
    sk_registry_end(err, sizeof(err));
}

static void
test_permissions(void)
{
    souk_request_t  *r = req(SOUK_GET, &site_shop, 0, NULL);
    int64_t          cust, ed, adm;

    cust = souk_user_create(r, "cust@example.org", "pw", "customer");
    ed = souk_user_create(r, "ed@example.org", "pw", "editor");
    adm = souk_user_create(r, "adm@example.org", "pw", NULL);
    is_int(souk_user_role_grant(r, adm, "admin", "shop"), SOUK_OK,
           "grant admin on one site");

    r = req(SOUK_GET, &site_shop, 0, NULL);
    is_int(sk_session_check(r, 0, "shop.edit"), 401, "anonymous: 401");
    r = as_user(cust, &site_shop);
    ok(!souk_user_can(r, "shop.edit"), "a customer cannot");
    is_int(sk_session_check(r, 0, "shop.edit"), 403, "customer: 403");
    r = as_user(ed, &site_shop);
    ok(souk_user_can(r, "shop.edit"), "the editor can edit");
    ok(!souk_user_can(r, "shop.delete"), "but not delete");
    is_int(sk_session_check(r, 0, "shop.edit"), 0, "editor passes");
    r = as_user(adm, &site_shop);
    ok(souk_user_can(r, "shop.delete"), "admin holds every permission");
    ok(souk_user_can_site(r, "shop", "shop.delete"), "on its site");
    ok(!souk_user_can_site(r, "other", "shop.delete"),
       "not on a site of another group");
    souk_db_exec(db, "UPDATE souk_user_roles SET site_id = 'elsewhere' "
                 "WHERE user_id = ?", "i", adm);
    r = as_user(adm, &site_shop);
    ok(!souk_user_can(r, "shop.delete"), "a role on another site does not "
       "count here");
}

/* ---------- engines ---------- */

static int
apply_schema(const char *engine)
{
    const char  *src = getenv("top_srcdir");
    char         path[1024], *sql;
    FILE        *f;
    long         n;
    int          rc;

    snprintf(path, sizeof(path), "%s/core/migrations/020_auth.%s.sql",
             src ? src : "../..", engine);
    f = fopen(path, "rb");
    if (f == NULL) {
        return SOUK_ERROR;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    sql = calloc(1, (size_t) n + 1);
    if (sql == NULL || fread(sql, 1, (size_t) n, f) != (size_t) n) {
        fclose(f);
        free(sql);
        return SOUK_ERROR;
    }
    fclose(f);
    rc = sk_db_exec_script(db, sql);
    free(sql);
    return rc;
}

static void
run_all(const char *engine)
{
    printf("# engine %s\n", engine);
    if (!ok(apply_schema(engine) == SOUK_OK, "%s: schema applied", engine)) {
        printf("# %s\n", souk_db_error(db));
        return;
    }
    uid_a = sk_user_create(db, pool, "shop", "a@example.org", "pw", NULL);
    uid_b = sk_user_create(db, pool, "shop", "b@example.org", "pw", NULL);
    ok(uid_a > 0 && uid_b > uid_a, "two accounts to log in as");
    test_sessions();
    test_expiry();
    test_csrf();
    test_users();
    test_tokens();
    if (strcmp(engine, "sqlite") == 0) {
        test_declare();         /* registrations are once per process */
    }
    test_permissions();
}

static void
run_mariadb(const char *sock)
{
    sk_db_conf_t  c;
    char          err[512], name[64], sql[128];

    memset(&c, 0, sizeof(c));
    c.driver = SOUK_DB_MARIADB;
    c.socket = (char *) sock;
    c.user = (char *) "root";
    snprintf(name, sizeof(name), "souk_t_session_%d", (int) getpid());
    db = sk_db_open(&c, err, sizeof(err));
    if (!ok(db != NULL, "mariadb: connect")) {
        printf("# %s\n", err);
        return;
    }
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    sk_db_exec_script(db, sql);
    sk_db_close(db);
    c.name = name;
    db = sk_db_open(&c, err, sizeof(err));
    rt.db = db;
    if (ok(db != NULL, "mariadb: open the test database")) {
        run_all("mariadb");
        snprintf(sql, sizeof(sql), "DROP DATABASE %s", name);
        sk_db_exec_script(db, sql);
        sk_db_close(db);
    }
}

int
main(void)
{
    sk_db_conf_t  c;
    char          err[512], path[256];
    const char   *sock = getenv("SOUK_TEST_MARIADB_SOCKET");

    if (sodium_init() < 0) {
        return 1;
    }
    pool = sk_pool_create(16384);
    site_shop.id = (char *) "shop";
    site_other.id = (char *) "other";
    rt.cfg = &cfg;
    if (mkdtemp(tmpdir) == NULL) {
        return 1;
    }
    memset(&c, 0, sizeof(c));
    c.driver = SOUK_DB_SQLITE;
    snprintf(path, sizeof(path), "%s/souk.db", tmpdir);
    c.path = path;
    db = sk_db_open(&c, err, sizeof(err));
    rt.db = db;
    if (ok(db != NULL, "sqlite: open")) {
        run_all("sqlite");
        sk_db_close(db);
    } else {
        printf("# %s\n", err);
    }
    unlink(path);
    snprintf(err, sizeof(err), "rm -rf '%s'", tmpdir);
    if (system(err) != 0) {
        printf("# could not remove %s\n", tmpdir);
    }

    if (sock == NULL || sock[0] == '\0') {
        ok(1, "# SKIP mariadb: SOUK_TEST_MARIADB_SOCKET is not set");
    } else {
        run_mariadb(sock);
    }
    sk_pool_destroy(pool);
    return done_testing();
}
