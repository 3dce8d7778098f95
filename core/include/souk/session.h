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
/* Session values (small strings); NULL when unset. Set starts a session. */
SOUK_API const char *souk_session_get(souk_request_t *r, const char *key);
SOUK_API int souk_session_set(souk_request_t *r, const char *key,
    const char *value);

/* The signed-in user's id, 0 when anonymous. */
SOUK_API int64_t souk_user_id(souk_request_t *r);
/* Binds the session to a user under a NEW session id (fixation). */
SOUK_API int souk_session_login(souk_request_t *r, int64_t user_id);
/* Ends the user's session; the next request gets a new anonymous one. */
SOUK_API int souk_session_logout(souk_request_t *r);

/* The session's CSRF token for forms (starts a session if needed). */
SOUK_API const char *souk_csrf_token(souk_request_t *r);

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
