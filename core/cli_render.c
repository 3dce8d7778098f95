/* `souk render TEMPLATE --data FILE.json [--theme NAME] [--partials DIR]`:
 * renders one template to stdout, byte for byte. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "souk_core.h"
#include "cli.h"
#include "template.h"

/* --partials DIR: "product/card" is DIR/product/card.mustache. */
static int
sk_render_dir_load(void *ctx, const char *name, const char *from_file,
    char **path_out)
{
    const char   *dir = ctx, *p;
    struct stat   st;
    size_t        n;

    (void) from_file;
    if (name[0] == '/' || strstr(name, "\\") != NULL) {
        *path_out = strdup("an absolute template name is refused");
        return SOUK_ERROR;
    }
    for (p = name; *p != '\0'; p = strchr(p, '/') ? strchr(p, '/') + 1
                                                  : p + strlen(p))
    {
        if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0')) {
            *path_out = strdup("a \"..\" in a template name is refused");
            return SOUK_ERROR;
        }
    }
    n = strlen(dir) + strlen(name) + sizeof("/.mustache");
    *path_out = malloc(n);
    if (*path_out == NULL) {
        abort();
    }
    snprintf(*path_out, n, "%s/%s.mustache", dir, name);
    if (stat(*path_out, &st) != 0) {
        free(*path_out);
        *path_out = NULL;
        return SOUK_DECLINED;
    }
    return SOUK_OK;
}

static cJSON *
sk_render_data(const char *path)
{
    size_t   len;
    char    *buf = sk_file_read(path, &len);
    cJSON   *root;

    if (buf == NULL) {
        fprintf(stderr, "souk: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    root = cJSON_ParseWithLength(buf, len);
    if (root == NULL) {
        fprintf(stderr, "souk: %s: not valid JSON near byte %zu\n", path,
                (size_t) (cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - buf
                                              : 0));
    }
    free(buf);
    return root;
}

static int
sk_render_args(int argc, char **argv, const char **tpl, const char **data,
    const char **theme, const char **dir)
{
    int  i;

    for (i = 0; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--data") == 0) {
            *data = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--theme") == 0) {
            *theme = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--partials") == 0) {
            *dir = argv[++i];
        } else if (argv[i][0] != '-' && *tpl == NULL) {
            *tpl = argv[i];
        } else {
            return SOUK_ERROR;
        }
    }
    return *tpl && *data ? SOUK_OK : SOUK_ERROR;
}

int
sk_cli_render(sk_cli_t *cli, int argc, char **argv)
{
    const char       *tpl = NULL, *data = NULL, *theme = NULL, *dir = NULL;
    sk_tpl_load_pt    load = NULL;
    void             *load_ctx = NULL;
    sk_tpl_cache_t   *cache;
    const sk_tpl_t   *t;
    sk_tpl_error_t    err;
    souk_pool_t      *pool;
    souk_buf_t        out;
    cJSON            *root;
    const cJSON      *frame;
    int               rc = SK_CLI_FAIL;

    if (sk_render_args(argc, argv, &tpl, &data, &theme, &dir) != SOUK_OK) {
        fprintf(stderr, "usage: souk render TEMPLATE --data FILE.json "
                "[--theme NAME] [--partials DIR]\n");
        return SK_CLI_USAGE;
    }
    if (dir != NULL) {
        load = sk_render_dir_load;
        load_ctx = (void *) dir;
    }
    if (theme != NULL) {
        if (sk_render_theme_loader == NULL) {
            fprintf(stderr, "souk: --theme is not available in this build "
                    "(no theme layer)\n");
            return SK_CLI_FAIL;
        }
        if (sk_render_theme_loader(cli, theme, &load, &load_ctx, cli->err,
                                   sizeof(cli->err)) != SOUK_OK)
        {
            fprintf(stderr, "souk: %s\n", cli->err);
            return SK_CLI_FAIL;
        }
    }
    root = sk_render_data(data);
    if (root == NULL) {
        return SK_CLI_FAIL;
    }
    cache = sk_tpl_cache_create(load, load_ctx, 0);
    pool = sk_pool_create(0);
    if (cache == NULL || pool == NULL) {
        abort();
    }
    t = theme ? sk_tpl_cache_get(cache, tpl, &err)
              : sk_tpl_cache_file(cache, tpl, &err);
    if (t != NULL) {
        souk_buf_init(&out, pool, 4096);
        frame = root;
        if (sk_tpl_render(cache, t, &frame, 1, NULL, &out, &err)
            == SOUK_OK)
        {
            rc = fwrite(out.data, 1, out.len, stdout) == out.len
                 ? SK_CLI_OK : SK_CLI_FAIL;
        } else {
            t = NULL;
        }
    }
    if (t == NULL) {
        fprintf(stderr, "%s\n", err.msg);
    }
    sk_pool_destroy(pool);
    sk_tpl_cache_destroy(cache);
    cJSON_Delete(root);
    return rc;
}
