/* The admin plugin's internal header: what its files share. */
#ifndef SOUK_ADMIN_H
#define SOUK_ADMIN_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <souk/ui.h>

/*
 * Non-zero when next is a safe place to go after logging in: a path of
 * this site under /admin, no scheme, no "//", no backslash, no control
 * characters. Anything else (an open redirect) is ignored.
 */
int admin_next_ok(const char *next);



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

/* The view of an admin page: souk_ui_page_init's frame (add crumbs and
 * messages with souk_ui_crumb and souk_ui_flash), flash[] holding the
 * message kept across the last redirect. */
cJSON *admin_page(souk_request_t *r, const char *tmpl, const char *heading);
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
