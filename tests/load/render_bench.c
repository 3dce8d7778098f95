/* The rendering bench: a 50-product listing rendered through the base
 * theme's home page, against cJSON_PrintUnformatted of the same model. */

#define _GNU_SOURCE             /* memmem */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "souk_core.h"
#include "template.h"
#include "theme.h"

/*
 * Usage: render_bench [-t SECONDS] [-n PRODUCTS] [-o FILE] [-m MAX_RATIO]
 *                     THEME_DIR
 *
 * Renders themes/base/templates/home.mustache (its layout, header, footer
 * and one product card partial per product) from a listing model with the
 * same two frames soukd uses (globals below, the view model on top), with
 * the real helpers (the cards' prices go through the money modifier). The
 * baseline serialises the view model with cJSON_PrintUnformatted. Both are
 * timed in alternating rounds and the best round of each counts, so a
 * noisy neighbour on a shared machine hurts both alike. The target of
 * step 2: rendering costs no more than 2x the serialisation.
 *
 * -o writes one rendered page to FILE (to look at it); -m makes the exit
 * status 1 when render/json exceeds MAX_RATIO. Built by scripts/bench (or
 * tests/load/render_bench.sh) against core/libsoukcore.a; not part of
 * soukd.
 */

#define BENCH_ROUNDS  3

typedef struct {
    sk_tpl_cache_t   *cache;
    const sk_tpl_t   *tpl;
    const cJSON      *frames[2];
    sk_tpl_env_t      env;
    souk_pool_t      *pool;
    cJSON            *model;
    size_t            html_len;
    size_t            json_len;
    const char       *heading;     /* t.home.featured, must show */
} bench_t;

static double
bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The theme lookup for the engine: the page template from templates/,
 * partials and parents from partials/ then layouts/, along the chain. */
static int
bench_load(void *ctx, const char *name, const char *from_file,
    char **path_out)
{
    const sk_theme_t  *t = ctx;
    char               a[256], b[256];
    const char        *rels[3] = { a, b, NULL };

    if (strstr(name, "..") != NULL) {
        *path_out = NULL;
        return SOUK_ERROR;
    }
    if (from_file == NULL) {
        snprintf(a, sizeof(a), "templates/%s.mustache", name);
        rels[1] = NULL;
    } else {
        snprintf(a, sizeof(a), "partials/%s.mustache", name);
        snprintf(b, sizeof(b), "layouts/%s.mustache", name);
    }
    *path_out = sk_theme_find(t, rels);
    return *path_out != NULL ? SOUK_OK : SOUK_DECLINED;
}

/* Slots and routes are the view layer's business, not the engine's: the
 * bench renders them empty. */
static const cJSON *
bench_missing(void *ctx, const char *name)
{
    (void) ctx;
    (void) name;
    return NULL;
}

static cJSON *
bench_product(int i)
{
    cJSON  *p = cJSON_CreateObject(), *img, *price;
    char    s[128];

    snprintf(s, sizeof(s), "p-%04d", i);
    cJSON_AddStringToObject(p, "id", s);
    snprintf(s, sizeof(s), "Ras el hanout & sumac blend no. %d", i);
    cJSON_AddStringToObject(p, "name", s);
    snprintf(s, sizeof(s), "/product/ras-el-hanout-%d", i);
    cJSON_AddStringToObject(p, "href", s);
    img = cJSON_AddObjectToObject(p, "image");
    snprintf(s, sizeof(s), "/media/products/%04d-400x300.jpg", i);
    cJSON_AddStringToObject(img, "src", s);
    snprintf(s, sizeof(s), "A jar of spice blend no. %d", i);
    cJSON_AddStringToObject(img, "alt", s);
    price = cJSON_AddObjectToObject(p, "price");
    cJSON_AddNumberToObject(price, "amount", 499 + i * 137);
    cJSON_AddStringToObject(price, "currency", "EUR");
    if (i % 7 == 0) {
        cJSON_AddStringToObject(p, "badge", "New");
    }
    return p;
}

/* What the hello plugin's home handler builds, plus a listing. */
static cJSON *
bench_model(int nproducts)
{
    cJSON  *m = cJSON_CreateObject(), *links, *l, *items;
    int     i;

    cJSON_AddStringToObject(m, "title", "Souk");
    cJSON_AddStringToObject(m, "site", "demo");
    links = cJSON_AddArrayToObject(m, "links");
    for (i = 0; i < 2; i++) {
        l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "href", i ? "/hello/souk" : "/hello");
        cJSON_AddStringToObject(l, "title", i ? "Hello, souk" : "Hello");
        cJSON_AddItemToArray(links, l);
    }
    items = cJSON_AddArrayToObject(cJSON_AddObjectToObject(m, "featured"),
                                   "items");
    for (i = 1; i <= nproducts; i++) {
        cJSON_AddItemToArray(items, bench_product(i));
    }
    return m;
}

/* The globals frame as core/view.c builds it for a GET / on site demo. */
static cJSON *
bench_globals(sk_theme_t *th, const cJSON *tr)
{
    cJSON  *g = cJSON_CreateObject(), *o;

    o = cJSON_AddObjectToObject(g, "shop");
    cJSON_AddStringToObject(o, "id", "demo");
    cJSON_AddStringToObject(o, "name", "Demo Spices");
    cJSON_AddStringToObject(o, "theme", th->id);
    cJSON_AddStringToObject(o, "locale", "en");
    cJSON_AddStringToObject(o, "currency", "EUR");
    cJSON_AddStringToObject(o, "base_path", "");
    o = cJSON_AddObjectToObject(g, "request");
    cJSON_AddStringToObject(o, "method", "GET");
    cJSON_AddStringToObject(o, "path", "/");
    cJSON_AddStringToObject(o, "full_path", "/");
    cJSON_AddStringToObject(o, "host", "demo.test");
    cJSON_AddBoolToObject(o, "https", 0);
    cJSON_AddStringToObject(o, "id", "0123456789abcdef0123456789abcdef");
    cJSON_AddObjectToObject(o, "query");
    o = cJSON_AddObjectToObject(g, "page");
    cJSON_AddStringToObject(o, "template", "home");
    cJSON_AddNumberToObject(o, "status", 200);
    cJSON_AddStringToObject(o, "title", "Souk");
    cJSON_AddStringToObject(o, "lang", "en");
    cJSON_AddStringToObject(o, "csp_nonce", "00112233445566778899aabbccddeeff");
    cJSON_AddBoolToObject(o, "is_error", 0);
    cJSON_AddItemToObject(g, "settings", sk_theme_settings(th, NULL, 0));
    /* References, as view.c makes them: an object reference takes the
     * first child of the object it stands for. */
    cJSON_AddItemToObject(g, "t", cJSON_CreateObjectReference(tr->child));
    cJSON_AddItemToObject(g, "assets",
                          cJSON_CreateObjectReference(th->assets->child));
    return g;
}

static int
bench_render_once(bench_t *bn, souk_buf_t *out)
{
    sk_tpl_error_t  err;

    sk_pool_reset(bn->pool);
    souk_buf_init(out, bn->pool, 64 * 1024);
    if (sk_tpl_render(bn->cache, bn->tpl, bn->frames, 2, &bn->env, out,
                      &err) != SOUK_OK)
    {
        fprintf(stderr, "render_bench: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* Renders for about secs seconds; returns renders per second. */
static double
bench_render(bench_t *bn, double secs)
{
    souk_buf_t  out;
    double      t0 = bench_now(), t;
    long        n = 0;

    do {
        if (bench_render_once(bn, &out) != 0) {
            return -1;
        }
        n++;
        t = bench_now() - t0;
    } while (t < secs);
    bn->html_len = out.len;
    return (double) n / t;
}

static double
bench_json(bench_t *bn, double secs)
{
    double  t0 = bench_now(), t;
    long    n = 0;
    char   *s;

    do {
        s = cJSON_PrintUnformatted(bn->model);
        if (s == NULL) {
            return -1;
        }
        bn->json_len = strlen(s);
        free(s);
        n++;
        t = bench_now() - t0;
    } while (t < secs);
    return (double) n / t;
}

static int
bench_setup(bench_t *bn, sk_themes_t **tsp, const char *dir, int nproducts)
{
    char             why[256];
    sk_tpl_error_t   err;
    sk_theme_t      *th;
    static sk_view_ctx_t  vc;

    if (sk_helpers_register() != SOUK_OK) {
        fprintf(stderr, "render_bench: helpers did not register\n");
        return -1;
    }
    *tsp = sk_themes_create(dir, "/assets");
    th = *tsp != NULL ? sk_theme_get(*tsp, "base", why, sizeof(why)) : NULL;
    if (th == NULL) {
        fprintf(stderr, "render_bench: theme base in %s: %s\n", dir,
                *tsp != NULL ? why : "out of memory");
        return -1;
    }
    bn->cache = sk_tpl_cache_create(bench_load, th, 0);
    bn->tpl = bn->cache ? sk_tpl_cache_get(bn->cache, "home", &err) : NULL;
    if (bn->tpl == NULL) {
        fprintf(stderr, "render_bench: %s\n", err.msg);
        return -1;
    }
    vc.theme = th;
    vc.lang = "en";
    vc.currency = "EUR";
    vc.base_path = "";
    vc.tr = sk_theme_locale(th, "en");
    bn->heading = sk_theme_translate(vc.tr, "home.featured");
    if (bn->heading == NULL) {
        fprintf(stderr, "render_bench: no home.featured in base's en.json\n");
        return -1;
    }
    bn->model = bench_model(nproducts);
    vc.model = bn->model;
    bn->frames[0] = bench_globals(th, vc.tr);
    bn->frames[1] = bn->model;
    bn->env.missing = bench_missing;
    bn->env.ctx = &vc;
    bn->pool = sk_pool_create(64 * 1024);
    return 0;
}

/* Counts the product cards in a rendered page: the model must really have
 * been rendered, not an error page or an empty list. */
static int
bench_cards(const char *s, size_t len)
{
    const char  *p = s, *end = s + len, *hit;
    int          n = 0;

    while ((hit = memmem(p, (size_t) (end - p), "<article class=\"card\"",
                         21)) != NULL)
    {
        n++;
        p = hit + 21;
    }
    return n;
}

static int
bench_write(bench_t *bn, const char *path, int nproducts)
{
    souk_buf_t  out;
    FILE       *f;
    int         cards;

    if (bench_render_once(bn, &out) != 0) {
        return -1;
    }
    cards = bench_cards(out.data, out.len);
    if (cards != nproducts) {
        fprintf(stderr, "render_bench: the page shows %d product cards, "
                "not %d\n", cards, nproducts);
        return -1;
    }
    if (memmem(out.data, out.len, bn->heading, strlen(bn->heading)) == NULL) {
        fprintf(stderr, "render_bench: the page lacks the translated "
                "heading \"%s\"\n", bn->heading);
        return -1;
    }
    if (path == NULL) {
        return 0;
    }
    f = fopen(path, "w");
    if (f == NULL || fwrite(out.data, 1, out.len, f) != out.len
        || fclose(f) != 0)
    {
        fprintf(stderr, "render_bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    bench_t       bn;
    sk_themes_t  *ts = NULL;
    const char   *out = NULL;
    double        secs = 1.0, max = 0, r, j, best_r = 0, best_j = 0;
    int           nproducts = 50, i, c;

    memset(&bn, 0, sizeof(bn));
    while ((c = getopt(argc, argv, "t:n:o:m:")) != -1) {
        switch (c) {
        case 't': secs = atof(optarg); break;
        case 'n': nproducts = atoi(optarg); break;
        case 'o': out = optarg; break;
        case 'm': max = atof(optarg); break;
        default: goto usage;
        }
    }
    if (optind != argc - 1 || secs <= 0 || nproducts < 1) {
        goto usage;
    }
    if (bench_setup(&bn, &ts, argv[optind], nproducts) != 0
        || bench_write(&bn, out, nproducts) != 0)
    {
        return 2;
    }
    for (i = 0; i < BENCH_ROUNDS; i++) {
        r = bench_render(&bn, secs / BENCH_ROUNDS);
        j = bench_json(&bn, secs / BENCH_ROUNDS);
        if (r < 0 || j < 0) {
            return 2;
        }
        best_r = r > best_r ? r : best_r;
        best_j = j > best_j ? j : best_j;
    }
    printf("render home, %d products  %10.0f renders/s  %8.1f us  %7zu B\n",
           nproducts, best_r, 1e6 / best_r, bn.html_len);
    printf("cJSON_PrintUnformatted    %10.0f prints/s   %8.1f us  %7zu B\n",
           best_j, 1e6 / best_j, bn.json_len);
    printf("ratio render/json         %10.2f (target <= 2.00)\n",
           best_j / best_r);
    cJSON_Delete((cJSON *) bn.frames[0]);
    cJSON_Delete(bn.model);
    sk_pool_destroy(bn.pool);
    sk_tpl_cache_destroy(bn.cache);
    sk_themes_destroy(ts);
    return max > 0 && best_j / best_r > max ? 1 : 0;

usage:
    fprintf(stderr, "usage: render_bench [-t SECONDS] [-n PRODUCTS] "
            "[-o FILE] [-m MAX_RATIO] THEME_DIR\n");
    return 2;
}
