/* Souk public API: a plugin's commands for the `souk` tool. */
#ifndef SOUK_COMMAND_H
#define SOUK_COMMAND_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * `souk import products FILE.csv --site demo` runs the catalog plugin's
 * "import products" command. The tool loads souk.conf and the plugins as a
 * worker does, opens the database (refusing while migrations are pending),
 * takes the global option `--site ID` (default: the default site, else the
 * first) and calls fn with a request bound to that site: souk_db(r),
 * souk_setting(r), souk_site_id(r), souk_request_pool(r), souk_outbox_mail
 * and the hooks work as in a handler. There is no session; the operator
 * at the shell owns the installation, so souk_user_can(r, ...) is true and
 * souk_user_id(r) is 0. The plugin must be on for the site.
 *
 * argv[0] is the first argument after the noun (or the verb when noun is
 * NULL); `--site` is already removed. fn returns the exit status: 0 done,
 * 1 failed (after printing why on stderr), 2 bad usage.
 */
typedef int (*souk_command_pt)(souk_request_t *r, int argc, char **argv,
    void *data);

/*
 * Registers `souk VERB NOUN ...` (noun NULL: `souk VERB ...`). usage is the
 * argument synopsis ("FILE.csv [--skip-bad]"), summary one line for
 * `souk help`. Only from init. SOUK_ERROR (logged, refusing the plugin) for
 * a verb the tool has built in, or one another plugin took with the same
 * noun.
 */
SOUK_API int souk_command_add(souk_plugin_ctx_t *ctx, const char *verb,
    const char *noun, const char *usage, const char *summary,
    souk_command_pt fn, void *data);

/*
 * For a long command (an import, demo data): frees everything allocated
 * from souk_request_pool(r) so far, and the view model, so memory stays
 * flat however many batches it runs. Nothing taken from the pool before
 * the call may be used after it. SOUK_DECLINED on a request from a client
 * (its pool lives until the answer is sent).
 */
SOUK_API int souk_request_pool_reset(souk_request_t *r);

/* Non-zero when the request is a command's (no HTTP client to answer). */
SOUK_API int souk_request_is_command(const souk_request_t *r);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_COMMAND_H */
