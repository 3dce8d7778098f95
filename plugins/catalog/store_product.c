/* The product page (GET /p/{slug} and /api/v1/products/{slug}) and the
 * "watch this product" form (GET and POST /p/{slug}/watch). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store.h"

#define CAT_FEW_LEFT  5          /* "only N left" at or below this */

/* The listed product of this site by slug: its id, 0 when none (another
 * group's, another site's, or not on sale are all simply not found). */
int64_t
cat_store_product_id(souk_request_t *r, const char *slug)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       id;

    if (slug == NULL) {
        return 0;
    }
    st = souk_db_row(db, "SELECT p.id FROM catalog_products p JOIN "
                     "catalog_product_sites s ON s.product_id = p.id AND "
                     "s.site_id = ? WHERE p.group_id = ? AND p.slug = ? AND "
                     "p.status = 'listed'", "ttt", souk_site_id(r),
                     souk_site_group(r), slug);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? 0 : SOUK_ERROR;
    }
    id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return id;
}

static cJSON *
cat_money(int64_t amount, const char *cur)
{
    cJSON  *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "amount", (double) amount);
    cJSON_AddStringToObject(o, "currency", cur);
    return o;
}

static int64_t
cat_jint(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItem(o, key);

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

/* "Size: M / Colour: Red" from the variant's options. */
static const char *
cat_variant_label(souk_request_t *r, const cJSON *v)
{
    souk_buf_t    b;
    const cJSON  *o;

    souk_buf_init(&b, souk_request_pool(r), 64);
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(v, "options")) {
        if (cJSON_IsString(o)) {
            souk_buf_printf(&b, "%s%s: %s", b.len > 0 ? " / " : "",
                            o->string, o->valuestring);
        }
    }
    return b.len > 0 ? b.data : cJSON_GetObjectItem(v, "sku")->valuestring;
}

/* The chosen variant (?sku=, else the first) and the picker's list. */
static const cJSON *
cat_variants_model(souk_request_t *r, const cJSON *doc, cJSON *p)
{
    const char   *want = souk_request_query(r, "sku");
    const cJSON  *v, *chosen = NULL, *first = NULL;
    cJSON        *list, *o;

    cJSON_ArrayForEach(v, cJSON_GetObjectItem(doc, "variants")) {
        first = first != NULL ? first : v;
        if (want != NULL && strcmp(want, cJSON_GetObjectItem(v, "sku")
                                         ->valuestring) == 0)
        {
            chosen = v;
        }
    }
    chosen = chosen != NULL ? chosen : first;
    list = cJSON_AddArrayToObject(p, "variants");
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(doc, "variants")) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "sku", cJSON_GetObjectItem(v, "sku")
                                          ->valuestring);
        cJSON_AddStringToObject(o, "label", cat_variant_label(r, v));
        cJSON_AddBoolToObject(o, "selected", v == chosen);
        cJSON_AddItemToArray(list, o);
    }
    cJSON_AddBoolToObject(p, "has_variants",
                          cJSON_GetArraySize(list) > 1);
    return chosen;
}

static void
cat_availability(const cJSON *doc, const cJSON *v, int priced, cJSON *p)
{
    const cJSON  *s, *at = cJSON_GetObjectItem(doc, "available_at");
    cJSON        *a = cJSON_AddObjectToObject(p, "availability");
    int64_t       avail = 0, th, when;
    char          date[16];
    time_t        t;
    struct tm     tm;

    cJSON_ArrayForEach(s, cJSON_GetObjectItem(v, "stock")) {
        avail += cat_jint(s, "available");
    }
    th = cat_jint(v, "low_stock_threshold");
    th = th > CAT_FEW_LEFT ? th : CAT_FEW_LEFT;
    when = cJSON_IsNumber(at) ? (int64_t) at->valuedouble : 0;
    if (!priced) {
        cJSON_AddStringToObject(a, "state", "out");
    } else if (strcmp(cJSON_GetObjectItem(doc, "kind")->valuestring,
                      "service") == 0)
    {
        cJSON_AddStringToObject(a, "state", "in_stock");
    } else if (when > cat_now() && cat_jint(doc, "preorder_sold")
                                   < cat_jint(doc, "preorder_limit"))
    {
        t = (time_t) when;
        gmtime_r(&t, &tm);
        strftime(date, sizeof(date), "%Y-%m-%d", &tm);
        cJSON_AddStringToObject(a, "state", "preorder");
        cJSON_AddStringToObject(a, "date", date);
    } else if (avail > 0) {
        cJSON_AddStringToObject(a, "state", avail <= th ? "low"
                                                        : "in_stock");
        if (avail <= th) {
            cJSON_AddNumberToObject(a, "count", (double) avail);
        }
    } else {
        cJSON_AddStringToObject(a, "state", "out");
    }
    s = cJSON_GetObjectItem(a, "state");
    cJSON_AddBoolToObject(a, s->valuestring[0] == 'o' ? "out" :
                             s->valuestring[0] == 'p' ? "preorder" :
                             s->valuestring[0] == 'l' ? "low" : "available",
                          1);
    cJSON_AddBoolToObject(p, "in_stock", s->valuestring[0] != 'o');
}

/* sku, price and compare-at of the chosen variant in the site's currency. */
static int
cat_price_model(souk_request_t *r, const cJSON *v, cJSON *p)
{
    const char   *cur = cat_currency(r);
    const cJSON  *pr;
    int64_t       amount, was;

    cJSON_AddStringToObject(p, "sku", cJSON_GetObjectItem(v, "sku")
                                      ->valuestring);
    cJSON_ArrayForEach(pr, cJSON_GetObjectItem(v, "prices")) {
        if (strcmp(cJSON_GetObjectItem(pr, "currency")->valuestring, cur)
            != 0)
        {
            continue;
        }
        amount = cat_jint(pr, "amount");
        was = cat_jint(pr, "compare_at");
        cJSON_AddItemToObject(p, "price", cat_money(amount, cur));
        if (was > amount) {
            cJSON_AddItemToObject(p, "compare_at", cat_money(was, cur));
        }
        return 1;
    }
    cJSON_AddNullToObject(p, "price");
    return 0;
}

static void
cat_lists_model(souk_request_t *r, const cJSON *doc, cJSON *p)
{
    const cJSON  *a, *v;
    cJSON        *list, *o;
    souk_buf_t    b;

    list = cJSON_AddArrayToObject(p, "attributes");
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(doc, "attributes")) {
        souk_buf_init(&b, souk_request_pool(r), 64);
        cJSON_ArrayForEach(v, a) {
            souk_buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
                            cJSON_IsString(v) ? v->valuestring : "");
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", a->string);
        cJSON_AddStringToObject(o, "value", b.data);
        cJSON_AddItemToArray(list, o);
    }
    cJSON_AddItemToObject(p, "tags", cJSON_Duplicate(
                          cJSON_GetObjectItem(doc, "tags"), 1));
    list = cJSON_AddArrayToObject(p, "channels");
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(doc, "channels")) {
        /* Only web links: the page writes them into href. */
        if (cJSON_IsString(a) && (strncmp(a->valuestring, "https://", 8) == 0
                                  || strncmp(a->valuestring, "http://", 7)
                                     == 0))
        {
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "name", a->string);
            cJSON_AddStringToObject(o, "url", a->valuestring);
            cJSON_AddItemToArray(list, o);
        }
    }
    list = cJSON_AddArrayToObject(p, "images");
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(doc, "images")) {
        o = cJSON_CreateObject();
        cat_store_image(r, o, cJSON_GetObjectItem(a, "key")->valuestring,
                        cat_jint(a, "width"),
                        cJSON_GetObjectItem(a, "alt")->valuestring,
                        CAT_IMG_FULL);
        cJSON_AddItemToArray(list, cJSON_DetachItemFromObject(o, "image"));
        cJSON_Delete(o);
    }
}

/* Breadcrumbs down the product's first category (one query, also run
 * when it has none, so every product page costs the same). */
static int
cat_product_crumbs(souk_request_t *r, const cJSON *doc, cJSON *m)
{
    const cJSON  *c = cJSON_GetArrayItem(cJSON_GetObjectItem(doc,
                                         "categories"), 0);
    souk_stmt_t  *st;
    cJSON        *list;
    int           rc;

    list = cJSON_AddArrayToObject(m, "breadcrumbs");
    st = souk_db_prepare(souk_db(r), "SELECT c.slug, c.name FROM "
                         "catalog_categories c JOIN catalog_categories d ON "
                         "d.group_id = c.group_id AND INSTR(d.path, c.path) "
                         "= 1 WHERE d.group_id = ? AND d.slug = ? ORDER BY "
                         "LENGTH(c.path)");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_group(r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, cJSON_IsString(c) ? c->valuestring
                               : "", -1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    rc = cat_store_category_links(r, st, list);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

static void
cat_product_head(souk_request_t *r, const cJSON *doc, cJSON *m, cJSON *p)
{
    const cJSON  *seo = cJSON_GetObjectItem(doc, "seo");
    const char   *name = cJSON_GetObjectItem(doc, "name")->valuestring;
    const char   *slug = cJSON_GetObjectItem(doc, "slug")->valuestring;
    const char   *t = cJSON_GetObjectItem(seo, "title")->valuestring;
    const char   *d = cJSON_GetObjectItem(seo, "description")->valuestring;
    const char   *sum = cJSON_GetObjectItem(doc, "summary")->valuestring;
    cJSON        *s;

    cJSON_AddStringToObject(m, "title", name);
    cJSON_AddStringToObject(p, "slug", slug);
    cJSON_AddStringToObject(p, "name", name);
    cJSON_AddStringToObject(p, "kind",
                            cJSON_GetObjectItem(doc, "kind")->valuestring);
    cJSON_AddStringToObject(p, "summary", sum);
    /* Sanitised by souk_html_sanitize when saved: the one raw field. */
    cJSON_AddStringToObject(p, "description_html",
        cJSON_GetObjectItem(doc, "description")->valuestring);
    cJSON_AddStringToObject(p, "href", cat_store_href(r, "/p/", slug));
    cJSON_AddStringToObject(p, "watch_href", souk_psprintf(
        souk_request_pool(r), "%s/p/%s/watch", souk_site_base_path(r),
        slug));
    s = cJSON_AddObjectToObject(p, "seo");
    cJSON_AddStringToObject(s, "title", t[0] != '\0' ? t : name);
    cJSON_AddStringToObject(s, "description", d[0] != '\0' ? d : sum);
}

/* GET /p/{slug} and GET /api/v1/products/{slug}. */
static int
cat_product_page(souk_request_t *r, void *data)
{
    const cJSON  *v;
    cJSON        *doc, *m, *p;
    int64_t       id;
    int           priced, rc;

    (void) data;
    id = cat_store_product_id(r, souk_request_param(r, "slug"));
    if (id <= 0) {
        return id == 0 ? souk_error(r, 404, "no such product") : SOUK_ERROR;
    }
    if ((doc = cat_product_load(r, id, CAT_LOAD_STOCK)) == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "product");
    p = cJSON_AddObjectToObject(m, "product");
    cat_product_head(r, doc, m, p);
    v = cat_variants_model(r, doc, p);
    priced = v != NULL && cat_price_model(r, v, p);
    if (v != NULL) {
        cat_availability(doc, v, priced, p);
    }
    cat_lists_model(r, doc, p);
    rc = cat_product_crumbs(r, doc, m);
    cJSON_Delete(doc);
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    cat_flash_take(r, m);
    if (souk_session_active(r)) {
        /* A session already exists: the watch form fits inline. Guests
         * without one follow watch_href, so browsing writes no session. */
        cJSON_AddStringToObject(m, "csrf_token", souk_csrf_token(r));
    }
    cJSON_AddBoolToObject(m, "signed_in", souk_user_id(r) != 0);
    return 200;
}

/* The watch form's page: GET, or a POST sent back with its error. */
static int
cat_watch_form(souk_request_t *r, const char *slug, const char *error,
    int status)
{
    cJSON       *m = souk_view_new(r, "product_watch");
    const char  *kind = souk_request_form(r, "kind");

    cJSON_AddStringToObject(m, "title", slug);
    cJSON_AddStringToObject(m, "slug", slug);
    cJSON_AddStringToObject(m, "action", souk_psprintf(souk_request_pool(r),
                            "%s/p/%s/watch", souk_site_base_path(r), slug));
    cJSON_AddStringToObject(m, "back", cat_store_href(r, "/p/", slug));
    cJSON_AddStringToObject(m, "csrf_token", souk_csrf_token(r));
    cJSON_AddBoolToObject(m, "signed_in", souk_user_id(r) != 0);
    cJSON_AddBoolToObject(m, "kind_price", kind != NULL
                                           && strcmp(kind, "price") == 0);
    if (error != NULL) {
        cJSON_AddStringToObject(m, "error", error);
    }
    return status;
}

static int
cat_watch_get(souk_request_t *r, void *data)
{
    const char  *slug = souk_request_param(r, "slug");
    int64_t      id;

    (void) data;
    if ((id = cat_store_product_id(r, slug)) <= 0) {
        return id == 0 ? souk_error(r, 404, "no such product") : SOUK_ERROR;
    }
    return cat_watch_form(r, slug, NULL, 200);
}

/* POST /p/{slug}/watch: kind=stock|price, email for guests. */
static int
cat_watch_post(souk_request_t *r, void *data)
{
    const char  *slug = souk_request_param(r, "slug");
    const char  *kind = cat_store_in(r, "kind"), *email = NULL;
    char         why[CAT_WHY];
    cJSON       *m, *w;
    int64_t      id;
    int          rc;

    (void) data;
    if ((id = cat_store_product_id(r, slug)) <= 0) {
        return id == 0 ? souk_error(r, 404, "no such product") : SOUK_ERROR;
    }
    if (kind == NULL || (strcmp(kind, "stock") != 0
                         && strcmp(kind, "price") != 0))
    {
        rc = cat_decline(why, sizeof(why), "choose what to watch for: "
                         "stock or price");
    } else {
        /* A signed-in shopper watches with the account's own address. */
        email = souk_user_id(r) != 0 ? NULL : cat_store_in(r, "email");
        rc = souk_user_id(r) == 0 && (email == NULL || email[0] == '\0')
             ? cat_decline(why, sizeof(why), "enter your email address")
             : cat_watch_add(r, id, kind, email, why, sizeof(why));
    }
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        return souk_request_wants_json(r) ? souk_error(r, 422, "%s", why)
                                          : cat_watch_form(r, slug, why, 422);
    }
    if (souk_request_wants_json(r)) {
        m = souk_view_new(r, "product_watch");
        w = cJSON_AddObjectToObject(m, "watch");
        cJSON_AddStringToObject(w, "product", slug);
        cJSON_AddStringToObject(w, "kind", kind);
        return 201;
    }
    cat_flash_set(r, strcmp(kind, "stock") == 0
                     ? "We will mail you when it is back in stock."
                     : "We will mail you when the price drops.");
    return souk_redirect(r, 303, cat_store_href(r, "/p/", slug));
}

int
cat_store_product_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/p/{slug:[a-z0-9-]{1,128}}",
                       cat_product_page, NULL) != SOUK_OK
        || souk_route_name(ctx, "catalog.product") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/api/v1/products/{slug:[a-z0-9-]"
                          "{1,128}}", cat_product_page, NULL) != SOUK_OK
        || souk_route_name(ctx, "catalog.api.product") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/p/{slug:[a-z0-9-]{1,128}}/watch",
                          cat_watch_get, NULL) != SOUK_OK
        || souk_route_name(ctx, "catalog.watch_form") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/p/{slug:[a-z0-9-]{1,128}}/watch",
                          cat_watch_post, NULL) != SOUK_OK
        || souk_route_name(ctx, "catalog.watch") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}
