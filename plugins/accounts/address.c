/* The accounts plugin's address book, as pages and as the JSON API under
 * /api/v1/account/addresses; every query names the owner, so another
 * user's address id answers 404. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"

#define ACCOUNTS_ADDRESS_LIMIT  100

/* The columns, in the order of the form, the table and the JSON. */
static const struct {
    const char  *name;
    const char  *label;
    size_t       max;
    int          required;
    const char  *autocomplete;
} accounts_afields[] = {
    { "label", "Label (Home, Work …)", ACCOUNTS_LABEL_MAX, 0, NULL },
    { "name", "Full name", ACCOUNTS_NAME_MAX, 1, "name" },
    { "line1", "Street and number", ACCOUNTS_LINE_MAX, 1, "address-line1" },
    { "line2", "Address line 2", ACCOUNTS_LINE_MAX, 0, "address-line2" },
    { "city", "City", ACCOUNTS_CITY_MAX, 1, "address-level2" },
    { "postcode", "Postcode", ACCOUNTS_POSTCODE_MAX, 1, "postal-code" },
    { "country", "Country (two letters: DE, FR …)", 2, 1, "country" },
    { "phone", "Phone (optional)", ACCOUNTS_PHONE_MAX, 0, "tel" },
};

#define ACCOUNTS_NAF  (sizeof(accounts_afields) / sizeof(accounts_afields[0]))

#define ACCOUNTS_ACOLS                                                       \
    "id, label, name, line1, line2, city, postcode, country, phone"

typedef struct {
    souk_request_t  *r;
    int64_t          uid;
    int64_t          id;
    const char      *v[ACCOUNTS_NAF];
    int              full;
} accounts_atx_t;

/* The address at the statement's current row as a JSON object. */
static cJSON *
accounts_address_json(souk_request_t *r, souk_stmt_t *st)
{
    cJSON       *o = cJSON_CreateObject();
    const char  *s;
    int64_t      id = souk_stmt_int(st, 0);
    size_t       i;

    cJSON_AddNumberToObject(o, "id", (double) id);
    for (i = 0; i < ACCOUNTS_NAF; i++) {
        s = souk_stmt_text(st, (int) i + 1);
        cJSON_AddStringToObject(o, accounts_afields[i].name,
                                s != NULL ? s : "");
    }
    if (!souk_request_wants_json(r)) {
        cJSON_AddStringToObject(o, "edit_url", accounts_path(r,
            souk_psprintf(souk_request_pool(r), "/account/addresses/%lld",
                          (long long) id)));
        cJSON_AddStringToObject(o, "delete_url", accounts_path(r,
            souk_psprintf(souk_request_pool(r),
                          "/account/addresses/%lld/delete", (long long) id)));
    }
    return o;
}

/* The user's address, or NULL (404) when it is not theirs or not there. */
static cJSON *
accounts_address_get(souk_request_t *r, int64_t uid, int64_t id)
{
    souk_stmt_t  *st;
    cJSON        *o;

    st = souk_db_row(souk_db(r), "SELECT " ACCOUNTS_ACOLS " FROM "
                     "account_addresses WHERE id = ? AND user_id = ?", "ii",
                     id, uid);
    if (st == NULL) {
        return NULL;
    }
    o = accounts_address_json(r, st);
    souk_stmt_reset(st);
    return o;
}

static int64_t
accounts_address_id(souk_request_t *r)
{
    const char  *s = souk_request_param(r, "id");

    /* The route limits it to 1-18 digits, so it fits. */
    return s != NULL ? (int64_t) strtoll(s, NULL, 10) : 0;
}

static int
accounts_address_missing(souk_request_t *r)
{
    return souk_error(r, 404, "no such address");
}

/* The form, filled from an address (or empty), with its fields. */
static void
accounts_address_form(souk_request_t *r, accounts_form_t *f,
    const cJSON *addr, const char *action)
{
    cJSON   *m = souk_view_new(r, "account_address");
    size_t   i;

    cJSON_AddStringToObject(m, "title", addr != NULL ? "Edit the address"
                                                     : "New address");
    cJSON_AddStringToObject(m, "back_url",
                            accounts_path(r, "/account/addresses"));
    accounts_form_init(f, r, m, "form", action, "Save the address");
    for (i = 0; i < ACCOUNTS_NAF; i++) {
        accounts_form_field(f, accounts_afields[i].name,
            accounts_afields[i].label, "text",
            addr != NULL ? cJSON_GetObjectItem(addr, accounts_afields[i].name)
                           ->valuestring : NULL,
            accounts_afields[i].autocomplete);
    }
}

/* Reads and checks every field of the posted address into t->v. */
static void
accounts_address_read(accounts_form_t *f, accounts_atx_t *t)
{
    const char  *c;
    char        *up;
    size_t       i;

    for (i = 0; i < ACCOUNTS_NAF; i++) {
        t->v[i] = accounts_text(f, cJSON_GetArrayItem(f->fields, (int) i),
                                accounts_afields[i].max,
                                accounts_afields[i].required);
    }
    c = t->v[6];
    if (c == NULL) {
        return;
    }
    if (strlen(c) != 2 || !isalpha((unsigned char) c[0])
        || !isalpha((unsigned char) c[1]))
    {
        accounts_form_fail(f, cJSON_GetArrayItem(f->fields, 6),
                           "two letters, such as DE");
        return;
    }
    up = souk_pstrdup(souk_request_pool(f->r), c);
    up[0] = (char) toupper((unsigned char) up[0]);
    up[1] = (char) toupper((unsigned char) up[1]);
    t->v[6] = up;
}

static int
accounts_address_insert(souk_db_t *db, void *arg)
{
    accounts_atx_t  *t = arg;
    souk_stmt_t     *st;
    int64_t          n, now = accounts_now();

    st = souk_db_row(db, "SELECT COUNT(*) FROM account_addresses WHERE "
                     "user_id = ?", "i", t->uid);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    if (n >= ACCOUNTS_ADDRESS_LIMIT) {
        t->full = 1;
        return SOUK_DECLINED;
    }
    if (souk_db_exec(db, "INSERT INTO account_addresses (user_id, label, "
                     "name, line1, line2, city, postcode, country, phone, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                     "?, ?, ?, ?)", "ittttttttii", t->uid, t->v[0], t->v[1],
                     t->v[2], t->v[3], t->v[4], t->v[5], t->v[6], t->v[7],
                     now, now) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    t->id = souk_db_last_id(db);
    return SOUK_OK;
}

static int
accounts_address_update(souk_db_t *db, void *arg)
{
    accounts_atx_t  *t = arg;
    souk_stmt_t     *st;

    st = souk_db_row(db, "SELECT 1 FROM account_addresses WHERE id = ? AND "
                     "user_id = ?", "ii", t->id, t->uid);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_DECLINED : SOUK_ERROR;
    }
    souk_stmt_reset(st);
    return souk_db_exec(db, "UPDATE account_addresses SET label = ?, name = "
                        "?, line1 = ?, line2 = ?, city = ?, postcode = ?, "
                        "country = ?, phone = ?, updated_at = ? WHERE id = ? "
                        "AND user_id = ?", "ttttttttiii", t->v[0], t->v[1],
                        t->v[2], t->v[3], t->v[4], t->v[5], t->v[6], t->v[7],
                        accounts_now(), t->id, t->uid);
}

static int
accounts_address_delete(souk_db_t *db, void *arg)
{
    accounts_atx_t  *t = arg;

    if (souk_db_exec(db, "DELETE FROM account_addresses WHERE id = ? AND "
                     "user_id = ?", "ii", t->id, t->uid) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_db_changes(db) == 1 ? SOUK_OK : SOUK_DECLINED;
}

/* ---- handlers shared by the pages and the API ------------------------ */

static int
accounts_addresses_list(souk_request_t *r, void *data)
{
    souk_stmt_t  *st;
    cJSON        *m, *list;
    int           rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    st = souk_db_prepare(souk_db(r), "SELECT " ACCOUNTS_ACOLS " FROM "
                         "account_addresses WHERE user_id = ? ORDER BY id");
    if (st == NULL || souk_stmt_bind_int(st, 1, souk_user_id(r)) != SOUK_OK) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "account_addresses");
    cJSON_AddStringToObject(m, "title", "Your addresses");
    list = cJSON_AddArrayToObject(m, "addresses");
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        cJSON_AddItemToArray(list, accounts_address_json(r, st));
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    if (!souk_request_wants_json(r)) {
        cJSON_AddStringToObject(m, "new_url",
                                accounts_path(r, "/account/addresses/new"));
        cJSON_AddStringToObject(m, "account_url",
                                accounts_path(r, "/account"));
        cJSON_AddStringToObject(m, "csrf_token", souk_csrf_token(r));
    }
    return 200;
}

static int
accounts_address_new(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    accounts_address_form(r, &f, NULL, "/account/addresses");
    return 200;
}

/* POST /account/addresses and /api/v1/account/addresses. */
static int
accounts_address_create(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    accounts_atx_t   t;
    cJSON           *m;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    memset(&t, 0, sizeof(t));
    t.r = r;
    t.uid = souk_user_id(r);
    accounts_address_form(r, &f, NULL, "/account/addresses");
    accounts_address_read(&f, &t);
    if (f.failed) {
        return accounts_form_answer(&f, 422);
    }
    rc = souk_db_tx(souk_db(r), accounts_address_insert, &t);
    if (rc == SOUK_DECLINED) {
        accounts_form_error(&f, souk_psprintf(souk_request_pool(r),
            "An address book holds at most %d addresses.",
            ACCOUNTS_ADDRESS_LIMIT));
        return accounts_form_answer(&f, 409);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (!souk_request_wants_json(r)) {
        return accounts_goto(r, "/account/addresses");
    }
    m = souk_view_new(r, "account_address");
    cJSON_AddItemToObject(m, "address",
                          accounts_address_get(r, t.uid, t.id));
    return 201;
}

static int
accounts_address_show(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    cJSON           *a, *m;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    a = accounts_address_get(r, souk_user_id(r), accounts_address_id(r));
    if (a == NULL) {
        return accounts_address_missing(r);
    }
    if (souk_request_wants_json(r)) {
        m = souk_view_new(r, "account_address");
        cJSON_AddItemToObject(m, "address", a);
        return 200;
    }
    accounts_address_form(r, &f, a, souk_request_path(r));
    cJSON_Delete(a);
    return 200;
}

/* POST /account/addresses/ID and PUT /api/v1/account/addresses/ID. */
static int
accounts_address_save(souk_request_t *r, void *data)
{
    accounts_form_t  f;
    accounts_atx_t   t;
    cJSON           *m;
    int              rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    memset(&t, 0, sizeof(t));
    t.r = r;
    t.uid = souk_user_id(r);
    t.id = accounts_address_id(r);
    accounts_address_form(r, &f, NULL, souk_request_path(r));
    cJSON_ReplaceItemInObject(souk_view(r), "title",
                              cJSON_CreateString("Edit the address"));
    accounts_address_read(&f, &t);
    if (f.failed) {
        /* Someone else's id is "not found" before any field problem. */
        m = accounts_address_get(r, t.uid, t.id);
        if (m == NULL) {
            return accounts_address_missing(r);
        }
        cJSON_Delete(m);
        return accounts_form_answer(&f, 422);
    }
    rc = souk_db_tx(souk_db(r), accounts_address_update, &t);
    if (rc == SOUK_DECLINED) {
        return accounts_address_missing(r);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (!souk_request_wants_json(r)) {
        return accounts_goto(r, "/account/addresses");
    }
    m = souk_view_new(r, "account_address");
    cJSON_AddItemToObject(m, "address",
                          accounts_address_get(r, t.uid, t.id));
    return 200;
}

static int
accounts_address_remove(souk_request_t *r, void *data)
{
    accounts_atx_t  t;
    int             rc;

    (void) data;
    if ((rc = accounts_need_user(r)) != 0) {
        return rc;
    }
    memset(&t, 0, sizeof(t));
    t.r = r;
    t.uid = souk_user_id(r);
    t.id = accounts_address_id(r);
    rc = souk_db_tx(souk_db(r), accounts_address_delete, &t);
    if (rc == SOUK_DECLINED) {
        return accounts_address_missing(r);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return souk_request_wants_json(r) ? 204
                                      : accounts_goto(r, "/account/addresses");
}

#define ACCOUNTS_ID  "{id:[0-9]{1,18}}"

int
accounts_address_init(souk_plugin_ctx_t *ctx)
{
    static const struct {
        unsigned         methods;
        const char      *pattern;
        souk_handler_pt  handler;
        const char      *name;
    } routes[] = {
        { SOUK_GET, "/account/addresses", accounts_addresses_list,
          "accounts.addresses" },
        { SOUK_POST, "/account/addresses", accounts_address_create, NULL },
        { SOUK_GET, "/account/addresses/new", accounts_address_new,
          "accounts.address_new" },
        { SOUK_GET, "/account/addresses/" ACCOUNTS_ID, accounts_address_show,
          "accounts.address" },
        { SOUK_POST, "/account/addresses/" ACCOUNTS_ID,
          accounts_address_save, NULL },
        { SOUK_POST, "/account/addresses/" ACCOUNTS_ID "/delete",
          accounts_address_remove, NULL },
        { SOUK_GET, "/api/v1/account/addresses", accounts_addresses_list,
          NULL },
        { SOUK_POST, "/api/v1/account/addresses", accounts_address_create,
          NULL },
        { SOUK_GET, "/api/v1/account/addresses/" ACCOUNTS_ID,
          accounts_address_show, NULL },
        { SOUK_PUT, "/api/v1/account/addresses/" ACCOUNTS_ID,
          accounts_address_save, NULL },
        { SOUK_DELETE, "/api/v1/account/addresses/" ACCOUNTS_ID,
          accounts_address_remove, NULL },
    };
    size_t  i;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (souk_route_add(ctx, routes[i].methods, routes[i].pattern,
                           routes[i].handler, NULL) != SOUK_OK
            || (routes[i].name != NULL
                && souk_route_name(ctx, routes[i].name) != SOUK_OK))
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}
