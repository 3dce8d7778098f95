/* Souk public API: sessions, the signed-in user, CSRF and permissions. */
#ifndef SOUK_SESSION_H
#define SOUK_SESSION_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Sessions live in the database (table souk_sessions, owned by the core):
 * the cookie carries a 256-bit random id; the table stores only its hash.
 * A request has a session when its cookie names a live one; otherwise one
 * is created only when a handler asks for it (souk_session_start), so
 * anonymous browsing writes nothing.
 */

/* Starts an anonymous session if there is none (carts need one). */
SOUK_API int souk_session_start(souk_request_t *r);
/* Non-zero when the request carries a live session. */
SOUK_API int souk_session_active(souk_request_t *r);
/* Session values (small strings, 64 KiB in all); NULL when unset. Set
 * starts a session; a NULL value removes the key. */
SOUK_API const char *souk_session_get(souk_request_t *r, const char *key);
SOUK_API int souk_session_set(souk_request_t *r, const char *key,
    const char *value);

/* The signed-in user's id, 0 when anonymous. */
SOUK_API int64_t souk_user_id(souk_request_t *r);
/* Binds the session to a user under a NEW session id (fixation); the
 * session's values carry over. Then runs the action "session.login" with
 * {"user_id": N}, so a plugin can adopt what the guest built (the cart
 * merges the guest cart into the account's); its failure fails the
 * login. */
SOUK_API int souk_session_login(souk_request_t *r, int64_t user_id);
/* Ends the user's session; the next request gets a new anonymous one. */
SOUK_API int souk_session_logout(souk_request_t *r);

/* The session's CSRF token for forms (starts a session if needed). */
SOUK_API const char *souk_csrf_token(souk_request_t *r);

/*
 * Accounts (core/auth.c). They belong to the request site's group (sites of
 * a group share them), live in souk_users and go through souk_db(r), so
 * they join the caller's souk_db_tx. Emails are trimmed and lower-cased;
 * passwords are 1 to 4096 bytes (a plugin enforces its own minimum) and
 * stored as argon2id hashes (m = 19 MiB, t = 2, p = 1).
 */
/* The new user's id; 0 when the email is taken in the group; SOUK_ERROR
 * (also for an empty email or password). role may be NULL (none). */
SOUK_API int64_t souk_user_create(souk_request_t *r, const char *email,
    const char *password, const char *role);
/*
 * Checks an email and password. Throttling per account and per client
 * address is checked first, before any hashing: SOUK_DECLINED when too
 * many recent failures (answer 429). The user's id when right; 0 when the
 * email or password is wrong (recorded as a failure); SOUK_ERROR. Call it
 * outside souk_db_tx, or the rollback takes the recorded failure with it.
 */
SOUK_API int64_t souk_user_authenticate(souk_request_t *r, const char *email,
    const char *password);
/* The id of the account with that email, or 0. */
SOUK_API int64_t souk_user_find(souk_request_t *r, const char *email);
/* The account's email (pool copy), or NULL. */
SOUK_API const char *souk_user_email(souk_request_t *r, int64_t uid);
SOUK_API int souk_user_set_password(souk_request_t *r, int64_t uid,
    const char *password);
/* SOUK_DECLINED when another account of the group has that email. */
SOUK_API int souk_user_set_email(souk_request_t *r, int64_t uid,
    const char *email);
/* Gives the user a role on one site (site NULL: every site of the group). */
SOUK_API int souk_user_role_grant(souk_request_t *r, int64_t uid,
    const char *role, const char *site);

/*
 * API tokens for the JSON API: "Authorization: Bearer TOKEN". Only a hash
 * is stored, so the token is shown once. Table souk_api_tokens: id,
 * user_id, label, created_at, last_used_at, revoked_at (NULL while valid).
 */
/* The token (pool copy) and its row id in *id; NULL on error. */
SOUK_API const char *souk_api_token_create(souk_request_t *r, int64_t uid,
    const char *label, int64_t *id);
/* SOUK_DECLINED when the token is not this user's or already revoked. */
SOUK_API int souk_api_token_revoke(souk_request_t *r, int64_t uid,
    int64_t id);
/* Non-zero when the request authenticated with an API token. */
SOUK_API int souk_request_token_auth(souk_request_t *r);

/*
 * Roles and permissions. A permission is a dotted name ("catalog.approve");
 * plugins declare theirs and the roles that get them in init. The core's
 * roles: "customer" (no permissions), "admin" (every permission). A site
 * group shares its accounts and their roles.
 */
SOUK_API int souk_permission_declare(souk_plugin_ctx_t *ctx,
    const char *perm, const char *summary);
SOUK_API int souk_role_declare(souk_plugin_ctx_t *ctx, const char *role,
    const char *const *perms);
/* Non-zero when the signed-in user holds perm on the request's site. */
SOUK_API int souk_user_can(souk_request_t *r, const char *perm);
/* The same for another site of the request's group (the admin shell). */
SOUK_API int souk_user_can_site(souk_request_t *r, const char *site,
    const char *perm);

/*
 * Route options, applied to the route the plugin added last:
 * SOUK_ROUTE_NO_CSRF  — a state-changing route that does not take the
 *                       session's form token (webhooks, token-authenticated
 *                       API calls); every other POST/PUT/PATCH/DELETE
 *                       without a valid token gets 403 before the handler.
 * souk_route_permission — the core answers 401 (anonymous) or 403 unless
 *                       the user holds perm.
 */
#define SOUK_ROUTE_NO_CSRF  0x0001u
SOUK_API int souk_route_flags(souk_plugin_ctx_t *ctx, unsigned flags);
SOUK_API int souk_route_permission(souk_plugin_ctx_t *ctx, const char *perm);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_SESSION_H */
