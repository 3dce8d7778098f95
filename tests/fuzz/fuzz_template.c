/* libFuzzer target: the template compiler and renderer. The input is a
 * template, then optionally "\x01" and partial "a", "\x01" and partial "b". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "souk_core.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)  do { if (!(c)) { abort(); } } while (0)

static souk_pool_t  *pool;
static cJSON        *model, *globals;

static const char  fz_model[] =
    "{\"title\":\"<Shop & \\\"Co\\\">\",\"n\":3,\"d\":1.5,\"t\":true,"
    "\"f\":false,\"z\":null,\"e\":\"\",\"which\":\"a\",\"other\":\"b\","
    "\"items\":[{\"name\":\"Cup\",\"price\":250,\"tags\":[\"x\",\"y\"]},"
    "{\"name\":\"Mug\\n\\u2028\",\"price\":0,\"tags\":[]},1,\"s\",null],"
    "\"a\":{\"b\":{\"c\":\"deep\",\"l\":[[1,2],[3]]}}}";

static int
fz_load(void *ctx, const char *name, const char *from, char **path)
{
    (void) ctx;
    (void) from;
    if (strcmp(name, "a") != 0 && strcmp(name, "b") != 0) {
        return SOUK_DECLINED;
    }
    *path = strdup(name[0] == 'a' ? "mem:a" : "mem:b");
    return *path ? SOUK_OK : SOUK_ERROR;
}

static const cJSON *
fz_missing(void *ctx, const char *name)
{
    (void) ctx;
    FZ_CHECK(name != NULL && name[0] != '\0');
    return strncmp(name, "slot.", 5) == 0 ? globals : NULL;
}

static int
fz_walk(void *arg, const sk_tpl_tag_t *tag)
{
    size_t  i;

    (void) arg;
    FZ_CHECK(tag->name != NULL && tag->line > 0 && tag->col > 0);
    for (i = 0; i < tag->nmods; i++) {
        FZ_CHECK(tag->mods[i] != NULL);
    }
    return 0;
}

static int
fz_mod(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    souk_buf_append(out, a->text, a->len);
    if (a->arg != NULL) {
        souk_buf_puts(out, a->arg);
    }
    return SOUK_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char      *s = (const char *) data, *p1, *p2 = NULL;
    size_t           n0 = size, n1 = 0, n2 = 0;
    sk_tpl_cache_t  *c;
    const sk_tpl_t  *t;
    sk_tpl_error_t   err;
    sk_tpl_env_t     env = { fz_missing, NULL, 1 << 16 };
    const cJSON     *frames[2];
    souk_buf_t       out;

    if (pool == NULL) {
        pool = sk_pool_create(0);
        model = cJSON_Parse(fz_model);
        globals = cJSON_Parse("{\"shop\":{\"name\":\"S\"},\"title\":\"g\"}");
        sk_tpl_modifier_add("x", fz_mod, 0);
        FZ_CHECK(model != NULL && globals != NULL);
    }
    frames[0] = globals;
    frames[1] = model;
    p1 = memchr(s, 1, size);
    if (p1 != NULL) {
        n0 = (size_t) (p1 - s);
        p1++;
        n1 = size - n0 - 1;
        p2 = memchr(p1, 1, n1);
        if (p2 != NULL) {
            n1 = (size_t) (p2 - p1);
            p2++;
            n2 = size - n0 - n1 - 2;
        }
    }
    c = sk_tpl_cache_create(fz_load, NULL, 0);
    FZ_CHECK(c != NULL);
    if (p1 != NULL) {
        sk_tpl_cache_add(c, "mem:a", p1, n1, &err);
    }
    if (p2 != NULL) {
        sk_tpl_cache_add(c, "mem:b", p2, n2, &err);
    }
    t = sk_tpl_cache_add(c, "mem:main", s, n0, &err);
    if (t == NULL) {
        FZ_CHECK(err.msg[0] != '\0');
    } else {
        sk_tpl_walk(t, fz_walk, NULL);
        souk_buf_init(&out, pool, 256);
        if (sk_tpl_render(c, t, frames, 2, &env, &out, &err) == SOUK_OK) {
            FZ_CHECK(out.len <= env.max_output);
            FZ_CHECK(strlen(out.data) <= out.len);
        } else {
            FZ_CHECK(err.msg[0] != '\0');
        }
    }
    sk_tpl_cache_destroy(c);
    sk_pool_reset(pool);
    return 0;
}
