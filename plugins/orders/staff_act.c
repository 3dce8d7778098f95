/* What staff do to an order besides moving it: ship it with tracking (the
 * shipment and the move to shipped in one transaction) and add notes to
 * its timeline. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "staff.h"

int64_t
ord_staff_order_param(souk_request_t *r)
{
    int64_t  id = ord_id_by_number(r, souk_request_param(r, "number"));

    return id > 0 ? id : 0;
}

const char *
ord_staff_clean(souk_request_t *r, const char *s, size_t max, int multiline)
{
    const unsigned char  *p;
    size_t                n;

    if (s == NULL) {
        return "";
    }
    while (isspace((unsigned char) *s)) {
        s++;
    }
    n = strlen(s);
    while (n > 0 && isspace((unsigned char) s[n - 1])) {
        n--;
    }
    if (n > max) {
        return NULL;
    }
    for (p = (const unsigned char *) s; p < (const unsigned char *) s + n;
         p++)
    {
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r'
                                          || *p == '\t')))
            || *p == 0x7f)
        {
            return NULL;
        }
    }
    return souk_pstrndup(souk_request_pool(r), s, n);
}

/* http:// or https:// then a host, no spaces or quotes: a link we show
 * to the customer must never be javascript: or data:. */
static int
ord_url_ok(const char *u)
{
    const char  *h;

    if (strncmp(u, "https://", 8) == 0) {
        h = u + 8;
    } else if (strncmp(u, "http://", 7) == 0) {
        h = u + 7;
    } else {
        return 0;
    }
    if (*h == '\0' || *h == '/') {
        return 0;
    }
    for (; *u != '\0'; u++) {
        if (isspace((unsigned char) *u) || *u == '"' || *u == '<'
            || *u == '>' || *u == '\\')
        {
            return 0;
        }
    }
    return 1;
}

typedef struct {
    souk_request_t    *r;
    int64_t            id;
    const ord_ship_t  *s;
    char              *why;
    size_t             whylen;
} ord_ship_tx_t;

static int
ord_ship_tx(souk_db_t *db, void *arg)
{
    ord_ship_tx_t  *t = arg;
    char            note[400];

    /* tracking first, so the shipped mail ord_transition queues reads it;
     * the move below rolls it back when refused */
    if (souk_db_exec(db, "UPDATE orders SET carrier = ?, tracking_number = "
                     "?, tracking_url = ? WHERE id = ? AND site_id = ?",
                     "tttit", t->s->carrier, t->s->tracking_number,
                     t->s->tracking_url, t->id, souk_site_id(t->r))
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (t->s->note != NULL && t->s->note[0] != '\0') {
        snprintf(note, sizeof(note), "%s", t->s->note);
    } else {
        snprintf(note, sizeof(note), "Shipped with %s, tracking number %s",
                 t->s->carrier, t->s->tracking_number);
    }
    return ord_transition(t->r, t->id, "shipped", note, souk_user_id(t->r),
                          1, t->why, t->whylen);
}

int
ord_staff_ship(souk_request_t *r, int64_t order_id, const ord_ship_t *s,
    int *bad_input, char *why, size_t whylen)
{
    ord_ship_tx_t  t = { r, order_id, NULL, why, whylen };
    ord_ship_t     c;

    *bad_input = 1;
    c.carrier = ord_staff_clean(r, s->carrier, 64, 0);
    c.tracking_number = ord_staff_clean(r, s->tracking_number, 128, 0);
    c.tracking_url = ord_staff_clean(r, s->tracking_url, 500, 0);
    c.note = ord_staff_clean(r, s->note, 300, 1);
    if (c.carrier == NULL || c.carrier[0] == '\0') {
        return ord_decline(why, whylen, "Carrier: say who carries the "
                           "parcel (1 to 64 characters)");
    }
    if (c.tracking_number == NULL || c.tracking_number[0] == '\0') {
        return ord_decline(why, whylen, "Tracking number: 1 to 128 "
                           "characters, no control characters");
    }
    if (c.tracking_url == NULL
        || (c.tracking_url[0] != '\0' && !ord_url_ok(c.tracking_url)))
    {
        return ord_decline(why, whylen, "Tracking URL: an http:// or "
                           "https:// address without spaces");
    }
    if (c.note == NULL) {
        return ord_decline(why, whylen, "Note: at most 300 characters");
    }
    *bad_input = 0;
    t.s = &c;
    return souk_db_tx(souk_db(r), ord_ship_tx, &t);
}

typedef struct {
    souk_request_t  *r;
    int64_t          id;
    const char      *note;
    int              public_;
} ord_note_tx_t;

static int
ord_note_tx(souk_db_t *db, void *arg)
{
    ord_note_tx_t  *t = arg;
    ord_head_t      h;
    int             rc;

    (void) db;
    if ((rc = ord_head_load(t->r, t->id, &h)) != SOUK_OK) {
        return rc;
    }
    /* touch the order so lists sorted by activity see it */
    if (souk_db_exec(db, "UPDATE orders SET updated_at = ? WHERE id = ?",
                     "ii", ord_now(), t->id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return ord_event_add(t->r, t->id, "note", NULL, NULL, t->note,
                         souk_user_id(t->r), t->public_);
}

int
ord_staff_note(souk_request_t *r, int64_t order_id, const char *note,
    int public_, char *why, size_t whylen)
{
    ord_note_tx_t  t = { r, order_id, NULL, public_ };
    int            rc;

    t.note = ord_staff_clean(r, note, ORD_NOTE_MAX, 1);
    if (t.note == NULL || t.note[0] == '\0') {
        return ord_decline(why, whylen, "Note: 1 to %d characters, no "
                           "control characters", ORD_NOTE_MAX);
    }
    rc = souk_db_tx(souk_db(r), ord_note_tx, &t);
    if (rc == SOUK_DECLINED) {
        return ord_decline(why, whylen, "No such order");
    }
    return rc;
}
