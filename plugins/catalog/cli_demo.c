/* `souk demo --products N [--seed S]`: a believable catalogue drawn from
 * word lists by a seeded generator (the same seed gives the same shop):
 * a category tree, variants, prices, stock in two warehouses, images. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CAT_DEMO_BATCH   500        /* products per transaction */
#define CAT_DEMO_IMAGES  24
#define CAT_DEMO_SIDE    960u

typedef struct {
    const char  *name;
    const char  *children[4];
    const char  *nouns[4];
    int          sized;             /* variants by size, else by colour */
} cat_demo_top_t;

static const cat_demo_top_t  cat_demo_tops[6] = {
    { "Clothing", { "Knitwear", "Shirts", "Trousers", "Jackets" },
      { "jumper", "shirt", "chinos", "jacket" }, 1 },
    { "Home", { "Kitchen", "Lighting", "Textiles", "Decor" },
      { "mug", "lamp", "throw", "vase" }, 0 },
    { "Garden", { "Tools", "Planters", "Seeds", "Furniture" },
      { "trowel", "planter", "seed mix", "bench" }, 0 },
    { "Outdoor", { "Camping", "Hiking", "Cycling", "Climbing" },
      { "tent", "backpack", "bottle", "chalk bag" }, 0 },
    { "Stationery", { "Notebooks", "Pens", "Paper", "Desk" },
      { "notebook", "pen", "letter set", "desk tray" }, 0 },
    { "Footwear", { "Boots", "Sneakers", "Sandals", "Slippers" },
      { "boots", "sneakers", "sandals", "slippers" }, 1 },
};

static const char *const  cat_demo_adj[] = {
    "Cosy", "Classic", "Rustic", "Nordic", "Everyday", "Handmade", "Coastal",
    "Urban", "Vintage", "Alpine", "Minimal", "Sunny", "Quiet", "Bold",
    "Soft", "Sturdy",
};
static const char *const  cat_demo_material[] = {
    "wool", "cotton", "linen", "oak", "ceramic", "leather", "bamboo",
    "steel",
};
static const char *const  cat_demo_colour[] = {
    "red", "blue", "green", "black", "white", "ochre", "grey", "navy",
};
static const char *const  cat_demo_size[] = { "S", "M", "L", "XL" };
static const char *const  cat_demo_tag[] = {
    "new", "bestseller", "gift", "eco", "limited", "sale",
};
static const char *const  cat_demo_phrase[] = {
    "Made to last and easy to love.",
    "Designed in a small studio and tested in real homes.",
    "A favourite with our customers for years.",
    "Pairs well with the rest of the range.",
    "Gentle on the planet, tough in daily use.",
    "Packed without plastic and shipped within two days.",
};

#define CAT_N(a)  (sizeof(a) / sizeof((a)[0]))

typedef struct {
    souk_request_t  *r;
    uint64_t         seed;
    uint64_t         rng;
    size_t           want, made, skipped, done;
    int64_t          wh[2];
    souk_image_t     img[CAT_DEMO_IMAGES];
    size_t           nimg;
    cat_progress_t   prog;
    char             why[CAT_WHY];
} cat_demo_t;

/* splitmix64: small, fast and the same on every machine. */
static uint64_t
cat_rand(cat_demo_t *d)
{
    uint64_t  z = (d->rng += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static size_t
cat_pick(cat_demo_t *d, size_t n)
{
    return (size_t) (cat_rand(d) % n);
}

static const char *
cat_demo_slug(souk_pool_t *pool, const char *name)
{
    char  *s = souk_pstrdup(pool, name), *p, *o = s;

    for (p = s; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *o++ = (char) (*p - 'A' + 'a');
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
            *o++ = *p;
        } else if (o > s && o[-1] != '-') {
            *o++ = '-';
        }
    }
    *o = '\0';
    return s;
}

static int
cat_demo_categories(cat_demo_t *d)
{
    souk_pool_t  *pool = souk_request_pool(d->r);
    cJSON        *doc;
    const char   *top, *slug;
    int64_t       id;
    int           i, j, rc = SOUK_OK;

    for (i = 0; i < 6 && rc == SOUK_OK; i++) {
        top = cat_demo_slug(pool, cat_demo_tops[i].name);
        for (j = -1; j < 4 && rc == SOUK_OK; j++) {
            slug = j < 0 ? top : souk_psprintf(pool, "%s-%s", top,
                cat_demo_slug(pool, cat_demo_tops[i].children[j]));
            if (cat_category_id(d->r, slug) != 0) {
                continue;
            }
            doc = cJSON_CreateObject();
            cJSON_AddStringToObject(doc, "slug", slug);
            cJSON_AddStringToObject(doc, "name", j < 0
                                    ? cat_demo_tops[i].name
                                    : cat_demo_tops[i].children[j]);
            cJSON_AddNumberToObject(doc, "position", j < 0 ? i : j);
            if (j >= 0) {
                cJSON_AddStringToObject(doc, "parent", top);
            }
            rc = cat_category_save(d->r, doc, 0, &id, d->why,
                                   sizeof(d->why));
            cJSON_Delete(doc);
        }
    }
    return rc;
}

/* Stripes, checks, rings and gradients in a few palettes. */
static int
cat_demo_images(cat_demo_t *d)
{
    static const unsigned char  pal[6][2][3] = {
        { { 0xe8, 0xd5, 0xb7 }, { 0x9c, 0x3d, 0x2f } },
        { { 0xdc, 0xe6, 0xf0 }, { 0x24, 0x4e, 0x7a } },
        { { 0xe4, 0xee, 0xd8 }, { 0x3f, 0x6b, 0x3a } },
        { { 0xf5, 0xe9, 0xc8 }, { 0xc2, 0x8a, 0x1e } },
        { { 0xee, 0xe4, 0xee }, { 0x6a, 0x3d, 0x74 } },
        { { 0xe6, 0xe6, 0xe6 }, { 0x33, 0x33, 0x33 } },
    };
    unsigned char  *rgb;
    unsigned        x, y, w = CAT_DEMO_SIDE, pat, k, c, t;
    int             rc = SOUK_OK;
    long            dx, dy;

    rgb = malloc((size_t) w * w * 3);
    if (rgb == NULL) {
        abort();
    }
    for (k = 0; k < CAT_DEMO_IMAGES && rc == SOUK_OK; k++) {
        pat = k % 4;
        for (y = 0; y < w; y++) {
            for (x = 0; x < w; x++) {
                dx = (long) x - (long) w / 2;
                dy = (long) y - (long) w / 2;
                t = pat == 0 ? ((x + y) / 60) % 2
                  : pat == 1 ? ((x / 120) + (y / 120)) % 2
                  : pat == 2 ? (unsigned) ((dx * dx + dy * dy) / 6000) % 2
                  : (y * 2 > w);
                for (c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = pal[k % 6][t][c];
                }
            }
        }
        rc = souk_media_image_save_rgb(d->r, rgb, w, w, cat_image_widths, 3,
                                       &d->img[d->nimg]);
        d->nimg += rc == SOUK_OK;
    }
    free(rgb);
    return rc;
}

static cJSON *
cat_demo_doc(cat_demo_t *d, size_t n, int *top)
{
    souk_pool_t           *pool = souk_request_pool(d->r);
    const cat_demo_top_t  *t;
    const char            *name, *colour, *material;
    cJSON                 *doc, *vs, *v, *p, *a;
    int64_t                price, unit;
    size_t                 child, nv, i;

    *top = (int) cat_pick(d, 6);
    t = &cat_demo_tops[*top];
    child = cat_pick(d, 4);
    material = cat_demo_material[cat_pick(d, CAT_N(cat_demo_material))];
    colour = cat_demo_colour[cat_pick(d, CAT_N(cat_demo_colour))];
    name = souk_psprintf(pool, "%s %s %s",
                         cat_demo_adj[cat_pick(d, CAT_N(cat_demo_adj))],
                         material, t->nouns[child]);
    doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "slug", souk_psprintf(pool, "%s-%zu",
                            cat_demo_slug(pool, name), n));
    cJSON_AddStringToObject(doc, "name", name);
    cJSON_AddStringToObject(doc, "summary", souk_psprintf(pool, "A %s %s in "
                            "%s.", colour, t->nouns[child], material));
    cJSON_AddStringToObject(doc, "description", souk_psprintf(pool,
        "<p>%s %s</p><p>Material: <strong>%s</strong>.</p>",
        cat_demo_phrase[cat_pick(d, CAT_N(cat_demo_phrase))],
        cat_demo_phrase[cat_pick(d, CAT_N(cat_demo_phrase))], material));
    a = cJSON_AddArrayToObject(doc, "categories");
    cJSON_AddItemToArray(a, cJSON_CreateString(souk_psprintf(pool, "%s-%s",
        cat_demo_slug(pool, t->name),
        cat_demo_slug(pool, t->children[child]))));
    a = cJSON_AddArrayToObject(doc, "tags");
    cJSON_AddItemToArray(a, cJSON_CreateString(
        cat_demo_tag[cat_pick(d, CAT_N(cat_demo_tag))]));
    a = cJSON_AddObjectToObject(doc, "attributes");
    cJSON_AddStringToObject(a, "material", material);
    cJSON_AddStringToObject(a, "colour", colour);
    unit = cat_money_decimals(cat_currency(d->r)) == 0 ? 1
           : cat_money_decimals(cat_currency(d->r)) == 3 ? 1000 : 100;
    /* 4.99 to 249.99 (or whole units), the same for every variant but
     * the largest sizes. */
    price = (int64_t) (5 + cat_pick(d, 245)) * unit - (unit > 1 ? 1 : 0);
    nv = 1 + cat_pick(d, 4);
    vs = cJSON_AddArrayToObject(doc, "variants");
    for (i = 0; i < nv; i++) {
        v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "sku", souk_psprintf(pool,
                                "DEMO-%06zu-%zu", n, i + 1));
        cJSON_AddNumberToObject(v, "weight_g", 100 + (double) cat_pick(d,
                                                                      1900));
        a = cJSON_AddObjectToObject(v, "options");
        if (t->sized) {
            cJSON_AddStringToObject(a, "Size", cat_demo_size[i]);
        } else {
            cJSON_AddStringToObject(a, "Colour", cat_demo_colour[
                (i + (size_t) *top) % CAT_N(cat_demo_colour)]);
        }
        p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "currency", cat_currency(d->r));
        cJSON_AddNumberToObject(p, "amount", (double) (price + (i == 3
                                                       ? 5 * unit : 0)));
        if (n % 5 == 0) {
            cJSON_AddNumberToObject(p, "compare_at",
                                    (double) (price * 5 / 4));
        }
        cJSON_AddNumberToObject(p, "cost", (double) (price * 2 / 5));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(v, "prices"), p);
        cJSON_AddItemToArray(vs, v);
    }
    return doc;
}

static int
cat_demo_one(cat_demo_t *d, size_t n)
{
    cJSON        *doc, *v;
    souk_stmt_t  *st;
    int64_t       id, vid;
    int           top, rc, added, w;

    /* Product n depends on the seed and n only: a run of 100 after one
     * of 50 adds the same 50 as a run of 100 from scratch would. */
    d->rng = d->seed ^ (UINT64_C(0x9e3779b97f4a7c15) * (uint64_t) n);
    cat_rand(d);
    if (cat_product_id_by_sku(d->r, souk_psprintf(souk_request_pool(d->r),
                                                  "DEMO-%06zu-1", n)) != 0)
    {
        d->skipped++;           /* made by an earlier run */
        return SOUK_OK;
    }
    doc = cat_demo_doc(d, n, &top);
    rc = cat_product_save(d->r, doc, 0, &id, d->why, sizeof(d->why));
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(doc, "variants")) {
        st = rc != SOUK_OK ? NULL : souk_db_row(souk_db(d->r), "SELECT id "
             "FROM catalog_variants WHERE group_id = ? AND sku = ?", "tt",
             souk_site_group(d->r), cJSON_GetObjectItem(v, "sku")
                                    ->valuestring);
        if (st == NULL) {
            rc = rc != SOUK_OK ? rc : SOUK_ERROR;
            break;
        }
        vid = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
        for (w = 0; w < 2 && rc == SOUK_OK; w++) {
            rc = cat_stock_set(d->r, vid, d->wh[w], (int64_t) cat_pick(d,
                               w == 0 ? 40 : 15), "demo", d->why,
                               sizeof(d->why));
        }
    }
    cJSON_Delete(doc);
    if (rc == SOUK_OK && d->nimg > 0) {
        rc = cat_cli_image_add(d->r, id, &d->img[cat_pick(d, d->nimg)], "",
                               &added);
    }
    if (rc == SOUK_OK) {
        rc = cat_cli_status(d->r, id, "draft", "listed", d->why,
                            sizeof(d->why));
    }
    d->made += rc == SOUK_OK;
    return rc;
}

static int
cat_demo_batch_tx(souk_db_t *db, void *arg)
{
    cat_demo_t  *d = arg;
    size_t       i, made = d->made, skipped = d->skipped;
    int          rc = SOUK_OK;

    (void) db;
    for (i = d->done; i < d->want && i < d->done + CAT_DEMO_BATCH; i++) {
        cat_progress(&d->prog, i);
        if ((rc = cat_demo_one(d, i + 1)) != SOUK_OK) {
            break;
        }
    }
    if (rc != SOUK_OK) {
        /* A retry counts again. */
        d->made = made;
        d->skipped = skipped;
    }
    return rc;
}

static int
cat_demo_warehouses(cat_demo_t *d)
{
    static const char *const  code[2] = { "MAIN", "NORTH" };
    static const char *const  name[2] = { "Main warehouse",
                                          "North depot" };
    cJSON                    *doc;
    int                       i, rc;

    for (i = 0; i < 2; i++) {
        if ((d->wh[i] = cat_warehouse_id(d->r, code[i])) > 0) {
            continue;
        }
        doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "code", code[i]);
        cJSON_AddStringToObject(doc, "name", name[i]);
        cJSON_AddStringToObject(doc, "city", i == 0 ? "Leipzig" : "Hamburg");
        cJSON_AddStringToObject(doc, "country", "DE");
        rc = cat_warehouse_save(d->r, doc, 0, &d->wh[i], d->why,
                                sizeof(d->why));
        cJSON_Delete(doc);
        if (rc != SOUK_OK) {
            return rc;
        }
    }
    return SOUK_OK;
}

int
cat_cli_demo(souk_request_t *r, int argc, char **argv, void *data)
{
    cat_demo_t   demo, *d = &demo;
    int64_t      n = -1, seed = 1;
    int          i, rc;

    (void) data;
    for (i = 0; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--products") == 0) {
            rc = souk_int_parse(argv[i + 1], 1, 10000000, &n);
        } else if (strcmp(argv[i], "--seed") == 0) {
            rc = souk_int_parse(argv[i + 1], 0, INT64_MAX, &seed);
        } else {
            rc = SOUK_DECLINED;
        }
        if (rc != SOUK_OK) {
            break;
        }
    }
    if (n < 0 || i != argc) {
        fprintf(stderr, "usage: souk demo --products N [--seed S]\n");
        return 2;
    }
    /* On the stack, not in the pool: the pool is reset after each batch. */
    memset(d, 0, sizeof(*d));
    d->r = r;
    d->seed = d->rng = (uint64_t) seed;
    d->want = (size_t) n;
    rc = cat_demo_warehouses(d);
    if (rc == SOUK_OK) {
        rc = cat_demo_categories(d);
    }
    if (rc == SOUK_OK && cat_demo_images(d) != SOUK_OK) {
        fprintf(stderr, "souk demo: the images could not be stored (see the "
                "log): the products get none\n");
    }
    cat_progress_start(&d->prog, "demo", d->want);
    for (; rc == SOUK_OK && d->done < d->want; d->done += CAT_DEMO_BATCH) {
        rc = souk_db_tx(souk_db(r), cat_demo_batch_tx, d);
        /* ~20 KB a product from the saves: memory stays flat. */
        souk_request_pool_reset(r);
    }
    cat_progress_end(&d->prog);
    if (rc != SOUK_OK) {
        fprintf(stderr, "souk demo: %s\n", d->why[0] ? d->why
                : "the database refused a write (see the log)");
        return 1;
    }
    printf("demo: %zu products made, %zu already there\n", d->made,
           d->skipped);
    return 0;
}
