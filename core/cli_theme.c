/* `souk theme check THEME` and the theme loader behind `souk render
 * --theme`: what a designer runs before deploying a theme. */
#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "template.h"
#include "theme.h"

/*
 * Fields of the contract that hold HTML and so may be written raw; every
 * other raw tag ({{{x}}}, {{&x}}) is reported, since it would let text a
 * shopper or merchant typed run as markup. slot.* is always raw.
 */
static const char  *sk_check_raw_ok[] = { "description_html", NULL };

typedef struct {
    sk_themes_t     *themes;
    sk_theme_t      *theme;
    const char      *plugin_data_dir;
    sk_tpl_load_pt   load;
    void            *load_ctx;
    const char      *file;       /* the file being checked */
    unsigned         problems;
    unsigned         files;
} sk_check_t;

static void
sk_check_report(sk_check_t *ck, unsigned line, unsigned col,
    const char *fmt, const char *a, const char *b)
{
    printf("%s:%u:%u: ", ck->file, line, col);
    printf(fmt, a, b);
    printf("\n");
    ck->problems++;
}

/* Opens the themes: THEME is an id under the configured theme_dir (or the
 * installed one), or a path to a theme folder. */
static sk_theme_t *
sk_check_open(sk_cli_t *cli, const char *arg, sk_themes_t **ts,
    const char **pdd, char *err, size_t errlen)
{
    const char  *dir = sk_view_default_dir(0), *id = arg;
    char        *copy1, *copy2, real[4096];
    sk_theme_t  *t;

    *pdd = NULL;
    if ((cli->conf_given || access(cli->conf_path, R_OK) == 0)
        && sk_cli_config(cli) == SK_CLI_OK)
    {
        if (cli->cfg->theme_dir != NULL) {
            dir = cli->cfg->theme_dir;
        }
        *pdd = cli->cfg->plugin_data_dir;
    }
    if (strchr(arg, '/') != NULL) {
        if (realpath(arg, real) == NULL) {
            snprintf(err, errlen, "%s: no such theme folder", arg);
            return NULL;
        }
        copy1 = strdup(real);
        copy2 = strdup(real);
        if (copy1 == NULL || copy2 == NULL) {
            abort();
        }
        *ts = sk_themes_create(dirname(copy1), NULL);
        t = sk_theme_get(*ts, basename(copy2), err, errlen);
        free(copy1);
        free(copy2);
        return t;
    }
    *ts = sk_themes_create(dir, NULL);
    return sk_theme_get(*ts, id, err, errlen);
}

int
sk_render_theme_loader(void *cli, const char *theme, sk_tpl_load_pt *load,
    void **load_ctx, char *err, size_t errlen)
{
    sk_themes_t  *ts;
    sk_theme_t   *t;
    const char   *pdd;

    /* The themes live until the command exits, like the cache using them. */
    t = sk_check_open(cli, theme, &ts, &pdd, err, errlen);
    if (t == NULL || sk_helpers_register() != SOUK_OK) {
        return SOUK_ERROR;
    }
    *load = sk_view_loader(t, pdd, load_ctx);
    return SOUK_OK;
}

static int
sk_check_raw_allowed(const char *name)
{
    size_t       i;
    const char  *last;

    if (strncmp(name, "slot.", 5) == 0) {
        return 1;
    }
    /* also through a dotted path: product.description_html */
    last = strrchr(name, '.');
    last = last != NULL ? last + 1 : name;
    for (i = 0; sk_check_raw_ok[i] != NULL; i++) {
        if (strcmp(last, sk_check_raw_ok[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static int
sk_check_tag(void *arg, const sk_tpl_tag_t *tag)
{
    sk_check_t  *ck = arg;
    char        *path = NULL;
    int          rc;

    if (tag->kind == SK_TPL_TAG_VAR && tag->raw
        && !sk_check_raw_allowed(tag->name))
    {
        sk_check_report(ck, tag->line, tag->col, "raw output of \"%s\", "
                        "which the template contract does not mark raw "
                        "(write {{%s}})", tag->name, tag->name);
    } else if ((tag->kind == SK_TPL_TAG_PARTIAL
                || tag->kind == SK_TPL_TAG_PARENT) && !tag->dynamic)
    {
        rc = ck->load(ck->load_ctx, tag->name, ck->file, &path);
        if (rc != SOUK_OK) {
            sk_check_report(ck, tag->line, tag->col, "%s \"%s\" is not in "
                            "this theme, its parents or the plugin",
                            tag->kind == SK_TPL_TAG_PARENT
                            ? "missing parent (broken inheritance)"
                            : "missing partial", tag->name);
        }
        free(path);
    }
    return 0;
}

/* The same relative path in the parents, or the plugin default for
 * plugins/P/NAME.mustache: what this file overrides, or NULL. */
static char *
sk_check_overridden(sk_check_t *ck, const char *rel)
{
    const char  *rels[2] = { rel, NULL };
    const char  *slash;
    char         buf[1024];
    char        *p = NULL;

    if (ck->theme->parent != NULL) {
        p = sk_theme_find(ck->theme->parent, rels);
    }
    if (p == NULL && strncmp(rel, "plugins/", 8) == 0
        && (slash = strchr(rel + 8, '/')) != NULL)
    {
        snprintf(buf, sizeof(buf), "%s/%.*s/templates/%s",
                 ck->plugin_data_dir, (int) (slash - rel - 8), rel + 8,
                 slash + 1);
        if (access(buf, R_OK) == 0 && (p = strdup(buf)) == NULL) {
            abort();
        }
    }
    return p;
}

static void
sk_check_file(sk_check_t *ck, const char *path, const char *rel)
{
    sk_tpl_error_t   err;
    sk_tpl_t        *t;
    char            *src, *orig;
    size_t           len;
    FILE            *f = fopen(path, "re");
    int              mine, theirs;

    ck->file = path;
    ck->files++;
    src = NULL;
    len = 0;
    if (f == NULL || getdelim(&src, &len, '\0', f) < 0) {
        sk_check_report(ck, 0, 0, "%s%s", "cannot read the file", "");
        if (f != NULL) {
            fclose(f);
        }
        free(src);
        return;
    }
    fclose(f);
    t = sk_tpl_compile(src, strlen(src), path, &err);
    free(src);
    if (t == NULL) {
        printf("%s\n", err.msg);
        ck->problems++;
        return;
    }
    sk_tpl_walk(t, sk_check_tag, ck);
    sk_tpl_free(t);
    orig = sk_check_overridden(ck, rel);
    if (orig != NULL) {
        mine = sk_template_contract(path);
        theirs = sk_template_contract(orig);
        if (theirs > mine) {
            char  v[64];

            snprintf(v, sizeof(v), "%d, its original %d", mine, theirs);
            sk_check_report(ck, 1, 1, "forked an older template contract "
                            "(this file %s): compare with %s and update it",
                            v, orig);
        }
        free(orig);
    }
}

/* Every .mustache file under the theme's own template folders. */
static void
sk_check_walk(sk_check_t *ck, const char *dir, const char *rel)
{
    DIR            *d = opendir(dir);
    struct dirent  *e;
    struct stat     st;
    char            path[4096], sub[1024];
    size_t          n;

    if (d == NULL) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
        n = strlen(e->d_name);
        if (stat(path, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            sk_check_walk(ck, path, sub);
        } else if (n > 9 && strcmp(e->d_name + n - 9, ".mustache") == 0) {
            sk_check_file(ck, path, sub);
        }
    }
    closedir(d);
}

static int
sk_cli_theme_check(sk_cli_t *cli, const char *arg)
{
    static const char  *folders[] = { "layouts", "templates", "partials",
                                      "plugins" };
    sk_check_t          ck;
    char                dir[4096];
    size_t              i;

    memset(&ck, 0, sizeof(ck));
    if (sk_helpers_register() != SOUK_OK) {
        abort();
    }
    ck.theme = sk_check_open(cli, arg, &ck.themes, &ck.plugin_data_dir,
                             cli->err, sizeof(cli->err));
    if (ck.theme == NULL) {
        printf("%s\n", cli->err);
        sk_themes_destroy(ck.themes);
        return SK_CLI_FAIL;
    }
    if (ck.plugin_data_dir == NULL) {
        ck.plugin_data_dir = sk_view_default_dir(1);
    }
    ck.load = sk_view_loader(ck.theme, ck.plugin_data_dir, &ck.load_ctx);
    for (i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
        snprintf(dir, sizeof(dir), "%s/%s", ck.theme->dir, folders[i]);
        sk_check_walk(&ck, dir, folders[i]);
    }
    printf("theme %s %s (contract %d%s%s): %u file%s checked, %u problem%s\n",
           ck.theme->id, ck.theme->version, ck.theme->contract,
           ck.theme->parent ? ", parent " : "",
           ck.theme->parent ? ck.theme->parent->id : "", ck.files,
           ck.files == 1 ? "" : "s", ck.problems,
           ck.problems == 1 ? "" : "s");
    free(ck.load_ctx);
    sk_themes_destroy(ck.themes);
    return ck.problems == 0 ? SK_CLI_OK : SK_CLI_FAIL;
}

int
sk_cli_theme(sk_cli_t *cli, int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: souk theme check THEME (an id, or a path "
                "to the theme's folder)\n");
        return SK_CLI_USAGE;
    }
    return sk_cli_theme_check(cli, argv[0]);
}
