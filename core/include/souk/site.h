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
 * A setting for the request's site, falling back to the installation's
 * value ("hello.greeting"), or NULL. Valid until the response is sent.
 */
SOUK_API const char *souk_setting(const souk_request_t *r, const char *key);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_SITE_H */
