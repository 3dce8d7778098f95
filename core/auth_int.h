/* Internal to sessions and accounts: what core/session.c, core/auth.c and
 * the `souk user` command share. */
#ifndef SK_AUTH_INT_H
#define SK_AUTH_INT_H

#include "souk_core.h"

#define SK_SID_HEX        64          /* 32 random bytes as hex */
#define SK_SESSION_TTL    1209600     /* 14 days idle, unless configured */
#define SK_SESSION_SLIDE  300         /* expiry moves at most this often */
#define SK_SESSION_DATA   65536       /* bytes of values per session */

#define SK_CSRF_FIELD     "csrf_token"
#define SK_CSRF_HEADER    "X-CSRF-Token"

/* Login throttling: failures within the window that refuse further tries
 * (before any hashing is done). */
#define SK_THROTTLE_WINDOW   900
#define SK_THROTTLE_ACCOUNT  5
#define SK_THROTTLE_IP       30

#define SK_EMAIL_MAX      254
#define SK_PASSWORD_MAX   4096
#define SK_LABEL_MAX      200

/* A request's session and who it speaks for, made on first use. */
struct sk_session_s {
    unsigned       loaded:1;      /* the cookie was looked up */
    unsigned       live:1;        /* a row in souk_sessions backs it */
    unsigned       token_auth:1;  /* Authorization: Bearer, no cookie */
    int            cookie_out;    /* 1: send the id, -1: clear, 0: none */
    char           id[SK_SID_HEX + 1];    /* the cookie value */
    char           hash[SK_SID_HEX + 1];  /* what the table stores */
    char           csrf[SK_SID_HEX + 1];
    int64_t        user_id;
    int64_t        expires_at;
    cJSON         *data;          /* values, parsed on first use */
    const char    *data_text;
};

/* The accounts realm of a site: its group (sites of a group share their
 * accounts), or the site's id while it has none. */
const char *sk_auth_realm(const souk_request_t *r);
const char *sk_site_realm(const sk_site_t *site);

/* The request's session state (allocated on first use, never NULL). */
sk_session_t *sk_session_get(souk_request_t *r);
/* Hex BLAKE2b-256 of a secret, for the tables: out has SK_SID_HEX + 1. */
void sk_auth_hash(char *out, const void *secret, size_t len);
/* 32 random bytes as hex into out (SK_SID_HEX + 1). */
void sk_auth_random_hex(char *out);

/* Accounts without a request (the CLI and the public wrappers). */
char *sk_email_normalize(souk_pool_t *p, const char *email);
int64_t sk_user_create(souk_db_t *db, souk_pool_t *p, const char *realm,
    const char *email, const char *password, const char *role);
int sk_user_role_grant(souk_db_t *db, int64_t uid, const char *role,
    const char *site);

#endif /* SK_AUTH_INT_H */
