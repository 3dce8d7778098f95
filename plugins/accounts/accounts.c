/* The accounts plugin: its descriptor, and the form, input, link and token
 * helpers that its pages share. */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "accounts.h"

static int accounts_init(souk_plugin_ctx_t *ctx);

SOUK_PLUGIN(accounts,
    .version = "0.1.0",
    .init = accounts_init,
    .summary = "Customer accounts: register, log in, reset, profile, "
               "addresses, API tokens");

void
accounts_form_init(accounts_form_t *f, souk_request_t *r, cJSON *model,
    const char *key, const char *action, const char *submit)
{
    f->r = r;
    f->failed = 0;
    f->form = cJSON_AddObjectToObject(model, key);
    cJSON_AddStringToObject(f->form, "action", accounts_path(r, action));
    cJSON_AddStringToObject(f->form, "submit", submit);
    /* false, not absent: a Mustache section would find the page's key of
     * the same name further down the stack. */
    cJSON_AddFalseToObject(f->form, "error");
    f->fields = cJSON_AddArrayToObject(f->form, "fields");
    /* Every form posts back the session's token; the core checks it. API
     * calls with a bearer token need none, and get no session. */
    if (!cJSON_HasObjectItem(model, "csrf_token")
        && !souk_request_token_auth(r))
    {
        cJSON_AddStringToObject(model, "csrf_token", souk_csrf_token(r));
    }
}

/* A refused form: the page again with its errors, or for the JSON API an
 * error object naming the first problem. */
int
accounts_form_answer(accounts_form_t *f, int status)
{
    const cJSON  *e = cJSON_GetObjectItem(f->form, "error");

    if (souk_request_wants_json(f->r)) {
        return souk_error(f->r, status, "%s", cJSON_IsString(e)
                          ? e->valuestring : "the request was refused");
    }
    return status;
}

cJSON *
accounts_form_field(accounts_form_t *f, const char *name, const char *label,
    const char *type, const char *value, const char *autocomplete)
{
    cJSON  *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "id", souk_psprintf(souk_request_pool(f->r),
                                                   "f-%s", name));
    cJSON_AddStringToObject(o, "label", label);
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddStringToObject(o, "value", value != NULL ? value : "");
    cJSON_AddFalseToObject(o, "error");
    if (autocomplete != NULL) {
        cJSON_AddStringToObject(o, "autocomplete", autocomplete);
    }
    cJSON_AddItemToArray(f->fields, o);
    return o;
}

void
accounts_form_fail(accounts_form_t *f, cJSON *field, const char *msg)
{
    const char  *s;

    f->failed = 1;
    if (!cJSON_IsString(cJSON_GetObjectItem(field, "error"))) {
        cJSON_ReplaceItemInObject(field, "error", cJSON_CreateString(msg));
    }
    if (!cJSON_IsString(cJSON_GetObjectItem(f->form, "error"))) {
        s = souk_psprintf(souk_request_pool(f->r), "%s: %s",
                          cJSON_GetObjectItem(field, "label")->valuestring,
                          msg);
        cJSON_ReplaceItemInObject(f->form, "error", cJSON_CreateString(s));
    }
}

/* An error about the whole form (wrong password ...), shown above it. */
void
accounts_form_error(accounts_form_t *f, const char *msg)
{
    f->failed = 1;
    cJSON_ReplaceItemInObject(f->form, "error", cJSON_CreateString(msg));
}

/* A field from a JSON body (API calls) or else from the form. */
const char *
accounts_input(souk_request_t *r, const char *name)
{
    const cJSON  *json = souk_request_json(r), *v;

    if (json != NULL) {
        v = cJSON_GetObjectItemCaseSensitive(json, name);
        return cJSON_IsString(v) ? v->valuestring : NULL;
    }
    return souk_request_form(r, name);
}

/* Trimmed single-line text, at most max bytes; NULL (and the field marked)
 * when it is missing but required, too long or holds control characters. */
const char *
accounts_text(accounts_form_t *f, cJSON *field, size_t max, int required)
{
    const char  *name = cJSON_GetObjectItem(field, "name")->valuestring;
    const char  *s = accounts_input(f->r, name);
    size_t       len, i;

    if (s == NULL) {
        s = "";
    }
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }
    if (len > max) {
        accounts_form_fail(f, field, souk_psprintf(souk_request_pool(f->r),
                           "at most %zu characters", max));
        return NULL;
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            accounts_form_fail(f, field, "control characters are not "
                               "allowed");
            return NULL;
        }
    }
    s = souk_pstrndup(souk_request_pool(f->r), s, len);
    cJSON_ReplaceItemInObject(field, "value", cJSON_CreateString(s));
    if (required && len == 0) {
        accounts_form_fail(f, field, "required");
        return NULL;
    }
    return s;
}

/* A plain address: local@domain.tld, no spaces, quotes or brackets. */
int
accounts_email_valid(const char *s)
{
    const char  *at = strchr(s, '@'), *p, *dot;
    size_t       len = strlen(s);

    if (len < 3 || len > ACCOUNTS_EMAIL_MAX || at == NULL || at == s
        || strchr(at + 1, '@') != NULL || at - s > 64)
    {
        return 0;
    }
    for (p = s; *p != '\0'; p++) {
        if ((unsigned char) *p <= 0x20 || *p == 0x7f
            || strchr("\"(),:;<>[\\]", *p) != NULL)
        {
            return 0;
        }
    }
    dot = strrchr(at + 1, '.');
    return dot != NULL && dot != at + 1 && dot[1] != '\0'
           && strstr(at + 1, "..") == NULL && s[len - 1] != '.';
}

const char *
accounts_email(accounts_form_t *f, cJSON *field)
{
    const char  *s = accounts_text(f, field, ACCOUNTS_EMAIL_MAX, 1);
    char        *e;
    size_t       i;

    if (s == NULL) {
        return NULL;
    }
    if (!accounts_email_valid(s)) {
        accounts_form_fail(f, field, "not a valid email address");
        return NULL;
    }
    e = souk_pstrdup(souk_request_pool(f->r), s);
    for (i = 0; e[i] != '\0'; i++) {
        e[i] = (char) tolower((unsigned char) e[i]);
    }
    return e;
}

/* A password as typed (spaces count); never echoed back into the form. */
const char *
accounts_password(accounts_form_t *f, cJSON *field)
{
    const char  *name = cJSON_GetObjectItem(field, "name")->valuestring;
    const char  *s = accounts_input(f->r, name);
    size_t       len = s != NULL ? strlen(s) : 0;

    if (len < ACCOUNTS_PASSWORD_MIN) {
        accounts_form_fail(f, field, souk_psprintf(souk_request_pool(f->r),
                           "at least %d characters", ACCOUNTS_PASSWORD_MIN));
        return NULL;
    }
    if (len > ACCOUNTS_PASSWORD_MAX) {
        accounts_form_fail(f, field, souk_psprintf(souk_request_pool(f->r),
                           "at most %d characters", ACCOUNTS_PASSWORD_MAX));
        return NULL;
    }
    return s;
}

/* A path inside the site as the browser must ask for it. */
const char *
accounts_path(souk_request_t *r, const char *path)
{
    return souk_psprintf(souk_request_pool(r), "%s%s",
                         souk_site_base_path(r), path);
}

/*
 * An absolute link for a mail. accounts.base_url wins: behind a default
 * site any Host header reaches us, and a reset link must never point at a
 * host the attacker chose.
 */
const char *
accounts_link(souk_request_t *r, const char *path)
{
    const char  *base = souk_setting(r, "accounts.base_url");
    const char  *host = souk_request_header(r, "Host");

    if (base != NULL && base[0] != '\0') {
        return souk_psprintf(souk_request_pool(r), "%s%s", base, path);
    }
    return souk_psprintf(souk_request_pool(r), "%s://%s%s",
                         souk_request_https(r) ? "https" : "http",
                         host != NULL ? host : "localhost",
                         accounts_path(r, path));
}

int
accounts_goto(souk_request_t *r, const char *path)
{
    return souk_redirect(r, 303, accounts_path(r, path));
}

/* 0 when someone is signed in; else the answer to return: 401 for the
 * JSON API, a redirect to the login page for a browser. */
int
accounts_need_user(souk_request_t *r)
{
    if (souk_user_id(r) > 0) {
        return 0;
    }
    if (souk_request_wants_json(r)) {
        return souk_error(r, 401, "sign in or send an API token");
    }
    return accounts_goto(r, "/account/login");
}

void
accounts_token_hash(const char *token, char *hash)
{
    unsigned char  h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *) token,
                       strlen(token), NULL, 0);
    sodium_bin2hex(hash, ACCOUNTS_HASH_SIZE, h, sizeof(h));
}

/* A fresh one-time token (the mail gets it) and its hash (the table
 * does), so a leaked table cannot reset anyone's password. */
int
accounts_token_new(souk_request_t *r, char *token, char *hash)
{
    unsigned char  raw[32];

    (void) r;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, ACCOUNTS_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    accounts_token_hash(token, hash);
    return SOUK_OK;
}

int64_t
accounts_now(void)
{
    return (int64_t) time(NULL);
}

/* ISO 8601 (UTC) for the templates' date modifier. */
const char *
accounts_date(souk_request_t *r, int64_t t)
{
    time_t     tt = (time_t) t;
    struct tm  tm;
    char       buf[32];

    if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
        return "";
    }
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return souk_pstrdup(souk_request_pool(r), buf);
}

/* "Sign in" or "My account" at the end of the site header. */
static int
accounts_header_slot(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    int  in = souk_user_id(r) > 0;

    (void) model;
    (void) data;
    souk_buf_puts(out, "<p class=\"account-link\"><a href=\"");
    souk_buf_append_html(out, accounts_path(r, in ? "/account"
                                                  : "/account/login"));
    souk_buf_puts(out, in ? "\">My account</a></p>" : "\">Sign in</a></p>");
    return SOUK_OK;
}

static int
accounts_init(souk_plugin_ctx_t *ctx)
{
    if (sodium_init() < 0) {
        return SOUK_ERROR;
    }
    if (accounts_pages_init(ctx) != SOUK_OK
        || accounts_profile_init(ctx) != SOUK_OK
        || accounts_address_init(ctx) != SOUK_OK
        || accounts_api_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_slot_add(ctx, "page.header", accounts_header_slot, NULL,
                         SOUK_PRIO_MIDDLE);
}
