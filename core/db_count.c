/* The per-request statement counter behind X-Souk-Queries (core/db.c
 * counts; the answer code reads it). */
#include "souk_core.h"
#include "db_int.h"

/*
 * Apart from db.c so the answer code (core/respond.c, core/dispatch.c) can
 * be linked into a test without a database driver.
 */
unsigned long
sk_db_queries(const souk_db_t *db)
{
    return db != NULL ? db->nqueries : 0;
}

void
sk_db_queries_reset(souk_db_t *db)
{
    if (db != NULL) {
        db->nqueries = 0;
    }
}
