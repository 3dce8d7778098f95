/* Souk public API: themes, for pages that wear another theme or edit one. */
#ifndef SOUK_THEME_PUB_H
#define SOUK_THEME_PUB_H

#include <cjson/cJSON.h>
#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Renders this answer (its view, or its error page) through the theme id
 * instead of the site's: the admin plugin and every plugin's admin pages
 * call souk_view_theme(r, "admin"). The theme gets its settings' defaults,
 * not the site's values (those were checked against the site's theme). A
 * theme that cannot be loaded answers with the built-in page, as for a
 * site. SOUK_ERROR for a name that is not a theme id (a-z 0-9 - _).
 */
SOUK_API int souk_view_theme(souk_request_t *r, const char *theme);

/*
 * A theme as the admin shows it: {"id", "name", "version", "description",
 * "parent" (id or null), "storefront" (false for back-office themes such
 * as admin), "settings": {KEY: schema entry}} with the parents' settings
 * merged in, parents' keys first, a child's re-declared key replacing its
 * parent's in place. A new cJSON the caller deletes, or NULL when the
 * theme cannot be loaded (logged). Only from request handling.
 */
SOUK_API cJSON *souk_theme_info(souk_request_t *r, const char *theme);

/*
 * The installed themes that load without error, sorted by id: an array of
 * the objects souk_theme_info returns, without "settings". A new cJSON the
 * caller deletes (an empty array when there are none).
 */
SOUK_API cJSON *souk_theme_list(souk_request_t *r);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_THEME_PUB_H */
