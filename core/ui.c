/* View-model builders for the admin theme's layout, table and form partials
 * (souk/ui.h): the page frame with crumbs and flash, sorting, paging and
 * fields from a theme's settings schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <souk/ui.h>

/* Pages offered around the current one in the paging links. */
#define SK_UI_PAGE_SPAN  3
#define SK_UI_PER_MAX    200

SOUK_API char *
souk_ui_url_append(char *buf, const char *s, int encode)
{
    static const char  hex[] = "0123456789ABCDEF";
    size_t             have = buf != NULL ? strlen(buf) : 0;
    size_t             n = strlen(s);
    char              *p;
    unsigned char      c;

    buf = realloc(buf, have + 3 * n + 1);
    if (buf == NULL) {
        abort();
    }
    p = buf + have;
    for (; *s != '\0'; s++) {
        c = (unsigned char) *s;
        if (!encode || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
            || c == '~')
        {
            *p++ = (char) c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return buf;
}

/* ---------- tables ---------- */

static long
sk_ui_long(const char *s, long dflt, long min, long max)
{
    char  *end;
    long   v;

    if (s == NULL || s[0] == '\0') {
        return dflt;
    }
    v = strtol(s, &end, 10);
    if (*end != '\0') {
        return dflt;
    }
    return v < min ? min : v > max ? max : v;
}

/* A cell's text: strings as they are, whole numbers without a fraction,
 * arrays of strings joined, booleans as yes/no, null as nothing. */
static char *
sk_ui_cell_text(const cJSON *v)
{
    char          num[64];
    char         *out = NULL;
    const cJSON  *e;

    if (cJSON_IsString(v)) {
        return souk_ui_url_append(NULL, v->valuestring, 0);
    }
    if (cJSON_IsNumber(v)) {
        snprintf(num, sizeof(num), "%.15g", v->valuedouble);
        return souk_ui_url_append(NULL, num, 0);
    }
    if (cJSON_IsBool(v)) {
        return souk_ui_url_append(NULL, cJSON_IsTrue(v) ? "yes" : "no", 0);
    }
    out = souk_ui_url_append(NULL, "", 0);
    cJSON_ArrayForEach(e, v) {
        if (cJSON_IsString(e)) {
            out = souk_ui_url_append(out, out[0] != '\0' ? ", " : "", 0);
            out = souk_ui_url_append(out, e->valuestring, 0);
        }
    }
    return out;
}

typedef struct {
    cJSON   *row;
    size_t   pos;
} sk_ui_sort_item_t;

static const char  *sk_ui_sort_key;
static int          sk_ui_sort_numeric;
static int          sk_ui_sort_desc;

static double
sk_ui_num(const cJSON *v)
{
    return cJSON_IsNumber(v) ? v->valuedouble
           : cJSON_IsString(v) ? strtod(v->valuestring, NULL) : 0;
}

static int
sk_ui_sort_cmp(const void *a, const void *b)
{
    const sk_ui_sort_item_t  *x = a, *y = b;
    const cJSON  *vx = cJSON_GetObjectItemCaseSensitive(x->row,
                                                        sk_ui_sort_key);
    const cJSON  *vy = cJSON_GetObjectItemCaseSensitive(y->row,
                                                        sk_ui_sort_key);
    char         *tx, *ty;
    double        dx, dy;
    int           c;

    if (sk_ui_sort_numeric) {
        dx = sk_ui_num(vx);
        dy = sk_ui_num(vy);
        c = dx < dy ? -1 : dx > dy;
    } else {
        tx = sk_ui_cell_text(vx);
        ty = sk_ui_cell_text(vy);
        c = strcasecmp(tx, ty);
        if (c == 0) {
            c = strcmp(tx, ty);
        }
        free(tx);
        free(ty);
    }
    if (sk_ui_sort_desc) {
        c = -c;
    }
    /* Equal keys keep their order: a stable sort whichever way. */
    return c != 0 ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
sk_ui_sort_rows(cJSON *rows, const char *key, int numeric, int desc)
{
    sk_ui_sort_item_t  *items;
    size_t              n = (size_t) cJSON_GetArraySize(rows), i;

    if (n < 2) {
        return;
    }
    items = calloc(n, sizeof(*items));
    if (items == NULL) {
        abort();
    }
    for (i = 0; i < n; i++) {
        items[i].row = cJSON_DetachItemFromArray(rows, 0);
        items[i].pos = i;
    }
    sk_ui_sort_key = key;
    sk_ui_sort_numeric = numeric;
    sk_ui_sort_desc = desc;
    qsort(items, n, sizeof(*items), sk_ui_sort_cmp);
    for (i = 0; i < n; i++) {
        cJSON_AddItemToArray(rows, items[i].row);
    }
    free(items);
}

/* base?sort=K&dir=D[&page=N][&per=P] as a new string. */
static char *
sk_ui_table_url(const souk_ui_table_opts_t *o, const char *sort,
    const char *dir, long page, long per)
{
    char  num[32];
    char *u = souk_ui_url_append(NULL, o->base_url, 0);

    u = souk_ui_url_append(u, "?sort=", 0);
    u = souk_ui_url_append(u, sort, 1);
    u = souk_ui_url_append(u, "&dir=", 0);
    u = souk_ui_url_append(u, dir, 0);
    if (page > 1) {
        snprintf(num, sizeof(num), "&page=%ld", page);
        u = souk_ui_url_append(u, num, 0);
    }
    if (per != o->per_default) {
        snprintf(num, sizeof(num), "&per=%ld", per);
        u = souk_ui_url_append(u, num, 0);
    }
    return u;
}

static void
sk_ui_add_url(cJSON *o, const char *name, char *url)
{
    cJSON_AddStringToObject(o, name, url);
    free(url);
}

static cJSON *
sk_ui_table_columns(const souk_ui_col_t *cols, size_t ncols,
    const souk_ui_table_opts_t *o, const char *sort, int desc, long per)
{
    cJSON   *list = cJSON_CreateArray(), *c;
    size_t   i;
    int      cur;

    for (i = 0; i < ncols; i++) {
        c = cJSON_CreateObject();
        cur = cols[i].sortable && strcmp(cols[i].key, sort) == 0;
        cJSON_AddStringToObject(c, "key", cols[i].key);
        cJSON_AddStringToObject(c, "label", cols[i].label);
        cJSON_AddBoolToObject(c, "sortable", cols[i].sortable);
        cJSON_AddBoolToObject(c, "numeric", cols[i].numeric);
        if (cur) {
            cJSON_AddStringToObject(c, "sort", desc ? "descending"
                                                    : "ascending");
        } else {
            cJSON_AddFalseToObject(c, "sort");
        }
        /* The current column's link turns the order round. */
        sk_ui_add_url(c, "href", sk_ui_table_url(o, cols[i].key,
                                                 cur && !desc ? "desc"
                                                              : "asc",
                                                 1, per));
        cJSON_AddItemToArray(list, c);
    }
    return list;
}

static cJSON *
sk_ui_table_row(const souk_ui_col_t *cols, size_t ncols, const cJSON *row)
{
    cJSON        *r = cJSON_CreateObject(), *cells, *c;
    const cJSON  *link;
    size_t        i;

    cells = cJSON_AddArrayToObject(r, "cells");
    for (i = 0; i < ncols; i++) {
        c = cJSON_CreateObject();
        sk_ui_add_url(c, "text", sk_ui_cell_text(
            cJSON_GetObjectItemCaseSensitive(row, cols[i].key)));
        link = cols[i].link_key != NULL
               ? cJSON_GetObjectItemCaseSensitive(row, cols[i].link_key)
               : NULL;
        if (cJSON_IsString(link) && link->valuestring[0] != '\0') {
            cJSON_AddStringToObject(c, "href", link->valuestring);
        } else {
            cJSON_AddFalseToObject(c, "href");
        }
        cJSON_AddBoolToObject(c, "numeric", cols[i].numeric);
        cJSON_AddItemToArray(cells, c);
    }
    return r;
}

static cJSON *
sk_ui_table_paging(const souk_ui_table_opts_t *o, const char *sort, int desc,
    long page, long pages, long per, long total)
{
    cJSON  *p = cJSON_CreateObject(), *links, *l;
    long    i;

    cJSON_AddNumberToObject(p, "total", (double) total);
    cJSON_AddNumberToObject(p, "page", (double) page);
    cJSON_AddNumberToObject(p, "pages", (double) pages);
    if (page > 1) {
        sk_ui_add_url(p, "prev", sk_ui_table_url(o, sort, desc ? "desc"
                                                 : "asc", page - 1, per));
    } else {
        cJSON_AddFalseToObject(p, "prev");
    }
    if (page < pages) {
        sk_ui_add_url(p, "next", sk_ui_table_url(o, sort, desc ? "desc"
                                                 : "asc", page + 1, per));
    } else {
        cJSON_AddFalseToObject(p, "next");
    }
    links = cJSON_AddArrayToObject(p, "links");
    for (i = page - SK_UI_PAGE_SPAN; i <= page + SK_UI_PAGE_SPAN; i++) {
        if (i < 1 || i > pages) {
            continue;
        }
        l = cJSON_CreateObject();
        cJSON_AddNumberToObject(l, "n", (double) i);
        sk_ui_add_url(l, "href", sk_ui_table_url(o, sort, desc ? "desc"
                                                 : "asc", i, per));
        cJSON_AddBoolToObject(l, "current", i == page);
        cJSON_AddItemToArray(links, l);
    }
    return p;
}

SOUK_API cJSON *
souk_ui_table(const souk_ui_col_t *cols, size_t ncols, cJSON *rows,
    const souk_ui_table_opts_t *o)
{
    cJSON        *t = cJSON_CreateObject(), *out;
    const char   *sort = NULL;
    long          per, total, pages, page, i;
    size_t        c;
    int           numeric = 0;
    int           desc = o->dir != NULL && strcmp(o->dir, "desc") == 0;

    for (c = 0; c < ncols; c++) {
        if (cols[c].sortable && (sort == NULL || (o->sort != NULL
                                 && strcmp(o->sort, cols[c].key) == 0)))
        {
            sort = cols[c].key;
            numeric = cols[c].numeric;
        }
    }
    if (sort != NULL) {
        sk_ui_sort_rows(rows, sort, numeric, desc);
    } else {
        sort = "";
    }
    per = sk_ui_long(o->per, o->per_default, 1, SK_UI_PER_MAX);
    total = cJSON_GetArraySize(rows);
    pages = total > 0 ? (total + per - 1) / per : 1;
    page = sk_ui_long(o->page, 1, 1, pages);

    cJSON_AddStringToObject(t, "caption", o->caption);
    cJSON_AddStringToObject(t, "empty", o->empty);
    cJSON_AddNumberToObject(t, "ncolumns", (double) ncols);
    cJSON_AddItemToObject(t, "columns",
                          sk_ui_table_columns(cols, ncols, o, sort, desc,
                                              per));
    out = cJSON_AddArrayToObject(t, "rows");
    for (i = (page - 1) * per; i < total && i < page * per; i++) {
        cJSON_AddItemToArray(out, sk_ui_table_row(cols, ncols,
                                 cJSON_GetArrayItem(rows, (int) i)));
    }
    cJSON_AddBoolToObject(t, "has_rows", total > 0);
    if (pages > 1) {
        cJSON_AddItemToObject(t, "paging",
                              sk_ui_table_paging(o, sort, desc, page, pages,
                                                 per, total));
    } else {
        cJSON_AddFalseToObject(t, "paging");
    }
    return t;
}

/* ---------- forms ---------- */

static const char  *sk_ui_kinds[] = {
    "text", "email", "password", "textarea", "color", "checkbox", "number",
    "select", NULL
};

static int
sk_ui_truthy(const char *v)
{
    return v != NULL && (strcasecmp(v, "yes") == 0
                         || strcasecmp(v, "true") == 0
                         || strcasecmp(v, "on") == 0 || strcmp(v, "1") == 0);
}

SOUK_API cJSON *
souk_ui_field(const char *kind, const char *name, const char *label,
    const char *value, const char *error)
{
    cJSON   *f = cJSON_CreateObject();
    char    *id = souk_ui_url_append(NULL, "f-", 0), *p, *desc;
    size_t   i;

    id = souk_ui_url_append(id, name, 0);
    for (p = id; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
              || (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_'))
        {
            *p = '-';
        }
    }
    cJSON_AddStringToObject(f, "name", name);
    cJSON_AddStringToObject(f, "id", id);
    cJSON_AddStringToObject(f, "label", label);
    cJSON_AddStringToObject(f, "value", value != NULL ? value : "");
    for (i = 0; sk_ui_kinds[i] != NULL; i++) {
        cJSON_AddBoolToObject(f, sk_ui_kinds[i],
                              strcmp(sk_ui_kinds[i], kind) == 0);
    }
    cJSON_AddBoolToObject(f, "checked", sk_ui_truthy(value));
    cJSON_AddFalseToObject(f, "required");
    cJSON_AddFalseToObject(f, "maxlength");
    cJSON_AddFalseToObject(f, "help");
    cJSON_AddArrayToObject(f, "options");
    if (error != NULL) {
        cJSON_AddStringToObject(f, "error", error);
        desc = souk_ui_url_append(souk_ui_url_append(NULL, id, 0), "-error", 0);
        cJSON_AddStringToObject(f, "describedby", desc);
        free(desc);
    } else {
        cJSON_AddFalseToObject(f, "error");
        cJSON_AddFalseToObject(f, "describedby");
    }
    free(id);
    return f;
}

/* Help text joins the error in aria-describedby, help first. */
static void
sk_ui_field_help(cJSON *f, const char *help)
{
    const char  *id = cJSON_GetObjectItemCaseSensitive(f, "id")->valuestring;
    cJSON       *d = cJSON_GetObjectItemCaseSensitive(f, "describedby");
    char        *s = souk_ui_url_append(souk_ui_url_append(NULL, id, 0),
                                      "-help", 0);

    cJSON_ReplaceItemInObjectCaseSensitive(f, "help",
                                           cJSON_CreateString(help));
    if (cJSON_IsString(d)) {
        s = souk_ui_url_append(souk_ui_url_append(s, " ", 0), d->valuestring, 0);
    }
    cJSON_ReplaceItemInObjectCaseSensitive(f, "describedby",
                                           cJSON_CreateString(s));
    free(s);
}

static void
sk_ui_field_options(cJSON *f, const cJSON *values, const char *value)
{
    cJSON        *opts = cJSON_GetObjectItemCaseSensitive(f, "options"), *o;
    const cJSON  *v;

    cJSON_ArrayForEach(v, values) {
        if (!cJSON_IsString(v)) {
            continue;
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", v->valuestring);
        cJSON_AddStringToObject(o, "label", v->valuestring);
        cJSON_AddBoolToObject(o, "selected", value != NULL
                              && strcmp(value, v->valuestring) == 0);
        cJSON_AddItemToArray(opts, o);
    }
}

/* The schema's default as the text a field shows. */
static char *
sk_ui_schema_default(const cJSON *schema)
{
    const cJSON  *d = cJSON_GetObjectItemCaseSensitive(schema, "default");

    if (d == NULL || cJSON_IsNull(d)) {
        return NULL;
    }
    return sk_ui_cell_text(d);
}

SOUK_API cJSON *
souk_ui_field_from_schema(const char *key, const cJSON *schema,
    const char *value, const char *error)
{
    const cJSON  *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
    const cJSON  *label = cJSON_GetObjectItemCaseSensitive(schema, "label");
    const cJSON  *desc = cJSON_GetObjectItemCaseSensitive(schema,
                                                          "description");
    const cJSON  *max = cJSON_GetObjectItemCaseSensitive(schema, "max");
    const char   *t = cJSON_IsString(type) ? type->valuestring : "string";
    const char   *kind = "text";
    char         *dflt = sk_ui_schema_default(schema), *name;
    cJSON        *f;
    double        maxlen = cJSON_IsNumber(max) ? max->valuedouble : 200;

    if (strcmp(t, "color") == 0) {
        kind = "color";
    } else if (strcmp(t, "boolean") == 0) {
        kind = "checkbox";
    } else if (strcmp(t, "integer") == 0 || strcmp(t, "number") == 0) {
        kind = "number";
    } else if (strcmp(t, "enum") == 0) {
        kind = "select";
    } else if (maxlen > 200) {
        kind = "textarea";
    }
    name = souk_ui_url_append(souk_ui_url_append(NULL, "theme.", 0), key, 0);
    f = souk_ui_field(kind, name, cJSON_IsString(label) ? label->valuestring
                                                      : key,
                    value != NULL ? value : dflt, error);
    if (strcmp(kind, "text") == 0 || strcmp(kind, "textarea") == 0) {
        cJSON_ReplaceItemInObjectCaseSensitive(f, "maxlength",
            cJSON_CreateNumber(maxlen));
    }
    if (strcmp(kind, "select") == 0) {
        sk_ui_field_options(f, cJSON_GetObjectItemCaseSensitive(schema,
                                                                "values"),
                            value != NULL ? value : dflt);
    }
    if (cJSON_IsString(desc) && desc->valuestring[0] != '\0') {
        sk_ui_field_help(f, desc->valuestring);
    }
    free(dflt);
    free(name);
    return f;
}

SOUK_API cJSON *
souk_ui_form(const char *id, const char *action, const char *submit,
    const char *csrf_token, cJSON *fields, const char *error)
{
    cJSON  *f = cJSON_CreateObject(), *c;

    cJSON_AddStringToObject(f, "id", id);
    cJSON_AddStringToObject(f, "action", action);
    cJSON_AddStringToObject(f, "submit", submit);
    if (error != NULL) {
        cJSON_AddStringToObject(f, "error", error);
    } else {
        cJSON_AddFalseToObject(f, "error");
    }
    if (csrf_token != NULL) {
        c = cJSON_AddObjectToObject(f, "csrf");
        cJSON_AddStringToObject(c, "name", "csrf_token");
        cJSON_AddStringToObject(c, "token", csrf_token);
    } else {
        cJSON_AddFalseToObject(f, "csrf");
    }
    cJSON_AddItemToObject(f, "fields", fields != NULL ? fields
                                                      : cJSON_CreateArray());
    return f;
}

SOUK_API void
souk_ui_page_init(cJSON *m, const char *heading, const char *csrf_token)
{
    cJSON_AddStringToObject(m, "title", heading);
    cJSON_AddStringToObject(m, "heading", heading);
    cJSON_AddArrayToObject(m, "breadcrumbs");
    cJSON_AddFalseToObject(m, "has_breadcrumbs");
    cJSON_AddArrayToObject(m, "flash");
    cJSON_AddStringToObject(m, "csrf_token", csrf_token);
}

SOUK_API void
souk_ui_crumb(cJSON *page, const char *label, const char *href)
{
    cJSON  *c = cJSON_CreateObject();

    cJSON_AddStringToObject(c, "label", label);
    if (href != NULL) {
        cJSON_AddStringToObject(c, "href", href);
    } else {
        cJSON_AddFalseToObject(c, "href");
    }
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(page,
                                                          "breadcrumbs"), c);
    /* Mustache cannot ask "is the list empty" around a list. */
    if (cJSON_GetObjectItemCaseSensitive(page, "has_breadcrumbs") != NULL) {
        cJSON_ReplaceItemInObjectCaseSensitive(page, "has_breadcrumbs",
                                               cJSON_CreateTrue());
    } else {
        cJSON_AddTrueToObject(page, "has_breadcrumbs");
    }
}

SOUK_API void
souk_ui_flash(cJSON *page, const char *kind, const char *msg)
{
    cJSON  *f = cJSON_CreateObject();

    cJSON_AddStringToObject(f, "kind", kind);
    cJSON_AddStringToObject(f, "message", msg);
    cJSON_AddBoolToObject(f, "error", strcmp(kind, "error") == 0);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(page, "flash"), f);
}
