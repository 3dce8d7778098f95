/* The accounts plugin's private header: what its files share. */
#ifndef ACCOUNTS_H
#define ACCOUNTS_H

#include <souk.h>

/* Field limits (bytes). Longer input is refused, never truncated. */
#define ACCOUNTS_EMAIL_MAX     254
#define ACCOUNTS_PASSWORD_MIN  8
#define ACCOUNTS_PASSWORD_MAX  1024
#define ACCOUNTS_NAME_MAX      200
#define ACCOUNTS_LINE_MAX      200
#define ACCOUNTS_CITY_MAX      100
#define ACCOUNTS_POSTCODE_MAX  20
#define ACCOUNTS_PHONE_MAX     40
#define ACCOUNTS_LABEL_MAX     60

/* One-time tokens: 32 random bytes as unpadded base64url (43 chars). */
#define ACCOUNTS_TOKEN_LEN     43
#define ACCOUNTS_TOKEN_RE      "[A-Za-z0-9_-]{43}"
/* Hex of a 32-byte BLAKE2b hash, plus the NUL. */
#define ACCOUNTS_HASH_SIZE     65

/* How long a reset or email-change link lives (seconds), by default. */
#define ACCOUNTS_RESET_TTL     3600
#define ACCOUNTS_EMAIL_TTL     86400

/*
 * A form as the templates see it: the model gets KEY = {action, submit,
 * error, fields: [{name, id, label, type, value, error, autocomplete}]}
 * and "csrf_token". An error found while reading input sets failed and
 * the form's error (the first one: the JSON API answers with it).
 */
typedef struct {
    souk_request_t  *r;
    cJSON           *form;
    cJSON           *fields;
    int              failed;
} accounts_form_t;

/* accounts.c */
void accounts_form_init(accounts_form_t *f, souk_request_t *r, cJSON *model,
    const char *key, const char *action, const char *submit);
int accounts_form_answer(accounts_form_t *f, int status);
cJSON *accounts_form_field(accounts_form_t *f, const char *name,
    const char *label, const char *type, const char *value,
    const char *autocomplete);
void accounts_form_fail(accounts_form_t *f, cJSON *field, const char *msg);
void accounts_form_error(accounts_form_t *f, const char *msg);
const char *accounts_input(souk_request_t *r, const char *name);
const char *accounts_text(accounts_form_t *f, cJSON *field, size_t max,
    int required);
const char *accounts_email(accounts_form_t *f, cJSON *field);
int accounts_email_valid(const char *s);
const char *accounts_password(accounts_form_t *f, cJSON *field);
const char *accounts_path(souk_request_t *r, const char *path);
const char *accounts_link(souk_request_t *r, const char *path);
int accounts_goto(souk_request_t *r, const char *path);
int accounts_need_user(souk_request_t *r);
int accounts_token_new(souk_request_t *r, char *token, char *hash);
void accounts_token_hash(const char *token, char *hash);
int64_t accounts_now(void);
const char *accounts_date(souk_request_t *r, int64_t t);

/* pages.c: register, log in and out, password reset */
int accounts_pages_init(souk_plugin_ctx_t *ctx);

/* profile.c: the profile page, password and email change */
int accounts_profile_init(souk_plugin_ctx_t *ctx);

/* address.c: the address book, HTML and JSON */
int accounts_address_init(souk_plugin_ctx_t *ctx);

/* api.c: API tokens and /api/v1/account */
int accounts_api_init(souk_plugin_ctx_t *ctx);

#endif /* ACCOUNTS_H */
