/* The admin plugin's internal header: what its files share. */
#ifndef SOUK_ADMIN_H
#define SOUK_ADMIN_H

#include <stddef.h>

#include <cjson/cJSON.h>

/*
 * The pure part (admin_ui.c): view models for the admin theme's table and
 * form partials, built from cJSON alone so the unit test can include the
 * file without the core.
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
} admin_col_t;

typedef struct {
    const char  *caption;
    const char  *empty;        /* text when there are no rows */
    const char  *base_url;     /* the page's path, without a query */
    const char  *sort;         /* ?sort=, or NULL: the first sortable */
    const char  *dir;          /* ?dir= "asc" or "desc", NULL: asc */
    const char  *page;         /* ?page=, 1-based, NULL: 1 */
    const char  *per;          /* ?per=, rows a page, NULL: per_default */
    long         per_default;
} admin_table_opts_t;

/*
 * The "table" model of partials/admin/table from rows (an array of
 * objects; sorted in place by the chosen column, then paged). An unknown
 * sort key falls back to the first sortable column, a page past the end to
 * the last, so a stale link never fails. A new cJSON the caller owns.
 */
cJSON *admin_table(const admin_col_t *cols, size_t ncols, cJSON *rows,
    const admin_table_opts_t *o);

/*
 * A field of partials/admin/field from a theme setting's schema entry
 * ({"type", "label", "description", "max", "values", "default"}): the
 * input kind, the current value (or the schema default when value is
 * NULL), the error text (or NULL). The form name is "theme.KEY".
 */
cJSON *admin_field_from_schema(const char *key, const cJSON *schema,
    const char *value, const char *error);

/* A plain field: kind is "text", "email", "password", "checkbox" ... */
cJSON *admin_field(const char *kind, const char *name, const char *label,
    const char *value, const char *error);

/* The "form" model of partials/admin/form: fields is taken over. */
cJSON *admin_form(const char *id, const char *action, const char *submit,
    const char *csrf_token, cJSON *fields, const char *error);

/*
 * Non-zero when next is a safe place to go after logging in: a path of
 * this site under /admin, no scheme, no "//", no backslash, no control
 * characters. Anything else (an open redirect) is ignored.
 */
int admin_next_ok(const char *next);

/* Appends s to a malloc'ed buffer, percent-encoding all but unreserved
 * characters (RFC 3986). Returns the new buffer. */
char *admin_url_append(char *buf, const char *s, int encode);



/* ---------- shared by admin.c and admin_site.c (need the core) ---------- */

#include <souk.h>

/* Rows a table page shows unless ?per= says otherwise. */
#define ADMIN_PER_PAGE  20

/*
 * Wears the admin theme and checks the signed-in user: 0 when they hold
 * perm (on site, or on the request's site when site is NULL); otherwise
 * the status to return: a 303 to the staff log-in for an anonymous
 * browser, 401 for an anonymous API client, 403 for a user without perm.
 */
int admin_guard(souk_request_t *r, const char *site, const char *perm);

/* The view of an admin page: title, heading, breadcrumbs[] (Admin
 * first), flash[] (with the message kept across the last redirect),
 * csrf_token. */
cJSON *admin_page(souk_request_t *r, const char *tmpl, const char *heading);
void admin_crumb(cJSON *page, const char *label, const char *href);
/* Adds a message to this page's flash[]; kind "ok", "error" or "info". */
void admin_flash(cJSON *page, const char *kind, const char *msg);
/* Keeps a message for the page the next redirect leads to. */
void admin_flash_next(souk_request_t *r, const char *kind, const char *msg);
/* A path inside the site with its prefix ("/brand/admin/sites"), pool. */
const char *admin_url(souk_request_t *r, const char *path);

/* The site pages (admin_site.c). */
int admin_sites_list(souk_request_t *r, void *data);
int admin_site_show(souk_request_t *r, void *data);
int admin_site_plugins(souk_request_t *r, void *data);
int admin_site_theme(souk_request_t *r, void *data);
int admin_site_settings(souk_request_t *r, void *data);

#endif /* SOUK_ADMIN_H */
