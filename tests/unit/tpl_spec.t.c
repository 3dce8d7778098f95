/* Runs the template conformance cases in tests/unit/spec/ (each .json
 * file): each case is {name, data, template, partials?, expected}. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/pool.c"
#include "../../core/buf.c"
#include "../../core/tpl_parse.c"
#include "../../core/tpl_modifier.c"
#include "../../core/tpl_cache.c"
#include "../../core/tpl_render.c"
#include "tap.h"

/* Partials live in the cache under "mem:NAME"; the loader only names them. */
static int
spec_load(void *ctx, const char *name, const char *from, char **path)
{
    const cJSON  *partials = ctx;
    size_t        n = strlen(name) + 5;

    (void) from;
    if (!cJSON_HasObjectItem(partials, name)) {
        return SOUK_DECLINED;
    }
    *path = malloc(n);
    snprintf(*path, n, "mem:%s", name);
    return SOUK_OK;
}

static void
spec_case(const char *file, const cJSON *tc, souk_pool_t *pool)
{
    const char      *name = cJSON_GetStringValue(cJSON_GetObjectItem(tc,
                                                                     "name"));
    const char      *src = cJSON_GetStringValue(cJSON_GetObjectItem(tc,
                                                                  "template"));
    const char      *want = cJSON_GetStringValue(cJSON_GetObjectItem(tc,
                                                                   "expected"));
    const cJSON     *partials = cJSON_GetObjectItem(tc, "partials"), *p;
    const cJSON     *data = cJSON_GetObjectItem(tc, "data");
    sk_tpl_cache_t  *c = sk_tpl_cache_create(spec_load, (void *) partials, 0);
    const sk_tpl_t  *t;
    sk_tpl_error_t   err;
    souk_buf_t       out;
    char             path[256];

    cJSON_ArrayForEach(p, partials) {
        snprintf(path, sizeof(path), "mem:%s", p->string);
        if (sk_tpl_cache_add(c, path, p->valuestring,
                             strlen(p->valuestring), &err) == NULL)
        {
            ok(0, "%s: %s: partial %s: %s", file, name, p->string, err.msg);
        }
    }
    t = sk_tpl_cache_add(c, "mem:", src, strlen(src), &err);
    souk_buf_init(&out, pool, 256);
    if (t == NULL) {
        ok(0, "%s: %s: %s", file, name, err.msg);
    } else if (sk_tpl_render(c, t, &data, 1, NULL, &out, &err) != SOUK_OK) {
        ok(0, "%s: %s: render: %s", file, name, err.msg);
    } else {
        is_str(out.data, want, "%s: %s", file, name);
    }
    sk_tpl_cache_destroy(c);
    sk_pool_reset(pool);
}

static char *
slurp(const char *path)
{
    FILE    *f = fopen(path, "rb");
    char    *b;
    long     n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
        return NULL;
    }
    rewind(f);
    b = malloc((size_t) n + 1);
    b[fread(b, 1, (size_t) n, f)] = '\0';
    fclose(f);
    return b;
}

int
main(void)
{
    const char     *top = getenv("top_srcdir");
    char            dir[1024], path[1200];
    struct dirent  *de;
    DIR            *d;
    souk_pool_t    *pool = sk_pool_create(0);
    int             files = 0;

    snprintf(dir, sizeof(dir), "%s/tests/unit/spec", top ? top : ".");
    d = opendir(dir);
    if (!ok(d != NULL, "spec folder %s", dir)) {
        return done_testing();
    }
    while ((de = readdir(d)) != NULL) {
        size_t   n = strlen(de->d_name);
        char    *text;
        cJSON   *root, *tc;

        if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0) {
            continue;
        }
        if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name)
            >= (int) sizeof(path))
        {
            ok(0, "path of %s fits", de->d_name);
            continue;
        }
        text = slurp(path);
        root = text ? cJSON_Parse(text) : NULL;
        if (!ok(root != NULL, "%s parses", de->d_name)) {
            free(text);
            continue;
        }
        files++;
        cJSON_ArrayForEach(tc, cJSON_GetObjectItem(root, "tests")) {
            spec_case(de->d_name, tc, pool);
        }
        cJSON_Delete(root);
        free(text);
    }
    closedir(d);
    ok(files >= 9, "found the spec files (%d)", files);
    sk_pool_destroy(pool);
    return done_testing();
}
