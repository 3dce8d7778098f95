/* Souk public API: view models for the admin theme's pages, tables and
 * forms. */
#ifndef SOUK_UI_H
#define SOUK_UI_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every plugin's back-office pages render through the admin theme
 * (themes/admin) and its partials admin/table, admin/form and admin/field;
 * these build the models those partials read (plugins/admin/README.md
 * lists their keys), so each plugin's pages sort, page and mark errors the
 * same way. Pure cJSON: the results are new values the caller owns.
 */

/* One column of a table: the row key it shows, its heading, whether the
 * heading sorts by it, whether the values are numbers (sorted and aligned
 * as such), and the row key holding a link for the cell (or NULL). */
typedef struct {
    const char  *key;
    const char  *label;
    int          sortable;
    int          numeric;
    const char  *link_key;
} souk_ui_col_t;

typedef struct {
    const char  *caption;
    const char  *empty;        /* text when there are no rows */
    const char  *base_url;     /* the page's path, without a query */
    const char  *sort;         /* ?sort=, or NULL: the first sortable */
    const char  *dir;          /* ?dir= "asc" or "desc", NULL: asc */
    const char  *page;         /* ?page=, 1-based, NULL: 1 */
    const char  *per;          /* ?per=, rows a page, NULL: per_default */
    long         per_default;
} souk_ui_table_opts_t;

/*
 * The "table" model of partials/admin/table from rows (an array of
 * objects; sorted in place by the chosen column, then paged). An unknown
 * sort key falls back to the first sortable column, a page past the end to
 * the last, so a stale link never fails.
 */
SOUK_API cJSON *souk_ui_table(const souk_ui_col_t *cols, size_t ncols,
    cJSON *rows, const souk_ui_table_opts_t *o);

/*
 * A field of partials/admin/field from a theme setting's schema entry
 * ({"type", "label", "description", "max", "values", "default"}): the
 * input kind, the current value (or the schema default when value is
 * NULL), the error text (or NULL). The form name is "theme.KEY".
 */
SOUK_API cJSON *souk_ui_field_from_schema(const char *key,
    const cJSON *schema, const char *value, const char *error);

/* A plain field: kind is "text", "email", "password", "checkbox" ... */
SOUK_API cJSON *souk_ui_field(const char *kind, const char *name,
    const char *label, const char *value, const char *error);

/* The "form" model of partials/admin/form: fields is taken over. */
SOUK_API cJSON *souk_ui_form(const char *id, const char *action,
    const char *submit, const char *csrf_token, cJSON *fields,
    const char *error);

/*
 * The frame of an admin page's model, the keys the admin layout reads:
 * title and heading, breadcrumbs[] (empty) with has_breadcrumbs false,
 * flash[] (empty) and csrf_token, added to m (souk_view_new's model).
 */
SOUK_API void souk_ui_page_init(cJSON *m, const char *heading,
    const char *csrf_token);
/* Appends a crumb {"label","href"} (href false when NULL: the current
 * page) to breadcrumbs[] and sets has_breadcrumbs. */
SOUK_API void souk_ui_crumb(cJSON *page, const char *label,
    const char *href);
/* Appends a message {"kind","message","error"} to flash[]; kind "ok",
 * "error" or "info" ("error" sets error). */
SOUK_API void souk_ui_flash(cJSON *page, const char *kind,
    const char *msg);

/*
 * The request side (core/ui_page.c), for handlers of admin pages:
 *
 * souk_ui_guard wears the admin theme and checks the signed-in user: 0
 * when they hold perm (on site, or on the request's site when site is
 * NULL); otherwise the status to return: 303 to the staff log-in with
 * ?next= for an anonymous browser, 401 for an anonymous API client or
 * form post, 403 for a user without perm.
 *
 *   if ((rc = souk_ui_guard(r, NULL, "catalog.view")) != 0) return rc;
 *
 * souk_ui_page starts the page's model in the admin theme with
 * souk_ui_page_init, and shows (once) the message a form kept with
 * souk_ui_flash_next before redirecting here: one session key for every
 * plugin, so a message survives a redirect to another plugin's page.
 */
SOUK_API int souk_ui_guard(souk_request_t *r, const char *site,
    const char *perm);
SOUK_API cJSON *souk_ui_page(souk_request_t *r, const char *tmpl,
    const char *heading);
SOUK_API void souk_ui_flash_next(souk_request_t *r, const char *kind,
    const char *msg);

/* Appends s to a malloc'ed buffer (NULL: a new one), percent-encoding all
 * but unreserved characters (RFC 3986) when encode is non-zero, for the
 * query strings of sort and paging links. Returns the new buffer. */
SOUK_API char *souk_ui_url_append(char *buf, const char *s, int encode);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_UI_H */
