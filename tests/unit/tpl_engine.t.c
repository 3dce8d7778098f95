/* Template engine behaviour beyond the spec cases: errors and their
 * positions, limits, context frames, the missing-name hook, modifiers,
 * static analysis and the cache. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/pool.c"
#include "../../core/buf.c"
#include "../../core/tpl_parse.c"
#include "../../core/tpl_modifier.c"
#include "../../core/tpl_cache.c"
#include "../../core/tpl_render.c"
#include "tap.h"

static souk_pool_t  *pool;

/* Compiles src as "t.mustache"; returns the error line, "" when it compiles. */
static const char *
compile_err(const char *src)
{
    static sk_tpl_error_t  err;
    sk_tpl_t              *t = sk_tpl_compile(src, strlen(src), "t.mustache",
                                              &err);

    if (t != NULL) {
        sk_tpl_free(t);
        return "";
    }
    return err.msg;
}

/* Renders src over data (JSON text); returns the output or "ERR: msg". */
static const char *
render_env(sk_tpl_cache_t *c, const char *src, const char *json,
    const sk_tpl_env_t *env)
{
    sk_tpl_error_t   err;
    sk_tpl_t        *t = sk_tpl_compile(src, strlen(src), "t.mustache", &err);
    cJSON           *data = cJSON_Parse(json);
    const cJSON     *frame = data;
    souk_buf_t       out;
    const char      *res;

    if (t == NULL) {
        cJSON_Delete(data);
        return souk_psprintf(pool, "ERR: %s", err.msg);
    }
    souk_buf_init(&out, pool, 64);
    res = sk_tpl_render(c, t, &frame, 1, env, &out, &err) == SOUK_OK
          ? out.data : souk_psprintf(pool, "ERR: %s", err.msg);
    sk_tpl_free(t);
    cJSON_Delete(data);
    return res;
}

static const char *
render(const char *src, const char *json)
{
    return render_env(NULL, src, json, NULL);
}

static void
test_compile_errors(void)
{
    char    deep[64 * 12 + 64 * 12 + 16], *p;
    int     i;

    is_str(compile_err("a\n  {{#items}}\n"),
           "t.mustache:2:3: unclosed section \"items\"", "unclosed section");
    is_str(compile_err("{{#a}}{{/b}}"),
           "t.mustache:1:7: closing tag \"b\" does not match section \"a\" "
           "opened at 1:1", "mismatched closing tag");
    is_str(compile_err("x{{/a}}"),
           "t.mustache:1:2: closing tag \"a\" without an open section",
           "closing tag without section");
    is_str(compile_err("ab\ncd {{x"),
           "t.mustache:2:4: unclosed tag (no \"}}\" after it)", "unclosed tag");
    is_str(compile_err("{{{x}}"),
           "t.mustache:1:1: unclosed tag (no \"}}}\" after it)",
           "unclosed triple");
    is_str(compile_err("\n\n   {{price:money}}"),
           "t.mustache:3:4: unknown modifier \"money\"", "unknown modifier");
    is_str(compile_err("{{x:u=1}}"),
           "t.mustache:1:1: modifier \"u\" takes no argument",
           "argument to a modifier without one");
    ok(strstr(compile_err("{{=<% =}}"), "1:1: bad set-delimiter") != NULL,
       "bad delimiters");
    ok(strstr(compile_err("{{}}"), "empty name") != NULL, "empty tag");
    ok(strstr(compile_err("{{a b}}"), "whitespace inside a name") != NULL,
       "whitespace in a name");
    ok(strstr(compile_err("{{a..b}}"), "empty part") != NULL,
       "empty dotted part");
    ok(strstr(compile_err("{{#a:u}}{{/a:u}}"), "variables only") != NULL,
       "modifier on a section");
    ok(strstr(compile_err("{{<p}}{{$b}}{{/p}}"), "does not match block")
       != NULL, "unclosed block inside parent");

    for (i = 0, p = deep; i < SK_TPL_MAX_DEPTH; i++) {
        p += sprintf(p, "{{#a}}");
    }
    for (i = 0; i < SK_TPL_MAX_DEPTH; i++) {
        p += sprintf(p, "{{/a}}");
    }
    is_str(compile_err(deep), "", "64 nested sections compile");
    memmove(deep + 6, deep, strlen(deep) + 1);
    memcpy(deep, "{{#a}}", 6);
    strcat(deep, "{{/a}}");
    ok(strstr(compile_err(deep), "1:385: sections nested deeper than 64")
       != NULL, "65 nested sections refused at the 65th");
}

/* A loader naming in-memory partials "mem:NAME" in a cache. */
static int
mem_load(void *ctx, const char *name, const char *from, char **path)
{
    (void) ctx;
    (void) from;
    if (strcmp(name, "../etc/passwd") == 0) {
        *path = strdup("\"..\" refused");
        return SOUK_ERROR;
    }
    *path = malloc(strlen(name) + 5);
    sprintf(*path, "mem:%s", name);
    return SOUK_OK;
}

static void
test_limits(void)
{
    sk_tpl_cache_t  *c = sk_tpl_cache_create(mem_load, NULL, 0);
    sk_tpl_error_t   err;
    sk_tpl_env_t     env = { NULL, NULL, 100 };
    const char      *r;

    sk_tpl_cache_add(c, "mem:self", "x{{>self}}", 10, &err);
    r = render_env(c, "{{>self}}", "{}", NULL);
    ok(strncmp(r, "ERR: mem:self:1:2: partials nested deeper than 32", 49)
       == 0, "a partial including itself stops at depth 32: %s", r);

    sk_tpl_cache_add(c, "mem:a", "{{<b}}{{/b}}", 12, &err);
    sk_tpl_cache_add(c, "mem:b", "{{<a}}{{/a}}", 12, &err);
    r = render_env(c, "{{<a}}{{/a}}", "{}", NULL);
    ok(strstr(r, "nested deeper than 32") != NULL,
       "parents inheriting in a circle stop");

    r = render_env(c, "{{#l}}0123456789{{/l}}",
                   "{\"l\":[1,2,3,4,5,6,7,8,9,10,11,12]}", &env);
    ok(strstr(r, "output larger than the limit") != NULL,
       "output over env.max_output fails: %s", r);
    r = render_env(c, "{{#l}}0123456789{{/l}}", "{\"l\":[1,2,3]}", &env);
    is_str(r, "012345678901234567890123456789", "output under the cap");

    env.max_output = 1000;
    r = render_env(c, "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}"
                   "{{/l}}{{/l}}{{/l}}",
                   "{\"l\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,"
                   "20,21,22,23,24,25,26,27,28,29,30]}", &env);
    ok(strstr(r, "too much work") != NULL, "loops over loops stop: %s", r);

    r = render_env(c, "a\n {{> ../etc/passwd}}", "{}", NULL);
    is_str(r, "ERR: t.mustache:2:2: \"../etc/passwd\": \"..\" refused",
           "a loader's refusal names the tag");
    sk_tpl_cache_destroy(c);
}

static const cJSON *
missing(void *ctx, const char *name)
{
    cJSON  *v;

    (*(int *) ctx)++;
    if (strcmp(name, "slot.after_price") != 0) {
        return NULL;
    }
    v = cJSON_CreateString("<b>plugin</b>");
    souk_pool_json(pool, v);
    return v;
}

static void
test_frames_and_missing(void)
{
    cJSON           *globals = cJSON_Parse("{\"shop\":{\"name\":\"S\"},"
                                           "\"title\":\"global\"}");
    cJSON           *model = cJSON_Parse("{\"title\":\"model\"}");
    const cJSON     *frames[2] = { globals, model };
    sk_tpl_error_t   err;
    sk_tpl_t        *t;
    souk_buf_t       out;
    int              calls = 0;
    sk_tpl_env_t     env = { missing, &calls, 0 };
    const char      *src = "{{title}} {{shop.name}} {{{slot.after_price}}} "
                           "[{{slot.none}}] {{#shop}}{{title}}{{/shop}}";

    t = sk_tpl_compile(src, strlen(src), "f", &err);
    souk_buf_init(&out, pool, 64);
    ok(sk_tpl_render(NULL, t, frames, 2, &env, &out, &err) == SOUK_OK,
       "render with two frames");
    is_str(out.data, "model S <b>plugin</b> [] model",
           "model first, then globals, then the missing hook");
    is_int(calls, 2, "the hook is asked only for names no frame has");
    sk_tpl_free(t);
    cJSON_Delete(globals);
    cJSON_Delete(model);
}

static int
mod_money(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    if (!cJSON_IsNumber(a->value)) {
        return SOUK_OK;
    }
    souk_buf_printf(out, "%s<%d.%02d>", a->arg ? a->arg : "",
                    a->value->valueint / 100, a->value->valueint % 100);
    return SOUK_OK;
}

static int
mod_star(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    souk_buf_puts(out, "<i>");
    souk_buf_append(out, a->text, a->len);
    souk_buf_puts(out, "</i>");
    return SOUK_OK;
}

static int
mod_fail(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    (void) a;
    (void) out;
    return SOUK_ERROR;
}

static void
test_modifiers(void)
{
    ok(sk_tpl_modifier_add("money", mod_money, SK_TPL_MOD_ARG) == SOUK_OK,
       "register money");
    ok(sk_tpl_modifier_add("star", mod_star, SK_TPL_MOD_SAFE) == SOUK_OK,
       "register a safe modifier");
    ok(sk_tpl_modifier_add("fail", mod_fail, 0) == SOUK_OK,
       "register a failing one");
    ok(sk_tpl_modifier_add("money", mod_star, 0) == SOUK_ERROR,
       "a duplicate is refused");
    ok(sk_tpl_modifier_add("h", mod_star, 0) == SOUK_ERROR,
       "a built-in cannot be replaced");
    ok(sk_tpl_modifier_add("Bad Name", mod_star, 0) == SOUK_ERROR,
       "a bad name is refused");

    is_str(render("{{p:money=EUR}}", "{\"p\":1999}"), "EUR&lt;19.99&gt;",
           "an unsafe modifier's output is escaped; it gets value and arg");
    is_str(render("{{{p:money=EUR}}}", "{\"p\":5}"), "EUR<0.05>",
           "raw output stays raw");
    is_str(render("{{s:star}}", "{\"s\":\"a&b\"}"), "<i>a&b</i>",
           "a safe modifier's output is kept");
    is_str(render("{{s:h:star}}", "{\"s\":\"a&b\"}"), "<i>a&amp;b</i>",
           "chains pass text along");
    is_str(render("{{p:money=$:u}}", "{\"p\":100}"), "%24%3C1.00%3E",
           "a chain ends in a built-in");
    ok(strstr(compile_err("{{p:money}}"), "needs an argument") != NULL,
       "money without its argument is a load error");
    ok(strstr(render("x {{s:fail}}", "{}"), "1:3: failed: modifier \"fail\"")
       != NULL, "a failing modifier fails the render with the position");
    sk_tpl_modifier_reset();
    ok(strstr(compile_err("{{p:money=EUR}}"), "unknown modifier") != NULL,
       "reset drops added modifiers");
}

static int
walk_fn(void *arg, const sk_tpl_tag_t *tag)
{
    souk_buf_t  *b = arg;
    size_t       i;

    souk_buf_printf(b, "%d:%s@%u:%u%s%s%s", tag->kind, tag->name, tag->line,
                    tag->col, tag->raw ? " raw" : "",
                    tag->dynamic ? " dyn" : "", tag->safe ? " safe" : "");
    for (i = 0; i < tag->nmods; i++) {
        souk_buf_printf(b, " :%s%s%s", tag->mods[i],
                        tag->mod_args[i] ? "=" : "",
                        tag->mod_args[i] ? tag->mod_args[i] : "");
    }
    souk_buf_puts(b, "\n");
    return 0;
}

static void
test_walk(void)
{
    const char      *src = "{{! contract: 1 }}\n<h1>{{title:u}}</h1>\n"
                           "{{#items}}{{{html}}}{{> product/card}}{{/items}}"
                           "\n{{<*layout}}{{$main}}{{&x}}{{/main}}{{/layout}}";
    sk_tpl_error_t   err;
    sk_tpl_t        *t = sk_tpl_compile(src, strlen(src), "w", &err);
    souk_buf_t       b;

    souk_buf_init(&b, pool, 64);
    ok(sk_tpl_walk(t, walk_fn, &b) == 0, "walk");
    is_str(b.data,
           "7:contract: 1@1:1\n"
           "1:title@2:5 safe :u\n"
           "2:items@3:1\n"
           "1:html@3:11 raw safe\n"
           "4:product/card@3:21\n"
           "5:layout@4:1 dyn\n"
           "6:main@4:13\n"
           "1:x@4:22 raw safe\n", "every tag with kind, position and flags");
    sk_tpl_free(t);
}

static void
test_cache(void)
{
    char             dir[] = "/tmp/tpl-cache-XXXXXX", path[64];
    sk_tpl_cache_t  *dev, *prod;
    const sk_tpl_t  *a, *b;
    sk_tpl_error_t   err;
    FILE            *f;

    if (!ok(mkdtemp(dir) != NULL, "temp dir")) {
        return;
    }
    snprintf(path, sizeof(path), "%s/x.mustache", dir);
    f = fopen(path, "w");
    fputs("one", f);
    fclose(f);
    dev = sk_tpl_cache_create(NULL, NULL, SK_TPL_DEV);
    prod = sk_tpl_cache_create(NULL, NULL, 0);
    a = sk_tpl_cache_file(dev, path, &err);
    b = sk_tpl_cache_file(prod, path, &err);
    ok(a != NULL && b != NULL, "read from a file");
    ok(sk_tpl_cache_file(prod, path, &err) == b, "compiled once");
    f = fopen(path, "w");
    fputs("two!", f);
    fclose(f);
    a = sk_tpl_cache_file(dev, path, &err);
    is_str(a->src, "two!", "dev mode re-reads a changed file");
    is_str(sk_tpl_cache_file(prod, path, &err)->src, "one",
           "production keeps what it compiled");
    unlink(path);
    ok(sk_tpl_cache_get(prod, "x", &err) == NULL
       && strstr(err.msg, "not found") != NULL,
       "get without a loader fails: %s", err.msg);
    snprintf(path, sizeof(path), "%s/none.mustache", dir);
    ok(sk_tpl_cache_file(prod, path, &err) == NULL
       && strstr(err.msg, "cannot read") != NULL, "a missing file: %s",
       err.msg);
    sk_tpl_cache_destroy(dev);
    sk_tpl_cache_destroy(prod);
    rmdir(dir);
}

int
main(void)
{
    pool = sk_pool_create(0);
    test_compile_errors();
    test_limits();
    test_frames_and_missing();
    test_modifiers();
    test_walk();
    test_cache();
    is_str(render("{{n}} {{d}} {{e}}", "{\"n\":123456789012,\"d\":0.1,"
                  "\"e\":1e300}"), "123456789012 0.1 1e+300",
           "numbers print as JSON does");
    sk_pool_destroy(pool);
    return done_testing();
}
