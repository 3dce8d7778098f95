/* The product workflow: draft → review → approved → listed → delisted,
 * who may move a product, scheduled listing, and the history. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"

typedef struct {
    const char  *action;
    const char  *perm;
    const char  *from[2];
    const char  *to;
} cat_move_t;

static const cat_move_t  cat_moves[] = {
    { "submit", "catalog.edit", { "draft", NULL }, "review" },
    { "approve", "catalog.approve", { "review", NULL }, "approved" },
    { "reject", "catalog.approve", { "review", NULL }, "draft" },
    { "list", "catalog.publish", { "approved", "delisted" }, "listed" },
    { "delist", "catalog.publish", { "listed", NULL }, "delisted" },
    { "unschedule", "catalog.publish", { "approved", NULL }, "approved" },
};

static const cat_move_t *
cat_move(const char *action)
{
    size_t  i;

    for (i = 0; action != NULL && i < sizeof(cat_moves) / sizeof(cat_moves[0]);
         i++)
    {
        if (strcmp(cat_moves[i].action, action) == 0) {
            return &cat_moves[i];
        }
    }
    return NULL;
}

const char *
cat_workflow_perm(const char *action)
{
    const cat_move_t  *m = cat_move(action);

    return m != NULL ? m->perm : NULL;
}

typedef struct {
    souk_request_t    *r;
    int64_t            id;
    const cat_move_t  *m;
    const char        *note;
    int64_t            list_at;
    char              *why;
    size_t             whylen;
} cat_wf_t;

static const char *
cat_article(const char *status)
{
    return strchr("aeiou", status[0]) != NULL ? "an" : "a";
}

/* Moves the product (status checked again in the UPDATE, so two staff
 * acting at once cannot both move it) and records and announces it. */
static int
cat_workflow_move(souk_request_t *r, int64_t id, const char *from,
    const char *to, const char *action, const char *note, int64_t list_at)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    cJSON        *ev;
    int           rc;
    int           listing = strcmp(to, "listed") == 0;

    int           k = listing ? 1 : 0;

    st = souk_db_prepare(db, listing
        ? "UPDATE catalog_products SET status = ?, list_at = ?, listed_at = "
          "?, updated_at = ? WHERE id = ? AND status = ?"
        : "UPDATE catalog_products SET status = ?, list_at = ?, updated_at = "
          "? WHERE id = ? AND status = ?");
    if (st == NULL || souk_stmt_bind_text(st, 1, to, -1) != SOUK_OK
        || (list_at > 0 ? souk_stmt_bind_int(st, 2, list_at)
                        : souk_stmt_bind_null(st, 2)) != SOUK_OK
        || souk_stmt_bind_int(st, 3, cat_now()) != SOUK_OK
        || (listing && souk_stmt_bind_int(st, 4, cat_now()) != SOUK_OK)
        || souk_stmt_bind_int(st, 4 + k, id) != SOUK_OK
        || souk_stmt_bind_text(st, 5 + k, from, -1) != SOUK_OK
        || souk_stmt_step(st) != SOUK_DONE)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) == 0) {
        return SOUK_DECLINED;
    }
    if (cat_event_add(r, id, action, from, to, note) != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (strcmp(from, to) != 0) {
        ev = cJSON_CreateObject();
        cJSON_AddNumberToObject(ev, "id", (double) id);
        cJSON_AddStringToObject(ev, "from", from);
        cJSON_AddStringToObject(ev, "to", to);
        rc = souk_action_run(r, "catalog.product.status", ev);
        cJSON_Delete(ev);
        if (rc != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    return cat_listing_refresh(r, id);
}

static int
cat_workflow_tx(souk_db_t *db, void *arg)
{
    cat_wf_t    *t = arg;
    char         from[16];
    const char  *to = t->m->to, *action = t->m->action;
    int64_t      list_at = 0;
    int          rc;

    (void) db;
    if ((rc = cat_product_status(t->r, t->id, from)) != SOUK_OK) {
        return rc == SOUK_DECLINED
               ? cat_decline(t->why, t->whylen, "no such product") : rc;
    }
    if (strcmp(from, t->m->from[0]) != 0
        && (t->m->from[1] == NULL || strcmp(from, t->m->from[1]) != 0))
    {
        return cat_decline(t->why, t->whylen, "%s %s product cannot be "
                           "given \"%s\"", cat_article(from), from, action);
    }
    if (strcmp(action, "list") == 0 && t->list_at > cat_now()) {
        /* Scheduled: it stays approved and the job lists it then. */
        if (strcmp(from, "approved") != 0) {
            return cat_decline(t->why, t->whylen, "only an approved product "
                               "can be scheduled");
        }
        to = "approved";
        action = "schedule";
        list_at = t->list_at;
    }
    rc = cat_workflow_move(t->r, t->id, from, to, action, t->note, list_at);
    return rc == SOUK_DECLINED
           ? cat_decline(t->why, t->whylen, "the product changed meanwhile; "
                         "try again")
           : rc;
}

int
cat_workflow_apply(souk_request_t *r, int64_t id, const char *action,
    const char *note, int64_t list_at, char *why, size_t whylen)
{
    cat_wf_t  t;

    memset(&t, 0, sizeof(t));
    if (why != NULL && whylen > 0) {
        why[0] = '\0';
    }
    t.m = cat_move(action);
    if (t.m == NULL) {
        return cat_decline(why, whylen, "no such action \"%s\"",
                           action != NULL ? action : "");
    }
    if (!souk_user_can(r, t.m->perm)) {
        return cat_decline(why, whylen, "you may not %s products (%s)",
                           action, t.m->perm);
    }
    note = note != NULL ? note : "";
    if (strlen(note) > 500) {
        return cat_decline(why, whylen, "a note is at most 500 characters");
    }
    if (strcmp(action, "reject") == 0 && note[0] == '\0') {
        return cat_decline(why, whylen, "say why the product is rejected");
    }
    t.r = r;
    t.id = id;
    t.note = note;
    t.list_at = list_at;
    t.why = why;
    t.whylen = whylen;
    return souk_db_tx(souk_db(r), cat_workflow_tx, &t);
}

typedef struct {
    souk_request_t  *r;
    int64_t          id;
} cat_due_t;

static int
cat_workflow_due_tx(souk_db_t *db, void *arg)
{
    cat_due_t    *t = arg;
    souk_stmt_t  *st;

    /* Checked again inside: another host may have listed it already. */
    st = souk_db_row(db, "SELECT id FROM catalog_products WHERE id = ? AND "
                     "status = 'approved' AND list_at <= ?", "ii", t->id,
                     cat_now());
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_OK : SOUK_ERROR;
    }
    souk_stmt_reset(st);
    return cat_workflow_move(t->r, t->id, "approved", "listed", "list",
                             "scheduled", 0) == SOUK_ERROR ? SOUK_ERROR
                                                           : SOUK_OK;
}

int
cat_workflow_due(souk_request_t *r)
{
    souk_stmt_t  *st;
    cat_due_t     t;
    int64_t       ids[256];
    size_t        n = 0, i;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT id FROM catalog_products WHERE "
                         "status = 'approved' AND list_at IS NOT NULL AND "
                         "list_at <= ? AND group_id = ? ORDER BY list_at, id "
                         "LIMIT 256");
    if (st == NULL || souk_stmt_bind_int(st, 1, cat_now()) != SOUK_OK
        || souk_stmt_bind_text(st, 2, souk_site_group(r), -1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        ids[n++] = souk_stmt_int(st, 0);
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    /* More than 256 due at once: the rest go on the next turn. */
    for (i = 0; i < n; i++) {
        t.r = r;
        t.id = ids[i];
        if (souk_db_tx(souk_db(r), cat_workflow_due_tx, &t) != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}
