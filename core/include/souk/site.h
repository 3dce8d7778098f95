/* Souk public API: the site a request belongs to and its settings. */
#ifndef SOUK_SITE_H
#define SOUK_SITE_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The id of the site that serves the request ("demo"). */
SOUK_API const char *souk_site_id(const souk_request_t *r);
/* The theme the site wears ("base"). */
SOUK_API const char *souk_site_theme(const souk_request_t *r);
/*
 * The site's path prefix ("" or "/brand"), to put before a path inside the
 * site when building a link or a redirect. Owned by the request.
 */
SOUK_API const char *souk_site_base_path(souk_request_t *r);
/*
 * A setting for the request's site, falling back to the installation's
 * value ("hello.greeting"), or NULL. Valid until the response is sent.
 */
SOUK_API const char *souk_setting(const souk_request_t *r, const char *key);

/*
 * The site's group: sites of one group share customer accounts. A site
 * alone is its own group (the group is then the site id).
 */
SOUK_API const char *souk_site_group(const souk_request_t *r);

/*
 * Managing sites (the admin). Sites live in souk.conf's [site:*] sections
 * and in the database (`souk site add`); the calls below write the
 * database, whose plugin and setting rows override souk.conf's, and every
 * worker serves the change within a second. Each write runs in its own
 * transaction and is checked against the whole table first: they return
 * SOUK_OK, SOUK_DECLINED (no such site, plugin or theme; a requirement
 * left off; a value the theme's schema refuses: why says which, when
 * given), or SOUK_ERROR (the database failed; logged).
 */
/* {"id","theme","group","hosts":[..],"plugins":[{"name","summary",
 * "enabled"}] (every loaded plugin), "settings":{KEY: VALUE} (the site's
 * own, "theme" not among them)}, or NULL. The caller deletes it. */
SOUK_API cJSON *souk_site_info(souk_request_t *r, const char *site);
/* [{"id","theme","group","hosts":[..]}]; the caller deletes it. */
SOUK_API cJSON *souk_site_list(souk_request_t *r);
SOUK_API int souk_site_plugin_set(souk_request_t *r, const char *site,
    const char *plugin, int on);
SOUK_API int souk_site_theme_set(souk_request_t *r, const char *site,
    const char *theme);
/* value NULL removes the site's own value; theme.KEY is checked against
 * the schema of the site's theme. */
SOUK_API int souk_site_setting_set(souk_request_t *r, const char *site,
    const char *key, const char *value, char *why, size_t whylen);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_SITE_H */
