/* Sessions in the database: cookie ids, values, login, logout, CSRF. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "souk_core.h"
#include "auth_int.h"

/*
 * The cookie carries 32 random bytes (hex); the table keeps only their
 * BLAKE2b hash, so a copy of the database opens no session. Over HTTPS the
 * cookie is "__Host-souk_sid": the browser then insists on Secure, Path=/
 * and no Domain, so a sibling site on another subdomain cannot plant one.
 */
#define SK_COOKIE        "souk_sid"
#define SK_COOKIE_HOST   "__Host-souk_sid"

static const char *
sk_session_cookie_name(const souk_request_t *r)
{
    return r->https ? SK_COOKIE_HOST : SK_COOKIE;
}

sk_session_t *
sk_session_get(souk_request_t *r)
{
    if (r->session == NULL) {
        r->session = souk_pcalloc(r->pool, sizeof(sk_session_t));
    }
    return r->session;
}

void
sk_auth_hash(char *out, const void *secret, size_t len)
{
    unsigned char  h[32];

    crypto_generichash(h, sizeof(h), secret, len, NULL, 0);
    sodium_bin2hex(out, SK_SID_HEX + 1, h, sizeof(h));
    sodium_memzero(h, sizeof(h));
}

void
sk_auth_random_hex(char *out)
{
    unsigned char  b[32];

    randombytes_buf(b, sizeof(b));
    sodium_bin2hex(out, SK_SID_HEX + 1, b, sizeof(b));
    sodium_memzero(b, sizeof(b));
}

/* Idle lifetime in seconds: setting "session.lifetime", else 14 days. */
static int64_t
sk_session_ttl(const souk_request_t *r)
{
    const char  *v = souk_setting(r, "session.lifetime");
    char        *end;
    long long    n;

    if (v == NULL) {
        return SK_SESSION_TTL;
    }
    n = strtoll(v, &end, 10);
    if (*end != '\0' || n < 1 || n > 31536000) {
        return SK_SESSION_TTL;
    }
    return n;
}

static int
sk_hex_id(const char *s)
{
    size_t  i;

    if (s == NULL || strlen(s) != SK_SID_HEX) {
        return 0;
    }
    for (i = 0; i < SK_SID_HEX; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* Moves the expiry forward, at most once per SK_SESSION_SLIDE, so a busy
 * visitor costs one write every few minutes rather than one per page. */
static void
sk_session_slide(souk_request_t *r, sk_session_t *s, souk_db_t *db,
    int64_t seen, int64_t now)
{
    int64_t  ttl = sk_session_ttl(r);

    if (now - seen < SK_SESSION_SLIDE) {
        return;
    }
    if (souk_db_exec(db, "UPDATE souk_sessions SET seen_at = ?, "
                     "expires_at = ? WHERE id_hash = ?", "iit", now,
                     now + ttl, s->hash) == SOUK_OK)
    {
        s->expires_at = now + ttl;
        s->cookie_out = 1;
    }
}

/* Looks up the session the cookie names, once per request. */
static sk_session_t *
sk_session_load(souk_request_t *r)
{
    sk_session_t  *s = sk_session_get(r);
    souk_db_t     *db;
    souk_stmt_t   *st;
    const char    *cookie;
    int64_t        now, seen, expires;

    if (s->loaded || s->token_auth) {
        return s;
    }
    s->loaded = 1;
    db = souk_db(r);
    cookie = souk_request_cookie(r, sk_session_cookie_name(r));
    if (db == NULL || !sk_hex_id(cookie)) {
        return s;
    }
    sk_auth_hash(s->hash, cookie, SK_SID_HEX);
    st = souk_db_row(db, "SELECT user_id, csrf, data, seen_at, expires_at "
                     "FROM souk_sessions WHERE id_hash = ? AND realm = ?",
                     "tt", s->hash, sk_auth_realm(r));
    if (st == NULL) {
        if (souk_db_error(db)[0] != '\0') {
            souk_log(r, SOUK_LOG_ERROR, "session look-up failed: %s",
                     souk_db_error(db));
        }
        s->hash[0] = '\0';
        return s;
    }
    now = (int64_t) time(NULL);
    seen = souk_stmt_int(st, 3);
    expires = souk_stmt_int(st, 4);
    if (expires <= now) {
        souk_stmt_reset(st);
        souk_db_exec(db, "DELETE FROM souk_sessions WHERE id_hash = ?", "t",
                     s->hash);
        s->hash[0] = '\0';
        s->cookie_out = -1;
        return s;
    }
    s->user_id = souk_stmt_int(st, 0);
    snprintf(s->csrf, sizeof(s->csrf), "%s", souk_stmt_text(st, 1));
    s->data_text = souk_pstrdup(r->pool, souk_stmt_is_null(st, 2) ? "{}"
                                : souk_stmt_text(st, 2));
    souk_stmt_reset(st);
    memcpy(s->id, cookie, SK_SID_HEX + 1);
    s->expires_at = expires;
    s->live = 1;
    sk_session_slide(r, s, db, seen, now);
    return s;
}

/* Expired rows go now and then, not on every request. */
static void
sk_session_sweep(souk_db_t *db, int64_t now)
{
    if (randombytes_uniform(100) == 0) {
        souk_db_exec(db, "DELETE FROM souk_sessions WHERE expires_at <= ?",
                     "i", now);
    }
}

/* A new row under a fresh id, carrying data_text over (a cart survives
 * login); the CSRF token is new too. */
static int
sk_session_create(souk_request_t *r, sk_session_t *s, int64_t uid,
    const char *data_text)
{
    souk_db_t  *db = souk_db(r);
    int64_t     now = (int64_t) time(NULL), ttl = sk_session_ttl(r);

    if (db == NULL) {
        souk_log(r, SOUK_LOG_ERROR, "sessions need a database");
        return SOUK_ERROR;
    }
    sk_auth_random_hex(s->id);
    sk_auth_hash(s->hash, s->id, SK_SID_HEX);
    sk_auth_random_hex(s->csrf);
    if (souk_db_exec(db, "INSERT INTO souk_sessions (id_hash, realm, "
                     "user_id, csrf, data, created_at, seen_at, expires_at) "
                     "VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?)",
                     "ttittiii", s->hash, sk_auth_realm(r), uid, s->csrf,
                     data_text, now, now, now + ttl) != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_ERROR, "cannot store a new session: %s",
                 souk_db_error(db));
        s->hash[0] = '\0';
        s->id[0] = '\0';
        return SOUK_ERROR;
    }
    sk_session_sweep(db, now);
    s->user_id = uid;
    s->data_text = souk_pstrdup(r->pool, data_text);
    s->expires_at = now + ttl;
    s->live = 1;
    s->loaded = 1;
    s->cookie_out = 1;
    return SOUK_OK;
}

SOUK_API int
souk_session_start(souk_request_t *r)
{
    sk_session_t  *s = sk_session_load(r);

    if (s->live) {
        return SOUK_OK;
    }
    if (s->token_auth) {
        /* An API client has no cookie jar to keep a session in. */
        return SOUK_DECLINED;
    }
    return sk_session_create(r, s, 0, "{}");
}

SOUK_API int
souk_session_active(souk_request_t *r)
{
    return sk_session_load(r)->live;
}

static cJSON *
sk_session_data(souk_request_t *r, sk_session_t *s)
{
    if (s->data == NULL) {
        s->data = cJSON_Parse(s->data_text ? s->data_text : "{}");
        if (s->data == NULL || !cJSON_IsObject(s->data)) {
            cJSON_Delete(s->data);
            s->data = cJSON_CreateObject();
        }
        souk_pool_json(r->pool, s->data);
    }
    return s->data;
}

SOUK_API const char *
souk_session_get(souk_request_t *r, const char *key)
{
    sk_session_t  *s = sk_session_load(r);
    cJSON         *v;

    if (!s->live || key == NULL) {
        return NULL;
    }
    v = cJSON_GetObjectItemCaseSensitive(sk_session_data(r, s), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* value NULL removes the key. */
SOUK_API int
souk_session_set(souk_request_t *r, const char *key, const char *value)
{
    sk_session_t  *s;
    cJSON         *data;
    char          *text;
    int            rc;

    if (key == NULL || key[0] == '\0' || souk_session_start(r) != SOUK_OK) {
        return SOUK_ERROR;
    }
    s = r->session;
    data = sk_session_data(r, s);
    cJSON_DeleteItemFromObjectCaseSensitive(data, key);
    if (value != NULL) {
        cJSON_AddStringToObject(data, key, value);
    }
    text = cJSON_PrintUnformatted(data);
    if (text == NULL) {
        abort();                /* only fails when out of memory */
    }
    if (strlen(text) > SK_SESSION_DATA) {
        free(text);
        cJSON_DeleteItemFromObjectCaseSensitive(data, key);
        souk_log(r, SOUK_LOG_WARN, "session value \"%s\" refused: a "
                 "session holds at most %d bytes", key, SK_SESSION_DATA);
        return SOUK_ERROR;
    }
    rc = souk_db_exec(souk_db(r), "UPDATE souk_sessions SET data = ? "
                      "WHERE id_hash = ?", "tt", text, s->hash);
    s->data_text = souk_pstrdup(r->pool, text);
    free(text);
    return rc;
}

SOUK_API int64_t
souk_user_id(souk_request_t *r)
{
    sk_session_t  *s = sk_session_load(r);

    return s->live || s->token_auth ? s->user_id : 0;
}

/* The old row goes: whoever planted or saw the old id holds nothing. */
static void
sk_session_drop(souk_request_t *r, sk_session_t *s)
{
    if (s->live && s->hash[0] != '\0') {
        souk_db_exec(souk_db(r), "DELETE FROM souk_sessions WHERE id_hash "
                     "= ?", "t", s->hash);
    }
    s->live = 0;
    s->user_id = 0;
    s->hash[0] = '\0';
    s->id[0] = '\0';
    s->csrf[0] = '\0';
}

SOUK_API int
souk_session_login(souk_request_t *r, int64_t user_id)
{
    sk_session_t  *s = sk_session_load(r);
    const char    *data = s->live && s->data_text ? s->data_text : "{}";
    cJSON         *ev;
    int            rc;

    if (user_id <= 0 || s->token_auth) {
        return SOUK_ERROR;
    }
    s->data = NULL;
    sk_session_drop(r, s);
    rc = sk_session_create(r, s, user_id, data);
    if (rc != SOUK_OK) {
        return rc;
    }
    /* The carried-over values still name what the visitor built as a
     * guest (a cart): "session.login" lets its owner adopt it. */
    ev = cJSON_CreateObject();
    if (ev == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(ev, "user_id", (double) user_id);
    rc = souk_action_run(r, "session.login", ev);
    cJSON_Delete(ev);
    return rc;
}

SOUK_API int
souk_session_logout(souk_request_t *r)
{
    sk_session_t  *s = sk_session_load(r);

    if (s->token_auth) {
        return SOUK_ERROR;
    }
    sk_session_drop(r, s);
    s->data = NULL;
    s->data_text = NULL;
    s->cookie_out = -1;
    return SOUK_OK;
}

SOUK_API const char *
souk_csrf_token(souk_request_t *r)
{
    if (souk_session_start(r) != SOUK_OK) {
        return "";
    }
    return r->session->csrf;
}

/* ---------- before and after the handler ---------- */

static int
sk_state_changing(unsigned method)
{
    return (method & (SOUK_POST | SOUK_PUT | SOUK_PATCH | SOUK_DELETE)) != 0;
}

/* Authorization: Bearer TOKEN names a live API token of this realm. */
static int
sk_session_bearer(souk_request_t *r, const char *auth)
{
    sk_session_t  *s = sk_session_get(r);
    souk_db_t     *db = souk_db(r);
    souk_stmt_t   *st;
    char           hash[SK_SID_HEX + 1];
    int64_t        now = (int64_t) time(NULL), tid, used;

    while (*auth == ' ') {
        auth++;
    }
    if (db == NULL || !sk_hex_id(auth)) {
        return 401;
    }
    sk_auth_hash(hash, auth, SK_SID_HEX);
    st = souk_db_row(db, "SELECT t.id, t.user_id, t.last_used_at FROM "
                     "souk_api_tokens t JOIN souk_users u ON u.id = "
                     "t.user_id WHERE t.token_hash = ? AND t.revoked_at IS "
                     "NULL AND u.realm = ? AND u.disabled = 0", "tt", hash,
                     sk_auth_realm(r));
    if (st == NULL) {
        return 401;
    }
    tid = souk_stmt_int(st, 0);
    s->user_id = souk_stmt_int(st, 1);
    used = souk_stmt_int(st, 2);
    souk_stmt_reset(st);
    s->token_auth = 1;
    s->loaded = 1;
    if (now - used >= 60) {
        souk_db_exec(db, "UPDATE souk_api_tokens SET last_used_at = ? "
                     "WHERE id = ?", "ii", now, tid);
    }
    return 0;
}

static int
sk_session_csrf_ok(souk_request_t *r)
{
    sk_session_t  *s = sk_session_load(r);
    const char    *sent = souk_request_form(r, SK_CSRF_FIELD);

    if (sent == NULL) {
        sent = souk_request_header(r, SK_CSRF_HEADER);
    }
    if (!s->live || sent == NULL || strlen(sent) != SK_SID_HEX
        || strlen(s->csrf) != SK_SID_HEX)
    {
        return 0;
    }
    return sodium_memcmp(sent, s->csrf, SK_SID_HEX) == 0;
}

int
sk_session_check(souk_request_t *r, unsigned route_flags, const char *perm)
{
    const char  *auth = souk_request_header(r, "Authorization");

    if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
        if (sk_session_bearer(r, auth + 7) != 0) {
            souk_response_header(r, "WWW-Authenticate", "Bearer");
            r->error_msg = "the API token is not valid (revoked, mistyped "
                           "or for another site)";
            return 401;
        }
    }
    if (perm != NULL) {
        if (souk_user_id(r) == 0) {
            r->error_msg = "please sign in to see this page";
            return 401;
        }
        if (!souk_user_can(r, perm)) {
            r->error_msg = "your account is not allowed to do this";
            return 403;
        }
    }
    if (sk_state_changing(r->method) && !(route_flags & SOUK_ROUTE_NO_CSRF)
        && !sk_session_get(r)->token_auth && !sk_session_csrf_ok(r))
    {
        r->error_msg = "the form's security token is missing or out of "
                       "date; reload the page and send it again";
        return 403;
    }
    return 0;
}

/* An answer made for one visitor stays out of shared caches. */
static void
sk_session_private(souk_request_t *r)
{
    size_t  i;

    for (i = 0; i < r->nresp_headers; i++) {
        if (strcasecmp(r->resp_headers[i].name, "Cache-Control") == 0) {
            return;
        }
    }
    souk_response_header(r, "Cache-Control", "private, no-store");
}

void
sk_session_finish(souk_request_t *r)
{
    sk_session_t  *s = r->session;
    const char    *secure = r->https ? "; Secure" : "";

    if (s == NULL) {
        return;
    }
    if (s->live || s->token_auth || s->cookie_out != 0) {
        sk_session_private(r);
    }
    if (s->cookie_out == 0 || s->token_auth) {
        return;
    }
    if (s->cookie_out > 0 && s->live) {
        souk_response_header(r, "Set-Cookie", souk_psprintf(r->pool,
                             "%s=%s; Path=/; Max-Age=%lld; HttpOnly; "
                             "SameSite=Lax%s", sk_session_cookie_name(r),
                             s->id, (long long) (s->expires_at
                                                 - (int64_t) time(NULL)),
                             secure));
    } else if (souk_request_cookie(r, sk_session_cookie_name(r)) != NULL) {
        souk_response_header(r, "Set-Cookie", souk_psprintf(r->pool,
                             "%s=; Path=/; Max-Age=0; HttpOnly; "
                             "SameSite=Lax%s", sk_session_cookie_name(r),
                             secure));
    }
    s->cookie_out = 0;
}
