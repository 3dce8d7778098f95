/* The plugin loader: opens each .so, checks its descriptor, orders plugins
 * by their requires and runs their init, refusing with one line. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "souk_core.h"
#include "plugin_int.h"

#ifndef SOUK_PLUGIN_DIR
#define SOUK_PLUGIN_DIR  "/usr/local/lib/souk/plugins"
#endif

/*
 * Every field an ABI 1.0 descriptor has. Later minors add fields after
 * summary; a descriptor shorter than this is not a 1.x descriptor at all.
 */
#define SK_DESC_V10_SIZE                                                     \
    (offsetof(souk_plugin_t, summary) + sizeof(const char *))
/* magic, abi_major, abi_minor and struct_size: read before anything else. */
#define SK_DESC_HEAD_SIZE  (offsetof(souk_plugin_t, struct_size)             \
                            + sizeof(uint32_t))
#define SK_REQUIRES_MAX    64

/* The ctx lives with the plugin, so a plugin may keep it from init to fini. */
typedef struct {
    sk_plugin_t        p;       /* first: rt->plugins[] points here */
    souk_plugin_ctx_t  ctx;
} sk_plugin_box_t;

int
sk_plugin_name_valid(const char *s)
{
    size_t  i;

    if (s == NULL || s[0] < 'a' || s[0] > 'z') {
        return 0;
    }
    for (i = 1; s[i] != '\0'; i++) {
        if (i >= SK_PLUGIN_NAME_MAX
            || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
                 || s[i] == '_'))
        {
            return 0;
        }
    }
    return 1;
}

static void
sk_refuse(char *err, size_t errlen, const char *name, const char *path,
    const char *fmt, ...)
{
    char     why[512];
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (path != NULL) {
        snprintf(err, errlen, "plugin \"%s\" (%s): %s", name, path, why);
    } else {
        snprintf(err, errlen, "plugin \"%s\": %s", name, why);
    }
}

/*
 * The symbol's size, when the dynamic symbol table says it: a stray export
 * called souk_plugin_entry that is smaller than a descriptor head must not
 * be read past its end.
 */
static size_t
sk_desc_symbol_size(const void *desc)
{
    Dl_info           info;
    const ElfW(Sym)  *sym = NULL;

    if (dladdr1(desc, &info, (void **) &sym, RTLD_DL_SYMENT) == 0
        || sym == NULL)
    {
        return 0;
    }
    return (size_t) sym->st_size;
}

static int
sk_desc_check_requires(const souk_plugin_t *d, char *why, size_t len)
{
    size_t  i;

    if (d->requires == NULL) {
        return SOUK_OK;
    }
    for (i = 0; d->requires[i] != NULL; i++) {
        if (i == SK_REQUIRES_MAX) {
            snprintf(why, len, "requires lists more than %d plugins (is it "
                     "NULL-terminated?)", SK_REQUIRES_MAX);
            return SOUK_ERROR;
        }
        if (!sk_plugin_name_valid(d->requires[i])) {
            snprintf(why, len, "requires an invalid plugin name \"%.64s\"",
                     d->requires[i]);
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

/* Checks a descriptor against this core and the expected name. */
static int
sk_desc_check(const souk_plugin_t *d, const char *name, char *why,
    size_t len)
{
    size_t  symsize = sk_desc_symbol_size(d);

    if (symsize != 0 && symsize < SK_DESC_HEAD_SIZE) {
        snprintf(why, len, "%s is %zu bytes, not a descriptor",
                 SOUK_PLUGIN_SYMBOL, symsize);
        return SOUK_ERROR;
    }
    if (d->magic != SOUK_PLUGIN_MAGIC) {
        snprintf(why, len, "bad descriptor magic 0x%08x (not a Souk plugin "
                 "descriptor)", (unsigned) d->magic);
        return SOUK_ERROR;
    }
    if (d->abi_major != SOUK_ABI_MAJOR || d->abi_minor > SOUK_ABI_MINOR) {
        snprintf(why, len, "built for ABI %u.%u, soukd has ABI %d.%d",
                 (unsigned) d->abi_major, (unsigned) d->abi_minor,
                 SOUK_ABI_MAJOR, SOUK_ABI_MINOR);
        return SOUK_ERROR;
    }
    if (d->struct_size < SK_DESC_V10_SIZE
        || (symsize != 0 && symsize < d->struct_size))
    {
        snprintf(why, len, "descriptor struct_size %u is smaller than an "
                 "ABI 1.0 descriptor (%zu bytes)", (unsigned) d->struct_size,
                 SK_DESC_V10_SIZE);
        return SOUK_ERROR;
    }
    if (d->name == NULL) {
        snprintf(why, len, "descriptor has no name");
        return SOUK_ERROR;
    }
    if (strcmp(d->name, name) != 0) {
        /* The file name is what the config lists: they must agree, or two
         * files could claim one plugin. */
        snprintf(why, len, "descriptor names \"%.64s\", but the file is "
                 "%s.so", d->name, name);
        return SOUK_ERROR;
    }
    return sk_desc_check_requires(d, why, len);
}

static char *
sk_dirname(const char *path)
{
    const char  *slash = strrchr(path, '/');

    if (slash == NULL) {
        return strdup(".");
    }
    if (slash == path) {
        return strdup("/");
    }
    return strndup(path, (size_t) (slash - path));
}

static sk_plugin_t *
sk_plugin_new(sk_runtime_t *rt, const char *name, const char *path,
    void *dl, const souk_plugin_t *desc)
{
    sk_plugin_box_t  *b;

    b = calloc(1, sizeof(*b));
    if (b == NULL) {
        return NULL;
    }
    b->p.name = strdup(name);
    b->p.path = strdup(path);
    b->p.dir = sk_dirname(path);
    if (b->p.name == NULL || b->p.path == NULL || b->p.dir == NULL) {
        free(b->p.name);
        free(b->p.path);
        free(b->p.dir);
        free(b);
        return NULL;
    }
    b->p.dl = dl;
    b->p.desc = desc;
    b->ctx.rt = rt;
    b->ctx.plugin = &b->p;
    return &b->p;
}

sk_plugin_t *
sk_plugin_open(sk_runtime_t *rt, const char *name, const char *path,
    char *err, size_t errlen)
{
    struct stat          st;
    void                *dl;
    const souk_plugin_t *desc;
    sk_plugin_t         *p;
    char                 why[512];

    if (!sk_plugin_name_valid(name)) {
        /* Checked before the name becomes part of a path. */
        sk_refuse(err, errlen, name, NULL, "invalid name (want "
                  "[a-z][a-z0-9_]*, at most %d bytes)", SK_PLUGIN_NAME_MAX);
        return NULL;
    }
    if (stat(path, &st) != 0) {
        sk_refuse(err, errlen, name, path, "%s", strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        sk_refuse(err, errlen, name, path, "not a regular file");
        return NULL;
    }
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        sk_refuse(err, errlen, name, path, "cannot load: %s", dlerror());
        return NULL;
    }
    desc = dlsym(dl, SOUK_PLUGIN_SYMBOL);
    if (desc == NULL) {
        sk_refuse(err, errlen, name, path, "no %s descriptor (not a Souk "
                  "plugin, or built without SOUK_PLUGIN)", SOUK_PLUGIN_SYMBOL);
        dlclose(dl);
        return NULL;
    }
    if (sk_desc_check(desc, name, why, sizeof(why)) != SOUK_OK) {
        sk_refuse(err, errlen, name, path, "%s", why);
        dlclose(dl);
        return NULL;
    }
    p = sk_plugin_new(rt, name, path, dl, desc);
    if (p == NULL) {
        sk_refuse(err, errlen, name, path, "out of memory");
        dlclose(dl);
    }
    return p;
}

void
sk_plugin_close(sk_plugin_t *p)
{
    if (p == NULL) {
        return;
    }
    if (p->dl != NULL) {
        dlclose(p->dl);
    }
    free(p->name);
    free(p->path);
    free(p->dir);
    free((sk_plugin_box_t *) p);
}

souk_plugin_ctx_t *
sk_plugin_ctx(sk_plugin_t *p)
{
    return &((sk_plugin_box_t *) p)->ctx;
}

int
sk_plugin_index(const sk_runtime_t *rt, const char *name)
{
    size_t  i;

    for (i = 0; i < rt->nplugins; i++) {
        if (strcmp(rt->plugins[i]->name, name) == 0) {
            return (int) rt->plugins[i]->idx;
        }
    }
    return -1;
}

/* Position of name among the n plugins being loaded, or -1. */
static int
sk_find(sk_plugin_t **set, size_t n, const char *name)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (strcmp(set[i]->name, name) == 0) {
            return (int) i;
        }
    }
    return -1;
}

/* Refuses a plugin whose requires are neither in set nor already loaded,
 * naming every missing one. */
static int
sk_check_requires(const sk_runtime_t *rt, sk_plugin_t **set, size_t n,
    char *err, size_t errlen)
{
    const char *const  *req;
    char                miss[512];
    size_t              i, len, nmiss;

    for (i = 0; i < n; i++) {
        req = set[i]->desc->requires;
        miss[0] = '\0';
        len = 0;
        nmiss = 0;
        for (; req != NULL && *req != NULL; req++) {
            if (sk_find(set, n, *req) >= 0 || sk_plugin_index(rt, *req) >= 0) {
                continue;
            }
            if (len < sizeof(miss)) {
                len += (size_t) snprintf(miss + len, sizeof(miss) - len,
                                         "%s\"%s\"", nmiss ? ", " : "", *req);
            }
            nmiss++;
        }
        if (nmiss > 0) {
            sk_refuse(err, errlen, set[i]->name, NULL, "missing requirement%s "
                      "%s (not loaded)", nmiss > 1 ? "s" : "", miss);
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

/* Non-zero when every requirement of set[i] inside set is placed. */
static int
sk_ready(sk_plugin_t **set, size_t n, const unsigned char *placed, size_t i)
{
    const char *const  *req = set[i]->desc->requires;
    int                 j;

    for (; req != NULL && *req != NULL; req++) {
        j = sk_find(set, n, *req);
        if (j >= 0 && !placed[j]) {
            return 0;
        }
    }
    return 1;
}

/*
 * Every unplaced plugin waits on another unplaced one, so walking "first
 * unplaced requirement" from any of them must come back round: name that
 * loop.
 */
static void
sk_refuse_cycle(sk_plugin_t **set, size_t n, const unsigned char *placed,
    char *err, size_t errlen)
{
    size_t              path[SK_PLUGIN_MAX + 1], depth = 0, k, len = 0;
    size_t              cur;
    const char *const  *req;
    char                loop[512];
    int                 j;

    for (cur = 0; placed[cur]; cur++) {
        /* the first plugin that is stuck, in the given order */
    }
    for (;;) {
        for (k = 0; k < depth && path[k] != cur; k++) {
            /* look for cur on the path walked so far */
        }
        if (k < depth || depth > n) {
            break;
        }
        path[depth++] = cur;
        for (req = set[cur]->desc->requires; *req != NULL; req++) {
            j = sk_find(set, n, *req);
            if (j >= 0 && !placed[j]) {
                cur = (size_t) j;
                break;
            }
        }
    }
    loop[0] = '\0';
    for (; k < depth && len < sizeof(loop); k++) {
        len += (size_t) snprintf(loop + len, sizeof(loop) - len, "%s -> ",
                                 set[path[k]]->name);
    }
    if (len < sizeof(loop)) {
        snprintf(loop + len, sizeof(loop) - len, "%s", set[cur]->name);
    }
    sk_refuse(err, errlen, set[cur]->name, NULL, "dependency cycle %s", loop);
}

/*
 * Orders set in place: requirements first; among the plugins that are
 * ready, the earliest in the given (config) order goes next, so the result
 * is stable and is the config order when there are no requires.
 */
static int
sk_order(sk_plugin_t **set, size_t n, char *err, size_t errlen)
{
    sk_plugin_t    *out[SK_PLUGIN_MAX];
    unsigned char   placed[SK_PLUGIN_MAX];
    size_t          done, i;

    memset(placed, 0, sizeof(placed));
    for (done = 0; done < n; done++) {
        for (i = 0; i < n; i++) {
            if (!placed[i] && sk_ready(set, n, placed, i)) {
                break;
            }
        }
        if (i == n) {
            sk_refuse_cycle(set, n, placed, err, errlen);
            return SOUK_ERROR;
        }
        placed[i] = 1;
        out[done] = set[i];
    }
    memcpy(set, out, n * sizeof(set[0]));
    return SOUK_OK;
}

/* Runs one init; on failure unwinds what the plugin registered. */
static int
sk_plugin_init(sk_runtime_t *rt, sk_plugin_t *p, char *err, size_t errlen)
{
    char      why[512];
    unsigned  nerr;
    int       rc = SOUK_OK;

    if (p->desc->init == NULL) {
        p->inited = 1;
        return SOUK_OK;
    }
    sk_registry_begin(sk_plugin_ctx(p));
    rc = p->desc->init(sk_plugin_ctx(p));
    nerr = sk_registry_end(why, sizeof(why));
    if (rc == SOUK_OK && nerr == 0) {
        p->inited = 1;
        return SOUK_OK;
    }
    /* A failed registration refuses the plugin even when init ignored it:
     * a half-registered plugin would serve some routes and not others. */
    sk_router_remove_owner(rt->router, p->idx);
    sk_hooks_remove_owner(rt->hooks, p->idx);
    sk_auth_remove_owner(p->idx);
    if (nerr > 0) {
        sk_refuse(err, errlen, p->name, NULL, "%s", why);
    } else {
        sk_refuse(err, errlen, p->name, NULL, "init failed (returned %d)", rc);
    }
    return SOUK_ERROR;
}

static int
sk_check_names(const sk_runtime_t *rt, char *const *names, size_t n,
    char *err, size_t errlen)
{
    size_t  i, j;

    if (rt->nplugins + n > SK_PLUGIN_MAX) {
        snprintf(err, errlen, "too many plugins (at most %d)", SK_PLUGIN_MAX);
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        for (j = 0; j < i; j++) {
            if (strcmp(names[i], names[j]) == 0) {
                break;
            }
        }
        if (j < i || sk_plugin_index(rt, names[i]) >= 0) {
            sk_refuse(err, errlen, names[i], NULL, "duplicate name (listed "
                      "twice in plugins)");
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

static int
sk_open_all(sk_runtime_t *rt, char *const *names, char *const *paths,
    size_t n, sk_plugin_t **set, char *err, size_t errlen)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        set[i] = sk_plugin_open(rt, names[i], paths[i], err, errlen);
        if (set[i] == NULL) {
            while (i-- > 0) {
                sk_plugin_close(set[i]);
            }
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

int
sk_plugins_load_files(sk_runtime_t *rt, char *const *names,
    char *const *paths, size_t n, char *err, size_t errlen)
{
    sk_plugin_t  *set[SK_PLUGIN_MAX];
    size_t        i;
    int           rc = SOUK_OK;

    if (rt->router == NULL) {
        rt->router = sk_router_create();
    }
    if (rt->hooks == NULL) {
        rt->hooks = sk_hooks_create();
    }
    if (rt->router == NULL || rt->hooks == NULL) {
        snprintf(err, errlen, "out of memory creating the route and hook "
                 "tables");
        return SOUK_ERROR;
    }
    if (sk_check_names(rt, names, n, err, errlen) != SOUK_OK
        || sk_open_all(rt, names, paths, n, set, err, errlen) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (sk_check_requires(rt, set, n, err, errlen) != SOUK_OK
        || sk_order(set, n, err, errlen) != SOUK_OK)
    {
        for (i = 0; i < n; i++) {
            sk_plugin_close(set[i]);
        }
        return SOUK_ERROR;
    }
    /* Handed to rt before any init runs, so sk_plugins_unload releases them
     * all whatever happens below. */
    for (i = 0; i < n; i++) {
        set[i]->idx = (unsigned) rt->nplugins;
        rt->plugins[rt->nplugins] = set[i];
        rt->all_enabled[rt->nplugins] = 1;
        rt->nplugins++;
    }
    for (i = 0; i < n && rc == SOUK_OK; i++) {
        rc = sk_plugin_init(rt, set[i], err, errlen);
    }
    sk_hooks_sort(rt->hooks);
    return rc;
}

int
sk_plugins_load(sk_runtime_t *rt, char *err, size_t errlen)
{
    const sk_config_t  *cfg = rt->cfg;
    const char         *dir;
    char               *paths[SK_PLUGIN_MAX];
    size_t              i, n;
    int                 rc;

    if (cfg == NULL) {
        snprintf(err, errlen, "no configuration to load plugins from");
        return SOUK_ERROR;
    }
    n = cfg->nplugins;
    if (n > SK_PLUGIN_MAX) {
        snprintf(err, errlen, "too many plugins (at most %d)", SK_PLUGIN_MAX);
        return SOUK_ERROR;
    }
    dir = cfg->plugin_dir != NULL ? cfg->plugin_dir : SOUK_PLUGIN_DIR;
    for (i = 0; i < n; i++) {
        paths[i] = NULL;
        if (!sk_plugin_name_valid(cfg->plugins[i])) {
            sk_refuse(err, errlen, cfg->plugins[i], NULL, "invalid name (want "
                      "[a-z][a-z0-9_]*, at most %d bytes)",
                      SK_PLUGIN_NAME_MAX);
            break;
        }
        if (asprintf(&paths[i], "%s/%s.so", dir, cfg->plugins[i]) < 0) {
            paths[i] = NULL;
            snprintf(err, errlen, "out of memory");
            break;
        }
    }
    rc = i == n ? sk_plugins_load_files(rt, cfg->plugins, paths, n, err,
                                        errlen)
                : SOUK_ERROR;
    while (i-- > 0) {
        free(paths[i]);
    }
    return rc;
}

void
sk_plugins_unload(sk_runtime_t *rt)
{
    sk_plugin_t  *p;
    size_t        i;

    for (i = rt->nplugins; i-- > 0;) {
        p = rt->plugins[i];
        if (p->inited && p->desc->fini != NULL) {
            p->desc->fini(sk_plugin_ctx(p));
        }
        p->inited = 0;
    }
    /* Handlers and hook callbacks in rt->router and rt->hooks point into
     * these objects: the caller destroys the tables and never runs them
     * again (unload happens at process exit). */
    for (i = rt->nplugins; i-- > 0;) {
        sk_plugin_close(rt->plugins[i]);
        rt->plugins[i] = NULL;
        rt->all_enabled[i] = 0;
    }
    rt->nplugins = 0;
}
