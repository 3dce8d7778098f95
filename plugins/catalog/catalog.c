/* The catalog plugin: its descriptor, permissions and shared helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"

const unsigned cat_image_widths[3] = { CAT_IMG_THUMB, CAT_IMG_CARD,
                                       CAT_IMG_FULL };

const char *
cat_currency(souk_request_t *r)
{
    const char  *c = souk_setting(r, "shop.currency");

    return c != NULL && c[0] != '\0' ? c : "EUR";
}

int
cat_money_decimals(const char *cur)
{
    /* ISO 4217 minor units: the currencies that differ from 2 */
    static const char  zero[] = "BIFCLPDJFGNFISKJPYKMFKRWPYGRWFUGXUYIVNDVUV"
                                "XAFXOFXPF";
    static const char  three[] = "BHDIQDJODKWDLYDOMRTND";
    size_t             i;

    if (cur == NULL || strlen(cur) != 3) {
        return 2;
    }
    for (i = 0; i + 3 <= sizeof(zero) - 1; i += 3) {
        if (memcmp(zero + i, cur, 3) == 0) {
            return 0;
        }
    }
    for (i = 0; i + 3 <= sizeof(three) - 1; i += 3) {
        if (memcmp(three + i, cur, 3) == 0) {
            return 3;
        }
    }
    return 2;
}

void
cat_money_format(char *buf, size_t len, int64_t minor, const char *cur)
{
    int       dec = cat_money_decimals(cur), i;
    int64_t   scale = 1;
    uint64_t  mag = minor < 0 ? (uint64_t) 0 - (uint64_t) minor
                              : (uint64_t) minor;

    for (i = 0; i < dec; i++) {
        scale *= 10;
    }
    if (dec == 0) {
        snprintf(buf, len, "%s%llu", minor < 0 ? "-" : "",
                 (unsigned long long) mag);
    } else {
        snprintf(buf, len, "%s%llu.%0*llu", minor < 0 ? "-" : "",
                 (unsigned long long) (mag / (uint64_t) scale), dec,
                 (unsigned long long) (mag % (uint64_t) scale));
    }
}

int64_t
cat_now(void)
{
    return (int64_t) time(NULL);
}

int
cat_slug_ok(const char *s)
{
    size_t  i, n = s != NULL ? strlen(s) : 0;

    if (n == 0 || n > 128 || s[0] == '-' || s[n - 1] == '-') {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!(islower((unsigned char) s[i]) || isdigit((unsigned char) s[i])
              || (s[i] == '-' && s[i + 1] != '-')))
        {
            return 0;
        }
    }
    return 1;
}

int
cat_sku_ok(const char *s)
{
    size_t  i, n = s != NULL ? strlen(s) : 0;

    if (n == 0 || n > 64) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!(isalnum((unsigned char) s[i]) || s[i] == '.' || s[i] == '_'
              || s[i] == '-'))
        {
            return 0;
        }
    }
    return 1;
}

/* Who may do what: editors prepare products, managers approve and list. */
static int
cat_permissions(souk_plugin_ctx_t *ctx)
{
    static const char *const  editor[] = { "admin.access", "catalog.view",
        "catalog.edit", "catalog.stock", NULL };
    static const char *const  manager[] = { "admin.access", "catalog.view",
        "catalog.edit", "catalog.stock", "catalog.approve",
        "catalog.publish", NULL };

    if (souk_permission_declare(ctx, "catalog.view",
            "see products, stock and alerts in the back office") != SOUK_OK
        || souk_permission_declare(ctx, "catalog.edit",
            "create and edit products, submit them for review") != SOUK_OK
        || souk_permission_declare(ctx, "catalog.stock",
            "manage warehouses, receipts and stock counts") != SOUK_OK
        || souk_permission_declare(ctx, "catalog.approve",
            "approve or reject products in review") != SOUK_OK
        || souk_permission_declare(ctx, "catalog.publish",
            "list and delist approved products") != SOUK_OK
        || souk_role_declare(ctx, "catalog_editor", editor) != SOUK_OK
        || souk_role_declare(ctx, "catalog_manager", manager) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
catalog_init(souk_plugin_ctx_t *ctx)
{
    if (cat_permissions(ctx) != SOUK_OK
        || cat_model_init(ctx) != SOUK_OK
        || cat_store_init(ctx) != SOUK_OK
        || cat_api_init(ctx) != SOUK_OK
        || cat_admin_init(ctx) != SOUK_OK
        || cat_cli_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static const char *const catalog_requires[] = { "admin", NULL };

SOUK_PLUGIN(catalog,
    .version  = "1.0.0",
    .requires = catalog_requires,
    .init     = catalog_init,
    .summary  = "products, services, variants, categories, stock, search");
