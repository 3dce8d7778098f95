/* Souk public API: routes. */
#ifndef SOUK_ROUTE_H
#define SOUK_ROUTE_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns an HTTP status, or SOUK_ERROR (the core answers 500). */
typedef int (*souk_handler_pt)(souk_request_t *r, void *data);

/*
 * Registers a handler for methods (SOUK_GET | SOUK_POST ...) on a path
 * pattern. Only from a plugin's init. Patterns are literal paths with named
 * parameters: "/product/{slug}" matches one path segment; a PCRE2 constraint
 * follows a colon: "/order/{number:[0-9]{6,}}". A GET route also answers HEAD.
 *
 * Returns SOUK_ERROR, with a line in the log naming the plugin, for a bad
 * pattern or constraint, or when another plugin already claimed the same
 * method and pattern (which refuses the plugin).
 */
SOUK_API int souk_route_add(souk_plugin_ctx_t *ctx, unsigned methods,
    const char *pattern, souk_handler_pt handler, void *data);

/*
 * Names the route this plugin added last, so templates can link to it:
 * `{{url.hello.greet}}`, or `{{name:url=hello.name}}` for a route with
 * parameters. Call right after souk_route_add, only from init. Names are
 * "PLUGIN.WHAT" by convention and unique across plugins; SOUK_ERROR (logged,
 * refusing the plugin) for a taken name or when no unnamed route precedes.
 */
SOUK_API int souk_route_name(souk_plugin_ctx_t *ctx, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_ROUTE_H */
