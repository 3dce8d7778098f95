/* The accounts plugin's API tokens page and the JSON account resource
 * /api/v1/account. */
#include <stdlib.h>
#include <string.h>

#include "accounts.h"

/* The tokens page; the list is the user's live tokens, newest last. */
static int
accounts_tokens_model(souk_request_t *r, accounts_form_t *f)
{
    souk_stmt_t  *st;
    cJSON        *m, *list, *o;
    int           rc;

    m = souk_view_new(r, "account_tokens");
    cJSON_AddStringToObject(m, "title", "API tokens");
    cJSON_AddStringToObject(m, "account_url", accounts_path(r, "/account"));
    list = cJSON_AddArrayToObject(m, "tokens");
    st = souk_db_prepare(souk_db(r), "SELECT id, label, created_at, "
                         "last_used_at FROM souk_api_tokens WHERE user_id = "
                         "? AND revoked_at IS NULL ORDER BY id");
    if (st == NULL || souk_stmt_bind_int(st, 1, souk_user_id(r)) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(o, "label", souk_stmt_text(st, 1) != NULL
                                            ? souk_stmt_text(st, 1) : "");
        cJSON_AddStringToObject(o, "created_at",
                                accounts_date(r, souk_stmt_int(st, 2)));
        cJSON_AddStringToObject(o, "last_used_at",
                                accounts_date(r, souk_stmt_int(st, 3)));
        cJSON_AddStringToObject(o, "revoke_url", accounts_path(r,
            souk_psprintf(souk_request_pool(r), "/account/tokens/%lld/delete",
                          (long long) souk_stmt_int(st, 0))));
        cJSON_AddItemToArray(list, o);
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    accounts_form_init(f, r, m, "form", "/account/tokens", "Create a token");
    accounts_form_field(f, "label", "What the token is for", "text", NULL,
                        "off");
    return SOUK_OK;
}

static int
accounts_tokens_get(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    return accounts_tokens_model(r, &f) == SOUK_OK ? 200 : SOUK_ERROR;
}

/* The new token is shown once, on the answer to this POST. */
static int
accounts_tokens_post(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    const char      *label, *token;
    int64_t          id;
    cJSON           *m;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    if (accounts_tokens_model(r, &f) != SOUK_OK) {
        return SOUK_ERROR;
    }
    label = accounts_text(&f, cJSON_GetArrayItem(f.fields, 0),
                          ACCOUNTS_LABEL_MAX, 1);
    if (f.failed) {
        return accounts_form_answer(&f, 422);
    }
    token = souk_api_token_create(r, souk_user_id(r), label, &id);
    if (token == NULL || accounts_tokens_model(r, &f) != SOUK_OK) {
        return SOUK_ERROR;
    }
    m = souk_view(r);
    cJSON_AddStringToObject(m, "new_token", token);
    cJSON_AddStringToObject(m, "new_label", label);
    cJSON_AddNumberToObject(m, "new_id", (double) id);
    return 201;
}

static int
accounts_tokens_revoke(souk_request_t *r, void *data)
{
    const char  *s = souk_request_param(r, "id");
    int          rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    rc = souk_api_token_revoke(r, souk_user_id(r), strtoll(s, NULL, 10));
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 404, "no such token");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return accounts_goto(r, "/account/tokens");
}

/* GET /api/v1/account: who the token (or session) belongs to. */
static int
accounts_api_account(souk_request_t *r, void *data)
{
    souk_stmt_t  *st;
    const char   *email;
    cJSON        *m, *a;
    int64_t       uid = souk_user_id(r);

    (void) data;
    if (uid <= 0) {
        return souk_error(r, 401, "sign in or send an API token");
    }
    email = souk_user_email(r, uid);
    m = souk_view_new(r, "account_api");
    a = cJSON_AddObjectToObject(m, "account");
    cJSON_AddNumberToObject(a, "id", (double) uid);
    cJSON_AddStringToObject(a, "email", email != NULL ? email : "");
    st = souk_db_row(souk_db(r), "SELECT display_name FROM account_profiles "
                     "WHERE user_id = ?", "i", uid);
    cJSON_AddStringToObject(a, "name", st != NULL && souk_stmt_text(st, 0)
                                       ? souk_stmt_text(st, 0) : "");
    if (st != NULL) {
        souk_stmt_reset(st);
    }
    cJSON_AddStringToObject(a, "site", souk_site_id(r));
    return 200;
}

int
accounts_api_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/account/tokens", accounts_tokens_get,
                       NULL) != SOUK_OK
        || souk_route_name(ctx, "accounts.tokens") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/account/tokens",
                          accounts_tokens_post, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST,
                          "/account/tokens/{id:[0-9]{1,18}}/delete",
                          accounts_tokens_revoke, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/api/v1/account",
                          accounts_api_account, NULL) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}
