/* Internal to the plugin loader, its registry and the `souk` tool. */
#ifndef SOUK_PLUGIN_INT_H
#define SOUK_PLUGIN_INT_H

#include "souk_core.h"

/* Longest plugin name; names are [a-z][a-z0-9_]* and form file names. */
#define SK_PLUGIN_NAME_MAX  64

/* Non-zero when s is a valid plugin name. */
int sk_plugin_name_valid(const char *s);

/*
 * Opens path as the plugin called name and checks its descriptor (ABI,
 * magic, size, name == name). Runs no init and touches no table of rt. NULL
 * with one refusal line in err. The result is released by sk_plugin_close
 * unless it was handed to rt by sk_plugins_load_files.
 */
sk_plugin_t *sk_plugin_open(sk_runtime_t *rt, const char *name,
    const char *path, char *err, size_t errlen);
void sk_plugin_close(sk_plugin_t *p);

/* The context that init and fini of p receive; lives as long as p. */
souk_plugin_ctx_t *sk_plugin_ctx(sk_plugin_t *p);

/*
 * Loads n plugins given by name and .so path into rt (after any plugins rt
 * already holds, which count as loaded for requires), ordered by requires
 * with ties kept in the given order, and runs their init. What
 * sk_plugins_load does once it has built the paths from the config.
 */
int sk_plugins_load_files(sk_runtime_t *rt, char *const *names,
    char *const *paths, size_t n, char *err, size_t errlen);

/*
 * The registry (core/registry.c) accepts souk_*_add calls only between
 * begin and end, and only with that ctx. end returns how many registrations
 * failed and copies the first failure's text to err ("" when none).
 */
void sk_registry_begin(souk_plugin_ctx_t *ctx);
unsigned sk_registry_end(char *err, size_t errlen);

#endif /* SOUK_PLUGIN_INT_H */
