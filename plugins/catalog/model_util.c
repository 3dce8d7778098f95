/* Small helpers the catalog model's files share: the why buffer, whole
 * numbers from JSON, event rows, a product's status. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"

int
cat_decline(char *why, size_t whylen, const char *fmt, ...)
{
    va_list  ap;

    if (why != NULL && whylen > 0) {
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return SOUK_DECLINED;
}

int64_t
cat_group_id(souk_request_t *r, const char *sql, const char *key)
{
    souk_stmt_t  *st;
    int64_t       id;

    if (key == NULL) {
        return 0;
    }
    st = souk_db_row(souk_db(r), sql, "tt", souk_site_group(r), key);
    if (st == NULL) {
        return 0;
    }
    id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return id;
}

int
cat_event_add(souk_request_t *r, int64_t product_id, const char *action,
    const char *from, const char *to, const char *note)
{
    return souk_db_exec(souk_db(r), "INSERT INTO catalog_events (product_id,"
                        " actor, action, from_status, to_status, note, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "iitttti",
                        product_id, souk_user_id(r), action, from, to,
                        note != NULL ? note : "", cat_now());
}

int
cat_product_status(souk_request_t *r, int64_t id, char *buf)
{
    souk_stmt_t  *st;
    souk_db_t    *db = souk_db(r);

    st = souk_db_row(db, "SELECT status FROM catalog_products WHERE id = ? "
                     "AND group_id = ?", "it", id, souk_site_group(r));
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_DECLINED : SOUK_ERROR;
    }
    snprintf(buf, 16, "%s", souk_stmt_text(st, 0));
    souk_stmt_reset(st);
    return SOUK_OK;
}
