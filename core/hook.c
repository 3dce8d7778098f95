/* Hooks: actions, filters and slots by name, run in a fixed order. */
#include <stdlib.h>
#include <string.h>

#include "souk_core.h"

/*
 * A hook is a (kind, name) pair holding its callbacks, kept sorted by
 * (prio, owner load index, registration seq) at every insert, so the order
 * is right even before sk_hooks_sort runs. seq is unique, which makes the
 * order total: nothing depends on qsort being stable.
 *
 * Hooks live in a chained hash table keyed by name. A request runs several
 * hook names and most have no callbacks at all, so the common case is one
 * hash and one short chain walk that finds nothing. Names of different
 * kinds never mix: running "x" as an action never calls a filter "x".
 */

typedef struct {
    int             prio;
    unsigned        owner;
    unsigned        seq;
    void          (*fn)(void);
    void           *data;
} sk_cb_t;

typedef struct sk_hook_s {
    struct sk_hook_s  *next;     /* hash chain */
    char              *name;
    uint32_t           hash;
    int                kind;
    sk_cb_t           *cbs;
    size_t             ncbs;
    size_t             cap;
} sk_hook_t;

struct sk_hooks_s {
    sk_hook_t  **buckets;
    size_t       nbuckets;       /* a power of two */
    size_t       nhooks;
    unsigned     seq;            /* next registration number */
};

/* FNV-1a: short names, no adversary (only plugins choose them). */
static uint32_t
sk_hook_hash(const char *s)
{
    uint32_t  h = 2166136261u;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char) *s;
        h *= 16777619u;
    }
    return h;
}

sk_hooks_t *
sk_hooks_create(void)
{
    sk_hooks_t  *h;

    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return NULL;
    }
    h->nbuckets = 64;
    h->buckets = calloc(h->nbuckets, sizeof(*h->buckets));
    if (h->buckets == NULL) {
        free(h);
        return NULL;
    }
    return h;
}

static void
sk_hook_free(sk_hook_t *hk)
{
    free(hk->cbs);
    free(hk->name);
    free(hk);
}

void
sk_hooks_destroy(sk_hooks_t *h)
{
    sk_hook_t  *hk, *next;
    size_t      i;

    if (h == NULL) {
        return;
    }
    for (i = 0; i < h->nbuckets; i++) {
        for (hk = h->buckets[i]; hk != NULL; hk = next) {
            next = hk->next;
            sk_hook_free(hk);
        }
    }
    free(h->buckets);
    free(h);
}

static sk_hook_t *
sk_hooks_find(const sk_hooks_t *h, int kind, const char *name)
{
    sk_hook_t  *hk;
    uint32_t    hash = sk_hook_hash(name);

    for (hk = h->buckets[hash & (h->nbuckets - 1)]; hk != NULL;
         hk = hk->next)
    {
        if (hk->hash == hash && hk->kind == kind
            && strcmp(hk->name, name) == 0)
        {
            return hk;
        }
    }
    return NULL;
}

/* Doubles the table when chains would get long; a failure only costs
 * speed, so it is not an error. */
static void
sk_hooks_grow(sk_hooks_t *h)
{
    sk_hook_t  **b, *hk, *next;
    size_t       n = h->nbuckets * 2, i;

    b = calloc(n, sizeof(*b));
    if (b == NULL) {
        return;
    }
    for (i = 0; i < h->nbuckets; i++) {
        for (hk = h->buckets[i]; hk != NULL; hk = next) {
            next = hk->next;
            hk->next = b[hk->hash & (n - 1)];
            b[hk->hash & (n - 1)] = hk;
        }
    }
    free(h->buckets);
    h->buckets = b;
    h->nbuckets = n;
}

static sk_hook_t *
sk_hooks_insert(sk_hooks_t *h, int kind, const char *name)
{
    sk_hook_t  *hk;
    size_t      i;

    if (h->nhooks >= h->nbuckets) {
        sk_hooks_grow(h);
    }
    hk = calloc(1, sizeof(*hk));
    if (hk == NULL || (hk->name = strdup(name)) == NULL) {
        free(hk);
        return NULL;
    }
    hk->kind = kind;
    hk->hash = sk_hook_hash(name);
    i = hk->hash & (h->nbuckets - 1);
    hk->next = h->buckets[i];
    h->buckets[i] = hk;
    h->nhooks++;
    return hk;
}

static int
sk_cb_cmp(const sk_cb_t *a, const sk_cb_t *b)
{
    if (a->prio != b->prio) {
        return a->prio < b->prio ? -1 : 1;
    }
    if (a->owner != b->owner) {
        return a->owner < b->owner ? -1 : 1;
    }
    if (a->seq != b->seq) {
        return a->seq < b->seq ? -1 : 1;
    }
    return 0;
}

int
sk_hooks_add(sk_hooks_t *h, int kind, const char *name, unsigned owner,
    int prio, void (*fn)(void), void *data)
{
    sk_hook_t  *hk;
    sk_cb_t     cb, *a;
    size_t      i, cap;

    if (h == NULL || name == NULL || name[0] == '\0' || fn == NULL
        || owner >= SK_PLUGIN_MAX
        || (kind != SK_HOOK_ACTION && kind != SK_HOOK_FILTER
            && kind != SK_HOOK_SLOT))
    {
        return SOUK_ERROR;
    }
    hk = sk_hooks_find(h, kind, name);
    if (hk == NULL && (hk = sk_hooks_insert(h, kind, name)) == NULL) {
        return SOUK_ERROR;
    }
    if (hk->ncbs == hk->cap) {
        cap = hk->cap ? hk->cap * 2 : 4;
        a = realloc(hk->cbs, cap * sizeof(*a));
        if (a == NULL) {
            /* An empty hook left behind is harmless: it runs nothing. */
            return SOUK_ERROR;
        }
        hk->cbs = a;
        hk->cap = cap;
    }
    cb.prio = prio;
    cb.owner = owner;
    cb.seq = h->seq++;
    cb.fn = fn;
    cb.data = data;
    /* Insertion keeps the run order; registration is start-up only. */
    for (i = hk->ncbs; i > 0 && sk_cb_cmp(&hk->cbs[i - 1], &cb) > 0; i--) {
        hk->cbs[i] = hk->cbs[i - 1];
    }
    hk->cbs[i] = cb;
    hk->ncbs++;
    return SOUK_OK;
}

void
sk_hooks_remove_owner(sk_hooks_t *h, unsigned owner)
{
    sk_hook_t  **pp, *hk;
    size_t       i, j, k;

    if (h == NULL) {
        return;
    }
    for (i = 0; i < h->nbuckets; i++) {
        pp = &h->buckets[i];
        while ((hk = *pp) != NULL) {
            for (j = 0, k = 0; j < hk->ncbs; j++) {
                if (hk->cbs[j].owner != owner) {
                    hk->cbs[k++] = hk->cbs[j];
                }
            }
            hk->ncbs = k;
            if (k == 0) {
                /* Gone entirely, so `souk hooks` does not list it. */
                *pp = hk->next;
                sk_hook_free(hk);
                h->nhooks--;
            } else {
                pp = &hk->next;
            }
        }
    }
}

static int
sk_cb_qsort_cmp(const void *a, const void *b)
{
    return sk_cb_cmp(a, b);
}

void
sk_hooks_sort(sk_hooks_t *h)
{
    sk_hook_t  *hk;
    size_t      i;

    if (h == NULL) {
        return;
    }
    /* Already in order by construction; sorting again keeps the promise of
     * the contract should callbacks ever be added another way. */
    for (i = 0; i < h->nbuckets; i++) {
        for (hk = h->buckets[i]; hk != NULL; hk = hk->next) {
            qsort(hk->cbs, hk->ncbs, sizeof(sk_cb_t), sk_cb_qsort_cmp);
        }
    }
}

/*
 * The hook to run for r, or NULL when there is nothing to do. Without a
 * site (r->enabled NULL) no plugin is on, so nothing runs.
 */
static const sk_hook_t *
sk_hooks_for(const sk_hooks_t *h, const souk_request_t *r, int kind,
    const char *name)
{
    if (h == NULL || r == NULL || r->enabled == NULL || name == NULL) {
        return NULL;
    }
    return sk_hooks_find(h, kind, name);
}

static const sk_plugin_t *
sk_hooks_enter(souk_request_t *r, unsigned owner)
{
    const sk_plugin_t  *saved = r->cur_plugin;

    r->cur_plugin = r->rt != NULL ? r->rt->plugins[owner] : NULL;
    return saved;
}

int
sk_hooks_run_action(const sk_hooks_t *h, souk_request_t *r,
    const char *name, const cJSON *event)
{
    const sk_hook_t     *hk = sk_hooks_for(h, r, SK_HOOK_ACTION, name);
    const sk_plugin_t   *saved;
    souk_action_pt       fn;
    size_t               i;
    int                  rc;

    for (i = 0; hk != NULL && i < hk->ncbs; i++) {
        if (!r->enabled[hk->cbs[i].owner]) {
            continue;
        }
        fn = (souk_action_pt) hk->cbs[i].fn;
        saved = sk_hooks_enter(r, hk->cbs[i].owner);
        rc = fn(r, event, hk->cbs[i].data);
        r->cur_plugin = saved;
        if (rc == SOUK_ERROR) {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

int
sk_hooks_run_filter(const sk_hooks_t *h, souk_request_t *r,
    const char *name, cJSON *value)
{
    const sk_hook_t     *hk = sk_hooks_for(h, r, SK_HOOK_FILTER, name);
    const sk_plugin_t   *saved;
    souk_filter_pt       fn;
    size_t               i;
    int                  rc;

    for (i = 0; hk != NULL && i < hk->ncbs; i++) {
        if (!r->enabled[hk->cbs[i].owner]) {
            continue;
        }
        fn = (souk_filter_pt) hk->cbs[i].fn;
        saved = sk_hooks_enter(r, hk->cbs[i].owner);
        rc = fn(r, value, hk->cbs[i].data);
        r->cur_plugin = saved;
        if (rc == SOUK_ERROR) {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

/*
 * Returns how many callbacks added their output: one that failed ran, but
 * shows nothing, and a template asking "is this slot empty?" wants the
 * count of what is on the page.
 */
int
sk_hooks_run_slot(const sk_hooks_t *h, souk_request_t *r,
    const char *name, const cJSON *model, souk_buf_t *out)
{
    const sk_hook_t     *hk = sk_hooks_for(h, r, SK_HOOK_SLOT, name);
    const sk_plugin_t   *saved;
    souk_slot_pt         fn;
    size_t               i, len;
    int                  rc, n = 0;

    for (i = 0; hk != NULL && out != NULL && i < hk->ncbs; i++) {
        if (!r->enabled[hk->cbs[i].owner]) {
            continue;
        }
        fn = (souk_slot_pt) hk->cbs[i].fn;
        len = out->len;
        saved = sk_hooks_enter(r, hk->cbs[i].owner);
        rc = fn(r, out, model, hk->cbs[i].data);
        if (rc == SOUK_ERROR) {
            /* Logged while cur_plugin still names the culprit. Growth may
             * have moved data, but never below len bytes. */
            souk_log(r, SOUK_LOG_ERROR, "slot %s failed, its output of %zu "
                     "bytes dropped", name,
                     out->len > len ? out->len - len : (size_t) 0);
            out->len = len;
            out->data[len] = '\0';
        } else {
            n++;
        }
        r->cur_plugin = saved;
    }
    return n;
}

static int
sk_hook_ptr_cmp(const void *a, const void *b)
{
    const sk_hook_t  *x = *(const sk_hook_t *const *) a;
    const sk_hook_t  *y = *(const sk_hook_t *const *) b;
    int               c = strcmp(x->name, y->name);

    if (c != 0) {
        return c;
    }
    return x->kind - y->kind;
}

void
sk_hooks_each(const sk_hooks_t *h, sk_enabled_t enabled,
    void (*fn)(void *arg, const char *name, int kind, int prio,
               unsigned owner, unsigned seq), void *arg)
{
    const sk_hook_t  **all, *hk;
    size_t             i, j, n = 0;

    if (h == NULL || h->nhooks == 0) {
        return;
    }
    /* Only the CLI lists hooks, so a temporary sorted index will do. */
    all = malloc(h->nhooks * sizeof(*all));
    if (all == NULL) {
        return;
    }
    for (i = 0; i < h->nbuckets; i++) {
        for (hk = h->buckets[i]; hk != NULL; hk = hk->next) {
            all[n++] = hk;
        }
    }
    qsort(all, n, sizeof(*all), sk_hook_ptr_cmp);
    /* A listing with no site filter shows everything. */
    for (i = 0; i < n; i++) {
        for (j = 0; j < all[i]->ncbs; j++) {
            const sk_cb_t  *cb = &all[i]->cbs[j];

            if (enabled == NULL || enabled[cb->owner]) {
                fn(arg, all[i]->name, all[i]->kind, cb->prio, cb->owner,
                   cb->seq);
            }
        }
    }
    free(all);
}

SOUK_API int
souk_action_run(souk_request_t *r, const char *name, const cJSON *event)
{
    if (r == NULL || r->rt == NULL) {
        return SOUK_OK;
    }
    return sk_hooks_run_action(r->rt->hooks, r, name, event);
}

SOUK_API int
souk_filter_run(souk_request_t *r, const char *name, cJSON *value)
{
    if (r == NULL || r->rt == NULL) {
        return SOUK_OK;
    }
    return sk_hooks_run_filter(r->rt->hooks, r, name, value);
}

SOUK_API int
souk_slot_render(souk_request_t *r, const char *name, const cJSON *model,
    souk_buf_t *out)
{
    if (r == NULL || r->rt == NULL) {
        return 0;
    }
    return sk_hooks_run_slot(r->rt->hooks, r, name, model, out);
}
