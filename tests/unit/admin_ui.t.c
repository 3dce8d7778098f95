/* Unit tests of the admin theme's view models (core/ui.c): table sorting
 * and paging, fields from a theme's settings schema; and the admin
 * plugin's log-in ?next= check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "../../core/ui.c"
#include "../../plugins/admin/admin_ui.c"

static const souk_ui_col_t  cols[] = {
    { "id", "Site", 1, 0, "href" },
    { "orders", "Orders", 1, 1, NULL },
    { "hosts", "Addresses", 0, 0, NULL },
};

static cJSON *
rows_of(void)
{
    return cJSON_Parse(
        "[{\"id\":\"demo\",\"orders\":10,\"href\":\"/admin/sites/demo\","
        "\"hosts\":[\"a.test\",\"b.test\"]},"
        "{\"id\":\"Bazaar\",\"orders\":9,\"href\":\"\",\"hosts\":[]},"
        "{\"id\":\"cafe\",\"orders\":100,\"href\":\"/c\",\"hosts\":[]}]");
}

/* The text of row i, column c of a table model. */
static const char *
cell(const cJSON *t, int i, int c)
{
    const cJSON  *row = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(t, "rows"), i);
    const cJSON  *cl = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(row, "cells"), c);

    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cl,
                                                                 "text"));
}

static const char *
str(const cJSON *o, const char *path)
{
    char          key[64];
    const char   *dot;
    const cJSON  *v = o;

    while ((dot = strchr(path, '.')) != NULL) {
        snprintf(key, sizeof(key), "%.*s", (int) (dot - path), path);
        v = cJSON_GetObjectItemCaseSensitive(v, key);
        path = dot + 1;
    }
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, path));
}

static cJSON *
table(const char *sort, const char *dir, const char *page, const char *per)
{
    souk_ui_table_opts_t  o = { "Sites", "none", "/admin/sites", sort, dir,
                              page, per, 20 };
    cJSON              *rows = rows_of(), *t;

    t = souk_ui_table(cols, 3, rows, &o);
    cJSON_Delete(rows);
    return t;
}

static void
test_sorting(void)
{
    cJSON        *t = table(NULL, NULL, NULL, NULL);
    const cJSON  *c0;

    is_str(cell(t, 0, 0), "Bazaar", "default: first sortable column, "
           "case-insensitive");
    is_str(cell(t, 2, 0), "demo", "demo last");
    c0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(t, "columns"),
                            0);
    is_str(str(c0, "sort"), "ascending", "aria-sort of the sorted column");
    is_str(str(c0, "href"), "/admin/sites?sort=id&dir=desc",
           "its link turns the order round");
    is_str(cell(t, 2, 2), "a.test, b.test", "arrays are joined");
    ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
            cJSON_GetObjectItemCaseSensitive(t, "rows"), 0), "cells"), 0),
        "href")), "an empty link is false, not an outer frame's href");
    cJSON_Delete(t);

    t = table("orders", "desc", NULL, NULL);
    is_str(cell(t, 0, 1), "100", "numbers sort as numbers (100 > 10 > 9)");
    is_str(cell(t, 1, 1), "10", "10 second");
    is_str(cell(t, 2, 1), "9", "9 last");
    cJSON_Delete(t);

    t = table("hosts", NULL, NULL, NULL);
    is_str(cell(t, 0, 0), "Bazaar", "an unsortable column is ignored");
    cJSON_Delete(t);
    t = table("nosuch'--", "sideways", NULL, NULL);
    is_str(cell(t, 0, 0), "Bazaar", "junk sort and dir fall back");
    cJSON_Delete(t);
}

static void
test_paging(void)
{
    cJSON        *t = table("id", "asc", "2", "1");
    const cJSON  *p = cJSON_GetObjectItemCaseSensitive(t, "paging");

    is_int(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "rows")),
           1, "one row a page");
    is_str(cell(t, 0, 0), "cafe", "page 2 holds the second row");
    is_str(str(p, "prev"), "/admin/sites?sort=id&dir=asc&per=1",
           "prev link (page 1 has no page=)");
    is_str(str(p, "next"), "/admin/sites?sort=id&dir=asc&page=3&per=1",
           "next link");
    is_int(cJSON_GetObjectItemCaseSensitive(p, "pages")->valueint, 3,
           "three pages");
    cJSON_Delete(t);

    t = table("id", "asc", "99", "1");
    is_str(cell(t, 0, 0), "demo", "a page past the end shows the last");
    ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(t, "paging"), "next")),
       "no next on the last page");
    cJSON_Delete(t);

    t = table(NULL, NULL, "-3", "x");
    ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(t, "paging")),
       "one page: no paging at all");
    is_int(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "rows")),
           3, "bad page and per fall back to the defaults");
    cJSON_Delete(t);
}

static void
test_url_encoding(void)
{
    char  *u = souk_ui_url_append(NULL, "/a?next=", 0);

    u = souk_ui_url_append(u, "/admin/sites?sort=id&x=\"<é>", 1);
    is_str(u, "/a?next=%2Fadmin%2Fsites%3Fsort%3Did%26x%3D%22%3C%C3%A9%3E",
           "everything but unreserved characters is encoded");
    free(u);
}

static cJSON *
schema(const char *json)
{
    return cJSON_Parse(json);
}

static void
test_fields(void)
{
    cJSON  *s, *f;

    s = schema("{\"type\":\"color\",\"label\":\"Accent\","
               "\"description\":\"Links\"}");
    f = souk_ui_field_from_schema("accent", s, "#fff", "not a colour");
    is_str(str(f, "name"), "theme.accent", "form name theme.KEY");
    is_str(str(f, "id"), "f-theme-accent", "id without dots");
    ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "color")),
       "a colour input");
    ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(f, "text")),
       "and no other kind");
    is_str(str(f, "value"), "#fff", "the site's value");
    is_str(str(f, "error"), "not a colour", "the error");
    is_str(str(f, "describedby"), "f-theme-accent-help "
           "f-theme-accent-error", "help and error are both described");
    cJSON_Delete(f);
    cJSON_Delete(s);

    s = schema("{\"type\":\"boolean\",\"default\":true}");
    f = souk_ui_field_from_schema("show_search", s, NULL, NULL);
    ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "checkbox")),
       "a boolean is a checkbox");
    ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "checked")),
       "checked by its default when the site set nothing");
    is_str(str(f, "label"), "show_search", "no label: the key");
    ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(f, "describedby")),
       "no help, no error: nothing described");
    cJSON_Delete(f);
    f = souk_ui_field_from_schema("show_search", s, "no", NULL);
    ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(f, "checked")),
       "the site's \"no\" wins over the default");
    cJSON_Delete(f);
    cJSON_Delete(s);

    s = schema("{\"type\":\"enum\",\"values\":[\"a\",\"b\"],"
               "\"default\":\"b\"}");
    f = souk_ui_field_from_schema("k", s, NULL, NULL);
    ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(f, "options"), 1), "selected")),
       "an enum is a select with its default selected");
    cJSON_Delete(f);
    cJSON_Delete(s);

    s = schema("{\"type\":\"string\",\"max\":400}");
    f = souk_ui_field_from_schema("welcome", s, NULL, NULL);
    ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "textarea")),
       "a long string is a textarea");
    is_int(cJSON_GetObjectItemCaseSensitive(f, "maxlength")->valueint, 400,
           "with the schema's max");
    cJSON_Delete(f);
    cJSON_Delete(s);
}

static void
test_next(void)
{
    ok(admin_next_ok("/admin"), "/admin");
    ok(admin_next_ok("/admin/sites?sort=id"), "a page with a query");
    ok(!admin_next_ok(NULL), "none");
    ok(!admin_next_ok("//evil.example/admin"), "protocol-relative");
    ok(!admin_next_ok("https://evil.example/admin"), "absolute");
    ok(!admin_next_ok("/administrator"), "another path that starts alike");
    ok(!admin_next_ok("/admin//evil.example"), "a // inside");
    ok(!admin_next_ok("/admin/\\evil"), "a backslash");
    ok(!admin_next_ok("/admin/\r\nSet-Cookie: x"), "control characters");
    ok(!admin_next_ok("/hello"), "outside the admin");
}

int
main(void)
{
    test_sorting();
    test_paging();
    test_url_encoding();
    test_fields();
    test_next();
    return done_testing();
}
