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

/* The guard, the page frame and messages kept across a redirect are the
 * core's (souk/ui.h: souk_ui_guard, souk_ui_page, souk_ui_flash_next). */
/* A path inside the site with its prefix ("/brand/admin/sites"), pool. */
const char *admin_url(souk_request_t *r, const char *path);

/* The site pages (admin_site.c). */
int admin_sites_list(souk_request_t *r, void *data);
int admin_site_show(souk_request_t *r, void *data);
int admin_site_plugins(souk_request_t *r, void *data);
int admin_site_theme(souk_request_t *r, void *data);
int admin_site_settings(souk_request_t *r, void *data);

#endif /* SOUK_ADMIN_H */
