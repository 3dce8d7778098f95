/* The per-request arena: bump allocation in blocks, freed all at once. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "souk_core.h"

#define SK_POOL_ALIGN  16
/* Block data starts at this offset, so it is as aligned as malloc's. */
#define SK_BLOCK_HDR   ((sizeof(sk_block_t) + SK_POOL_ALIGN - 1)          \
                        & ~(size_t) (SK_POOL_ALIGN - 1))

typedef struct sk_block_s {
    struct sk_block_s  *next;
    size_t              size;    /* usable bytes after the header */
    size_t              used;
} sk_block_t;

typedef struct sk_cleanup_s {
    struct sk_cleanup_s  *next;
    void                (*fn)(void *);
    void                 *arg;
} sk_cleanup_t;

struct souk_pool_s {
    sk_block_t    *first;
    sk_block_t    *current;
    size_t         block_size;
    sk_cleanup_t  *cleanups;
};

/* Allocation failure is not recoverable on the request path: abort, and the
 * master starts a fresh worker. */
static void
sk_pool_oom(void)
{
    static const char msg[] = "soukd: out of memory, worker aborts\n";

    (void) !write(2, msg, sizeof(msg) - 1);
    abort();
}

static sk_block_t *
sk_block_new(size_t size)
{
    sk_block_t  *b;

    b = malloc(SK_BLOCK_HDR + size);
    if (b == NULL) {
        sk_pool_oom();
    }
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

souk_pool_t *
sk_pool_create(size_t block_size)
{
    souk_pool_t  *p;

    if (block_size < 1024) {
        block_size = 1024;
    }
    p = malloc(sizeof(*p));
    if (p == NULL) {
        sk_pool_oom();
    }
    p->block_size = block_size;
    p->first = sk_block_new(block_size);
    p->current = p->first;
    p->cleanups = NULL;
    return p;
}

static void
sk_pool_run_cleanups(souk_pool_t *p)
{
    sk_cleanup_t  *c;

    /* Cleanups live in the pool itself, so read next before nothing frees. */
    for (c = p->cleanups; c != NULL; c = c->next) {
        c->fn(c->arg);
    }
    p->cleanups = NULL;
}

void
sk_pool_reset(souk_pool_t *p)
{
    sk_block_t  *b, *next;

    sk_pool_run_cleanups(p);
    for (b = p->first->next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    p->first->next = NULL;
    p->first->used = 0;
    p->current = p->first;
}

void
sk_pool_destroy(souk_pool_t *p)
{
    if (p == NULL) {
        return;
    }
    sk_pool_reset(p);
    free(p->first);
    free(p);
}

size_t
sk_pool_size(const souk_pool_t *p)
{
    const sk_block_t  *b;
    size_t             n = 0;

    for (b = p->first; b != NULL; b = b->next) {
        n += b->size;
    }
    return n;
}

SOUK_API void *
souk_palloc(souk_pool_t *p, size_t n)
{
    sk_block_t  *b = p->current;
    size_t       off;
    void        *m;

    if (n == 0) {
        n = 1;
    }
    off = (b->used + SK_POOL_ALIGN - 1) & ~(size_t) (SK_POOL_ALIGN - 1);
    if (off > b->size || n > b->size - off) {
        /* A large request gets a block of its own so the rest of the
         * current block stays usable. */
        size_t  size = n > p->block_size / 4 ? n : p->block_size;

        b = sk_block_new(size);
        if (n > p->block_size / 4) {
            b->next = p->current->next;
            p->current->next = b;
        } else {
            /* Keep any large blocks already linked after current. */
            b->next = p->current->next;
            p->current->next = b;
            p->current = b;
        }
        off = 0;
    }
    m = (char *) b + SK_BLOCK_HDR + off;
    b->used = off + n;
    return m;
}

SOUK_API void *
souk_pcalloc(souk_pool_t *p, size_t n)
{
    void  *m = souk_palloc(p, n);

    memset(m, 0, n);
    return m;
}

SOUK_API char *
souk_pstrndup(souk_pool_t *p, const char *s, size_t n)
{
    char  *d = souk_palloc(p, n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

SOUK_API char *
souk_pstrdup(souk_pool_t *p, const char *s)
{
    return souk_pstrndup(p, s, strlen(s));
}

SOUK_API char *
souk_pvsprintf(souk_pool_t *p, const char *fmt, va_list ap)
{
    va_list  cp;
    int      n;
    char    *d;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        return souk_pstrdup(p, "");
    }
    d = souk_palloc(p, (size_t) n + 1);
    vsnprintf(d, (size_t) n + 1, fmt, ap);
    return d;
}

SOUK_API char *
souk_psprintf(souk_pool_t *p, const char *fmt, ...)
{
    va_list  ap;
    char    *d;

    va_start(ap, fmt);
    d = souk_pvsprintf(p, fmt, ap);
    va_end(ap);
    return d;
}

SOUK_API int
souk_pool_cleanup_add(souk_pool_t *p, void (*fn)(void *), void *arg)
{
    sk_cleanup_t  *c = souk_palloc(p, sizeof(*c));

    c->fn = fn;
    c->arg = arg;
    c->next = p->cleanups;
    p->cleanups = c;
    return SOUK_OK;
}

static void
sk_pool_json_delete(void *arg)
{
    cJSON_Delete(arg);
}

SOUK_API cJSON *
souk_pool_json(souk_pool_t *p, cJSON *root)
{
    if (root == NULL) {
        sk_pool_oom();
    }
    souk_pool_cleanup_add(p, sk_pool_json_delete, root);
    return root;
}
