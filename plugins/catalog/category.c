/* Categories: a tree per site group, kept as materialised paths so a
 * subtree is one prefix match; saving one moves its subtree along. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"

typedef struct {
    souk_request_t  *r;
    const cJSON     *doc;
    int64_t          id;
    int64_t          orig_id;
    char            *why;
    size_t           whylen;
} cat_ctx_t;

typedef struct {
    int64_t      id;
    const char  *path;
} cat_node_t;

static const char *
cat_member(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static int
cat_category_check(cat_ctx_t *t)
{
    const cJSON  *d = t->doc, *e, *seo;
    const char   *s;
    int64_t       n;

    if (!cJSON_IsObject(d)) {
        return cat_decline(t->why, t->whylen, "a category is a JSON object");
    }
    s = cat_member(d, "slug");
    if ((t->id == 0 || cJSON_GetObjectItem(d, "slug") != NULL)
        && !cat_slug_ok(s))
    {
        return cat_decline(t->why, t->whylen, "a slug is lower-case letters "
                           "and digits joined by single hyphens");
    }
    s = cat_member(d, "name");
    if ((t->id == 0 || cJSON_GetObjectItem(d, "name") != NULL)
        && (s == NULL || s[0] == '\0' || strlen(s) > 200))
    {
        return cat_decline(t->why, t->whylen, "name is 1 to 200 characters");
    }
    e = cJSON_GetObjectItemCaseSensitive(d, "parent");
    if (e != NULL && !cJSON_IsNull(e) && !cJSON_IsString(e)) {
        return cat_decline(t->why, t->whylen, "parent is a category slug or "
                           "null");
    }
    e = cJSON_GetObjectItemCaseSensitive(d, "position");
    if (e != NULL && souk_json_int(e, -1000000, 1000000, &n) != SOUK_OK) {
        return cat_decline(t->why, t->whylen, "position is a whole number");
    }
    e = cJSON_GetObjectItemCaseSensitive(d, "description");
    if (e != NULL && (!cJSON_IsString(e) || strlen(e->valuestring) > 20000)) {
        return cat_decline(t->why, t->whylen, "description is text of at "
                           "most 20000 characters");
    }
    seo = cJSON_GetObjectItemCaseSensitive(d, "seo");
    if (seo != NULL
        && (!cJSON_IsObject(seo)
            || strlen(cat_member(seo, "title") ?: "") > 200
            || strlen(cat_member(seo, "description") ?: "") > 400))
    {
        return cat_decline(t->why, t->whylen, "seo holds a title (200) and a"
                           " description (400)");
    }
    return SOUK_OK;
}

/* The path a category under parent_path gets ("/" for a root's parent). */
static int
cat_category_parent(cat_ctx_t *t, int64_t *parent, const char **ppath)
{
    souk_db_t    *db = souk_db(t->r);
    const cJSON  *e = cJSON_GetObjectItemCaseSensitive(t->doc, "parent");
    souk_stmt_t  *st;

    if (!cJSON_IsString(e) || e->valuestring[0] == '\0') {
        *parent = 0;
        *ppath = "/";
        return SOUK_OK;
    }
    st = souk_db_row(db, "SELECT id, path FROM catalog_categories WHERE "
                     "group_id = ? AND slug = ?", "tt", souk_site_group(t->r),
                     e->valuestring);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0'
               ? cat_decline(t->why, t->whylen, "no category \"%s\"",
                             e->valuestring)
               : SOUK_ERROR;
    }
    *parent = souk_stmt_int(st, 0);
    *ppath = souk_pstrdup(souk_request_pool(t->r), souk_stmt_text(st, 1));
    souk_stmt_reset(st);
    return SOUK_OK;
}

/* The node at n in a pool array of cap, doubled first when it is full. */
static cat_node_t *
cat_node_next(souk_pool_t *pool, cat_node_t **nodes, size_t *cap, size_t n)
{
    cat_node_t  *more;

    if (n == *cap) {
        more = souk_palloc(pool, 2 * *cap * sizeof(**nodes));
        memcpy(more, *nodes, n * sizeof(**nodes));
        *nodes = more;
        *cap *= 2;
    }
    return &(*nodes)[n];
}

/* Rewrites the paths under old_path to start with new_path, then the
 * listing rows of every product filed anywhere in the subtree. */
static int
cat_category_move(cat_ctx_t *t, const char *old_path, const char *new_path)
{
    souk_pool_t  *pool = souk_request_pool(t->r);
    souk_db_t    *db = souk_db(t->r);
    souk_stmt_t  *st;
    cat_node_t   *nodes, *o;
    size_t        n = 0, cap = 64, i, ol = strlen(old_path);
    int           rc;

    nodes = souk_palloc(pool, cap * sizeof(*nodes));
    st = souk_db_prepare(db, "SELECT id, path FROM catalog_categories WHERE "
                         "group_id = ? AND path LIKE ?");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_group(t->r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, souk_psprintf(pool, "%s%%", old_path),
                               -1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        o = cat_node_next(pool, &nodes, &cap, n++);
        o->id = souk_stmt_int(st, 0);
        o->path = souk_psprintf(pool, "%s%s", new_path,
                                souk_stmt_text(st, 1) + ol);
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        if (strlen(nodes[i].path) > 255) {
            return cat_decline(t->why, t->whylen, "the tree would be too "
                               "deep there");
        }
        if (souk_db_exec(db, "UPDATE catalog_categories SET path = ? WHERE "
                         "id = ?", "ti", nodes[i].path, nodes[i].id)
            != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    /* Products filed in the subtree: their ancestor rows changed. */
    st = souk_db_prepare(db, "SELECT DISTINCT pc.product_id FROM "
                         "catalog_product_categories pc JOIN "
                         "catalog_categories c ON c.id = pc.category_id "
                         "WHERE c.group_id = ? AND c.path LIKE ?");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_group(t->r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, souk_psprintf(pool, "%s%%", new_path),
                               -1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    n = 0;
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        cat_node_next(pool, &nodes, &cap, n++)->id = souk_stmt_int(st, 0);
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        if (cat_listing_refresh(t->r, nodes[i].id) != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

static int
cat_category_tx(souk_db_t *db, void *arg)
{
    cat_ctx_t    *t = arg;
    souk_pool_t  *pool = souk_request_pool(t->r);
    const char   *group = souk_site_group(t->r), *slug, *name, *desc;
    const char   *seo_t, *seo_d, *old_path = NULL, *ppath, *path;
    const cJSON  *seo = cJSON_GetObjectItemCaseSensitive(t->doc, "seo");
    souk_stmt_t  *st;
    int64_t       parent = 0, pos = 0;
    int           rc;

    t->id = t->orig_id;
    slug = name = desc = seo_t = seo_d = "";
    if (t->id > 0) {
        st = souk_db_row(db, "SELECT slug, name, description, seo_title, "
                         "seo_description, path, parent_id, position FROM "
                         "catalog_categories WHERE id = ? AND group_id = ?",
                         "it", t->id, group);
        if (st == NULL) {
            return souk_db_error(db)[0] == '\0'
                   ? cat_decline(t->why, t->whylen, "no such category")
                   : SOUK_ERROR;
        }
        slug = souk_pstrdup(pool, souk_stmt_text(st, 0));
        name = souk_pstrdup(pool, souk_stmt_text(st, 1));
        desc = souk_pstrdup(pool, souk_stmt_text(st, 2));
        seo_t = souk_pstrdup(pool, souk_stmt_text(st, 3));
        seo_d = souk_pstrdup(pool, souk_stmt_text(st, 4));
        old_path = souk_pstrdup(pool, souk_stmt_text(st, 5));
        parent = souk_stmt_int(st, 6);
        pos = souk_stmt_int(st, 7);
        souk_stmt_reset(st);
    }
    slug = cat_member(t->doc, "slug") ?: slug;
    name = cat_member(t->doc, "name") ?: name;
    desc = cat_member(t->doc, "description") ?: desc;
    seo_t = cat_member(seo, "title") ?: seo_t;
    seo_d = cat_member(seo, "description") ?: seo_d;
    souk_json_int(cJSON_GetObjectItemCaseSensitive(t->doc, "position"),
                 -1000000, 1000000, &pos);
    st = souk_db_row(db, "SELECT id FROM catalog_categories WHERE group_id = "
                     "? AND slug = ? AND id <> ?", "tti", group, slug, t->id);
    if (st != NULL) {
        souk_stmt_reset(st);
        return cat_decline(t->why, t->whylen, "the slug %s is taken", slug);
    }
    if (souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    ppath = NULL;
    if (t->id == 0 || cJSON_GetObjectItem(t->doc, "parent") != NULL) {
        if ((rc = cat_category_parent(t, &parent, &ppath)) != SOUK_OK) {
            return rc;
        }
        if (old_path != NULL && strncmp(ppath, old_path, strlen(old_path))
                                == 0)
        {
            return cat_decline(t->why, t->whylen, "a category cannot move "
                               "under itself or its own subcategories");
        }
    }
    if (t->id == 0) {
        if (souk_db_exec(db, "INSERT INTO catalog_categories (group_id, "
                         "slug, name, path) VALUES (?, ?, ?, '/')", "ttt",
                         group, slug, name) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        t->id = souk_db_last_id(db);
    }
    path = ppath != NULL ? souk_psprintf(pool, "%s%lld/", ppath,
                                         (long long) t->id)
                         : old_path;
    if (strlen(path) > 255) {
        return cat_decline(t->why, t->whylen, "the tree would be too deep "
                           "there");
    }
    st = souk_db_prepare(db, "UPDATE catalog_categories SET slug = ?, name = "
                         "?, description = ?, seo_title = ?, seo_description "
                         "= ?, position = ?, parent_id = ? WHERE id = ?");
    if (st == NULL || souk_stmt_bind_text(st, 1, slug, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, name, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 3, desc, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 4, seo_t, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 5, seo_d, -1) != SOUK_OK
        || souk_stmt_bind_int(st, 6, pos) != SOUK_OK
        || (parent > 0 ? souk_stmt_bind_int(st, 7, parent)
                       : souk_stmt_bind_null(st, 7)) != SOUK_OK
        || souk_stmt_bind_int(st, 8, t->id) != SOUK_OK
        || souk_stmt_step(st) != SOUK_DONE)
    {
        return SOUK_ERROR;
    }
    if (old_path == NULL) {
        return souk_db_exec(db, "UPDATE catalog_categories SET path = ? "
                            "WHERE id = ?", "ti", path, t->id);
    }
    return strcmp(old_path, path) != 0 ? cat_category_move(t, old_path, path)
                                       : SOUK_OK;
}

int
cat_category_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen)
{
    cat_ctx_t  t = { r, doc, id > 0 ? id : 0, id > 0 ? id : 0, why, whylen };
    int        rc;

    if (why != NULL && whylen > 0) {
        why[0] = '\0';
    }
    if ((rc = cat_category_check(&t)) != SOUK_OK) {
        return rc;
    }
    rc = souk_db_tx(souk_db(r), cat_category_tx, &t);
    if (rc == SOUK_OK && out_id != NULL) {
        *out_id = t.id;
    }
    return rc;
}

int64_t
cat_category_id(souk_request_t *r, const char *slug)
{
    return cat_group_id(r, "SELECT id FROM catalog_categories WHERE "
                        "group_id = ? AND slug = ?", slug);
}

/* Finds the node with that id anywhere under list (depth first). */
static cJSON *
cat_tree_find(cJSON *list, int64_t id)
{
    cJSON  *o, *f;

    cJSON_ArrayForEach(o, list) {
        if ((int64_t) cJSON_GetObjectItem(o, "id")->valuedouble == id) {
            return o;
        }
        if ((f = cat_tree_find(cJSON_GetObjectItem(o, "children"), id))
            != NULL)
        {
            return f;
        }
    }
    return NULL;
}

cJSON *
cat_category_tree(souk_request_t *r)
{
    souk_stmt_t  *st;
    cJSON        *roots, *o, *p;
    const char   *s;
    int           rc, depth;

    /* By path first, so every parent is in the tree before its children;
     * siblings keep position order because children are added in it. */
    st = souk_db_prepare(souk_db(r), "SELECT id, slug, name, path, "
                         "position, parent_id FROM catalog_categories WHERE "
                         "group_id = ? ORDER BY LENGTH(path) - LENGTH("
                         "REPLACE(path, '/', '')), position, name, id");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_group(r), -1) != SOUK_OK)
    {
        return NULL;
    }
    roots = cJSON_CreateArray();
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(o, "slug", souk_stmt_text(st, 1) ?: "");
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 2) ?: "");
        cJSON_AddStringToObject(o, "path", souk_stmt_text(st, 3) ?: "/");
        for (depth = 0, s = souk_stmt_text(st, 3); s && *s; s++) {
            depth += *s == '/';
        }
        cJSON_AddNumberToObject(o, "depth", depth > 2 ? depth - 2 : 0);
        cJSON_AddNumberToObject(o, "position", (double) souk_stmt_int(st, 4));
        cJSON_AddArrayToObject(o, "children");
        p = souk_stmt_is_null(st, 5) ? NULL
            : cat_tree_find(roots, souk_stmt_int(st, 5));
        cJSON_AddItemToArray(p != NULL ? cJSON_GetObjectItem(p, "children")
                                       : roots, o);
    }
    if (rc != SOUK_DONE) {
        cJSON_Delete(roots);
        return NULL;
    }
    return roots;
}
