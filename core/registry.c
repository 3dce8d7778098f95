/* What a plugin's init may call: route and hook registration, and the
 * accessors of the plugin context. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "souk_core.h"
#include "plugin_int.h"

#define SK_HOOK_NAME_MAX  128
#define SK_METHODS_ALL    (SOUK_GET | SOUK_HEAD | SOUK_POST | SOUK_PUT        \
                           | SOUK_PATCH | SOUK_DELETE | SOUK_OPTIONS)

/*
 * The init being run. Plugins are loaded one at a time in one thread, so a
 * single slot is enough; it is what makes registration outside init fail.
 */
static struct {
    souk_plugin_ctx_t  *ctx;
    unsigned            nerr;
    char                err[512];
} sk_reg;

void
sk_registry_begin(souk_plugin_ctx_t *ctx)
{
    sk_reg.ctx = ctx;
    sk_reg.nerr = 0;
    sk_reg.err[0] = '\0';
}

unsigned
sk_registry_end(char *err, size_t errlen)
{
    if (errlen > 0) {
        snprintf(err, errlen, "%s", sk_reg.err);
    }
    sk_reg.ctx = NULL;
    return sk_reg.nerr;
}

/* Logs a refused registration and keeps the first one for the loader's
 * refusal line. */
SOUK_PRINTF(2, 3)
static int
sk_reg_fail(const souk_plugin_ctx_t *ctx, const char *fmt, ...)
{
    char         why[512];
    const char  *name;
    va_list      ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    name = ctx != NULL && ctx->plugin != NULL ? ctx->plugin->name : "?";
    sk_log_msg(SOUK_LOG_ERROR, "plugin \"%s\": %s", name, why);
    if (ctx != NULL && ctx == sk_reg.ctx) {
        if (sk_reg.nerr++ == 0) {
            snprintf(sk_reg.err, sizeof(sk_reg.err), "%s", why);
        }
    }
    return SOUK_ERROR;
}

/* Registration is open only to the plugin whose init is running. */
static int
sk_reg_open(const souk_plugin_ctx_t *ctx, const char *fn)
{
    if (ctx == NULL || ctx->plugin == NULL || ctx->rt == NULL) {
        sk_log_msg(SOUK_LOG_ERROR, "%s called without a plugin context", fn);
        return SOUK_ERROR;
    }
    if (ctx != sk_reg.ctx) {
        return sk_reg_fail(ctx, "%s called outside the plugin's init "
                           "(the tables are read-only after start-up)", fn);
    }
    return SOUK_OK;
}

SOUK_API int
souk_route_add(souk_plugin_ctx_t *ctx, unsigned methods, const char *pattern,
    souk_handler_pt handler, void *data)
{
    sk_runtime_t  *rt;
    char           why[256];
    int            dup = -1;

    if (sk_reg_open(ctx, "souk_route_add") != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (pattern == NULL || handler == NULL) {
        return sk_reg_fail(ctx, "souk_route_add needs a pattern and a "
                           "handler");
    }
    if (methods == 0 || (methods & ~SK_METHODS_ALL) != 0) {
        return sk_reg_fail(ctx, "route %s: invalid method set 0x%x", pattern,
                           methods);
    }
    rt = ctx->rt;
    why[0] = '\0';
    if (sk_router_add(rt->router, ctx->plugin->idx, methods, pattern, handler,
                      data, &dup, why, sizeof(why)) == SOUK_OK)
    {
        return SOUK_OK;
    }
    if (dup >= 0 && (size_t) dup < rt->nplugins) {
        return sk_reg_fail(ctx, "%s by plugin \"%s\"", why,
                           rt->plugins[dup]->name);
    }
    return sk_reg_fail(ctx, "%s", why[0] ? why : "cannot add the route");
}

SOUK_API int
souk_route_name(souk_plugin_ctx_t *ctx, const char *name)
{
    const char  *p;
    char         why[256];

    if (sk_reg_open(ctx, "souk_route_name") != SOUK_OK) {
        return SOUK_ERROR;
    }
    for (p = name; p != NULL && *p != '\0'; p++) {
        if (!(isalnum((unsigned char) *p) || *p == '_' || *p == '-'
              || *p == '.'))
        {
            break;
        }
    }
    if (name == NULL || name[0] == '\0' || *p != '\0' || p - name > 128) {
        return sk_reg_fail(ctx, "route name \"%s\": letters, digits, _ - "
                           "and . only", name ? name : "(null)");
    }
    why[0] = '\0';
    if (sk_router_name(ctx->rt->router, ctx->plugin->idx, name, why,
                       sizeof(why)) != SOUK_OK)
    {
        return sk_reg_fail(ctx, "%s", why);
    }
    return SOUK_OK;
}

/* For registrations kept outside this file (permissions, roles). */
int
sk_registry_check(const souk_plugin_ctx_t *ctx, const char *fn)
{
    return sk_reg_open(ctx, fn);
}

/* The failure line for a rejected registration made outside this file. */
int
sk_registry_fail(const souk_plugin_ctx_t *ctx, const char *why)
{
    return sk_reg_fail(ctx, "%s", why);
}

static int
sk_route_options(souk_plugin_ctx_t *ctx, const char *fn, unsigned flags,
    const char *perm)
{
    char  why[256];

    if (sk_reg_open(ctx, fn) != SOUK_OK) {
        return SOUK_ERROR;
    }
    why[0] = '\0';
    if (sk_router_options(ctx->rt->router, ctx->plugin->idx, flags, perm,
                          why, sizeof(why)) != SOUK_OK)
    {
        return sk_reg_fail(ctx, "%s: %s", fn, why);
    }
    return SOUK_OK;
}

SOUK_API int
souk_route_flags(souk_plugin_ctx_t *ctx, unsigned flags)
{
    if (flags & ~SOUK_ROUTE_NO_CSRF) {
        return sk_reg_fail(ctx, "souk_route_flags: unknown flags 0x%x",
                           flags);
    }
    return sk_route_options(ctx, "souk_route_flags", flags, NULL);
}

SOUK_API int
souk_route_permission(souk_plugin_ctx_t *ctx, const char *perm)
{
    if (perm == NULL || perm[0] == '\0' || strlen(perm) > 128) {
        return sk_reg_fail(ctx, "souk_route_permission needs a permission "
                           "name");
    }
    return sk_route_options(ctx, "souk_route_permission", 0, perm);
}

static int
sk_hook_add(souk_plugin_ctx_t *ctx, const char *fn, int kind,
    const char *name, void (*cb)(void), void *data, int prio)
{
    if (sk_reg_open(ctx, fn) != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (name == NULL || name[0] == '\0'
        || strlen(name) > SK_HOOK_NAME_MAX || cb == NULL)
    {
        return sk_reg_fail(ctx, "%s needs a hook name (1 to %d bytes) and a "
                           "callback", fn, SK_HOOK_NAME_MAX);
    }
    if (sk_hooks_add(ctx->rt->hooks, kind, name, ctx->plugin->idx, prio, cb,
                     data) != SOUK_OK)
    {
        return sk_reg_fail(ctx, "%s: cannot add hook \"%s\"", fn, name);
    }
    return SOUK_OK;
}

/* The callbacks are stored untyped; the run function for the kind casts
 * them back to the type they were registered with. */
SOUK_API int
souk_action_add(souk_plugin_ctx_t *ctx, const char *name, souk_action_pt fn,
    void *data, int prio)
{
    return sk_hook_add(ctx, "souk_action_add", SK_HOOK_ACTION, name,
                       (void (*)(void)) fn, data, prio);
}

SOUK_API int
souk_filter_add(souk_plugin_ctx_t *ctx, const char *name, souk_filter_pt fn,
    void *data, int prio)
{
    return sk_hook_add(ctx, "souk_filter_add", SK_HOOK_FILTER, name,
                       (void (*)(void)) fn, data, prio);
}

SOUK_API int
souk_slot_add(souk_plugin_ctx_t *ctx, const char *name, souk_slot_pt fn,
    void *data, int prio)
{
    return sk_hook_add(ctx, "souk_slot_add", SK_HOOK_SLOT, name,
                       (void (*)(void)) fn, data, prio);
}

SOUK_API const char *
souk_plugin_name(const souk_plugin_ctx_t *ctx)
{
    return ctx != NULL && ctx->plugin != NULL ? ctx->plugin->name : NULL;
}

SOUK_API const char *
souk_plugin_dir(const souk_plugin_ctx_t *ctx)
{
    return ctx != NULL && ctx->plugin != NULL ? ctx->plugin->dir : NULL;
}

SOUK_API void
souk_plugin_data_set(souk_plugin_ctx_t *ctx, void *data)
{
    if (ctx != NULL && ctx->plugin != NULL) {
        ctx->plugin->data = data;
    }
}

SOUK_API void *
souk_plugin_data(const souk_plugin_ctx_t *ctx)
{
    return ctx != NULL && ctx->plugin != NULL ? ctx->plugin->data : NULL;
}

/* The last value wins, as when an INI key is given again further down. */
SOUK_API const char *
souk_plugin_setting(const souk_plugin_ctx_t *ctx, const char *key)
{
    const sk_config_t  *cfg;
    const char         *v = NULL;
    size_t              i;

    if (ctx == NULL || ctx->rt == NULL || ctx->rt->cfg == NULL
        || key == NULL)
    {
        return NULL;
    }
    cfg = ctx->rt->cfg;
    for (i = 0; i < cfg->nsettings; i++) {
        if (strcmp(cfg->settings[i].name, key) == 0) {
            v = cfg->settings[i].value;
        }
    }
    return v;
}
