/* What the product files share (product.c saves, product_check.c checks
 * the document first). Internal to plugins/catalog. */
#ifndef CATALOG_PRODUCT_H
#define CATALOG_PRODUCT_H

#include "catalog.h"

#define CAT_MAX_VARIANTS    200
#define CAT_MAX_LIST        100
#define CAT_MAX_DESCRIPTION 200000

/* The product row as saved: the stored values overlaid with the doc's. */
typedef struct {
    const char  *kind;
    const char  *slug;
    const char  *name;
    const char  *summary;
    const char  *description;
    const char  *seo_title;
    const char  *seo_description;
    int64_t      available_at;      /* -1: NULL */
    int64_t      preorder_limit;
    int64_t      preorder_sold;
    int64_t      resource_id;       /* 0: NULL */
} cat_prow_t;

typedef struct {
    souk_request_t  *r;
    souk_db_t       *db;
    const cJSON     *doc;
    const char      *group;
    const char      *description;   /* sanitised; NULL when absent */
    int64_t          id;
    int64_t          orig_id;       /* id asked for: a retry starts again */
    int              created;
    char            *why;
    size_t           whylen;
} cat_save_t;

/* A string member of o: absent is fine (*out untouched) unless required;
 * SOUK_DECLINED with t->why for a wrong type or length. */
int cat_pdoc_str(cat_save_t *t, const cJSON *o, const char *key, size_t max,
    int required, const char **out);
/* Everything that can be told from the document alone: shapes, lengths,
 * syntax, the sites. SOUK_OK, SOUK_DECLINED (t->why) or SOUK_ERROR. */
int cat_pdoc_check(cat_save_t *t);

#endif /* CATALOG_PRODUCT_H */
