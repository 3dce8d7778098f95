/* The per-worker template cache: compiled templates keyed by file path,
 * re-read when changed in development mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tpl_int.h"

#define SK_TPL_BUCKETS   64
#define SK_TPL_MAX_FILE  (8u << 20)    /* a template file larger is refused */

typedef struct sk_tce_s  sk_tce_t;
struct sk_tce_s {
    sk_tce_t         *next;
    char             *path;
    sk_tpl_t         *tpl;
    struct timespec   mtime;
    off_t             size;
    int               pinned;    /* from sk_tpl_cache_add: never re-read */
};

struct sk_tpl_cache_s {
    sk_tpl_load_pt    load;
    void             *load_ctx;
    unsigned          flags;
    sk_tce_t         *b[SK_TPL_BUCKETS];
};

static unsigned
sk_hash(const char *s)
{
    unsigned  h = 2166136261u;

    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char) *s) * 16777619u;
    }
    return h % SK_TPL_BUCKETS;
}

sk_tpl_cache_t *
sk_tpl_cache_create(sk_tpl_load_pt load, void *load_ctx, unsigned flags)
{
    sk_tpl_cache_t  *c = calloc(1, sizeof(sk_tpl_cache_t));

    if (c != NULL) {
        c->load = load;
        c->load_ctx = load_ctx;
        c->flags = flags;
    }
    return c;
}

static void
sk_tce_free(sk_tce_t *e)
{
    sk_tpl_free(e->tpl);
    free(e->path);
    free(e);
}

/* Drops every entry read from a file (keep_pinned) or every entry. */
static void
sk_cache_clear(sk_tpl_cache_t *c, int keep_pinned)
{
    sk_tce_t  **pp, *e;
    size_t      i;

    for (i = 0; i < SK_TPL_BUCKETS; i++) {
        pp = &c->b[i];
        while ((e = *pp) != NULL) {
            if (keep_pinned && e->pinned) {
                pp = &e->next;
                continue;
            }
            *pp = e->next;
            sk_tce_free(e);
        }
    }
}

void
sk_tpl_cache_destroy(sk_tpl_cache_t *c)
{
    if (c != NULL) {
        sk_cache_clear(c, 0);
        free(c);
    }
}

int
sk_tpl_cache_dev(const sk_tpl_cache_t *c)
{
    return (c->flags & SK_TPL_DEV) != 0;
}

/*
 * Development mode: when any file changed, everything read from files is
 * dropped at once. Compiled templates point at each other (resolved
 * partials), so dropping one alone could leave another pointing at freed
 * memory; this runs only between renders.
 */
static void
sk_cache_refresh(sk_tpl_cache_t *c)
{
    struct stat  st;
    sk_tce_t    *e;
    size_t       i;

    if (!(c->flags & SK_TPL_DEV)) {
        return;
    }
    for (i = 0; i < SK_TPL_BUCKETS; i++) {
        for (e = c->b[i]; e != NULL; e = e->next) {
            if (e->pinned) {
                continue;
            }
            if (stat(e->path, &st) != 0 || st.st_size != e->size
                || st.st_mtim.tv_sec != e->mtime.tv_sec
                || st.st_mtim.tv_nsec != e->mtime.tv_nsec)
            {
                sk_cache_clear(c, 1);
                return;
            }
        }
    }
}

static sk_tce_t *
sk_cache_find(sk_tpl_cache_t *c, const char *path)
{
    sk_tce_t  *e;

    for (e = c->b[sk_hash(path)]; e != NULL; e = e->next) {
        if (strcmp(e->path, path) == 0) {
            return e;
        }
    }
    return NULL;
}

static sk_tce_t *
sk_cache_insert(sk_tpl_cache_t *c, const char *path, sk_tpl_t *t)
{
    sk_tce_t  *e = calloc(1, sizeof(sk_tce_t));
    unsigned   h = sk_hash(path);

    if (e == NULL || (e->path = strdup(path)) == NULL) {
        abort();
    }
    e->tpl = t;
    e->next = c->b[h];
    c->b[h] = e;
    return e;
}

/* Reads and compiles one file; the entry keeps its mtime for dev mode. */
static const sk_tpl_t *
sk_cache_load(sk_tpl_cache_t *c, const char *path, sk_tpl_error_t *err)
{
    struct stat  st;
    sk_tce_t    *e = sk_cache_find(c, path);
    sk_tpl_t    *t;
    char        *src;
    size_t       got = 0;
    ssize_t      n;
    int          fd;

    if (e != NULL) {
        return e->tpl;
    }
    errno = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        sk_tpl_errorf(err, path, 0, 0, "cannot read: %s",
                      fd < 0 || errno != 0 ? strerror(errno)
                                           : "not a regular file");
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    if ((size_t) st.st_size > SK_TPL_MAX_FILE) {
        close(fd);
        sk_tpl_errorf(err, path, 0, 0, "template larger than %u bytes",
                      SK_TPL_MAX_FILE);
        return NULL;
    }
    src = malloc((size_t) st.st_size + 1);
    if (src == NULL) {
        abort();
    }
    while (got < (size_t) st.st_size
           && (n = read(fd, src + got, (size_t) st.st_size - got)) > 0)
    {
        got += (size_t) n;
    }
    close(fd);
    t = sk_tpl_compile(src, got, path, err);
    free(src);
    if (t == NULL) {
        return NULL;
    }
    e = sk_cache_insert(c, path, t);
    e->mtime = st.st_mtim;
    e->size = st.st_size;
    return t;
}

const sk_tpl_t *
sk_tpl_cache_file(sk_tpl_cache_t *c, const char *path, sk_tpl_error_t *err)
{
    sk_cache_refresh(c);
    return sk_cache_load(c, path, err);
}

const sk_tpl_t *
sk_tpl_cache_add(sk_tpl_cache_t *c, const char *path, const char *src,
    size_t len, sk_tpl_error_t *err)
{
    sk_tpl_t   *t = sk_tpl_compile(src, len, path, err);
    sk_tce_t   *e;

    if (t == NULL) {
        return NULL;
    }
    e = sk_cache_find(c, path);
    if (e != NULL) {
        /* Others may have resolved the old one: start over. */
        sk_cache_clear(c, 0);
    }
    e = sk_cache_insert(c, path, t);
    e->pinned = 1;
    return t;
}

/* Asks the loader; SOUK_OK with a malloc'ed *path. */
static int
sk_cache_ask(sk_tpl_cache_t *c, const char *name, const char *from,
    char **path, sk_tpl_error_t *err)
{
    int  rc;

    *path = NULL;
    if (c->load == NULL) {
        return SOUK_DECLINED;
    }
    rc = c->load(c->load_ctx, name, from, path);
    if (rc == SOUK_OK && *path == NULL) {
        rc = SOUK_ERROR;
    }
    if (rc == SOUK_ERROR) {
        sk_tpl_errorf(err, NULL, 0, 0, "%s",
                      *path ? *path : "template refused by the loader");
    }
    if (rc != SOUK_OK) {
        free(*path);
        *path = NULL;
    }
    return rc;
}

int
sk_tpl_cache_partial(sk_tpl_cache_t *c, const char *name,
    const char *from_file, const sk_tpl_t **out, sk_tpl_error_t *err)
{
    char  *path;
    int    rc = sk_cache_ask(c, name, from_file, &path, err);

    *out = NULL;
    if (rc != SOUK_OK) {
        return rc;
    }
    *out = sk_cache_load(c, path, err);
    free(path);
    return *out ? SOUK_OK : SOUK_ERROR;
}

const sk_tpl_t *
sk_tpl_cache_get(sk_tpl_cache_t *c, const char *name, sk_tpl_error_t *err)
{
    const sk_tpl_t  *t;
    char            *path;
    int              rc;

    sk_cache_refresh(c);
    rc = sk_cache_ask(c, name, NULL, &path, err);
    if (rc == SOUK_DECLINED) {
        sk_tpl_errorf(err, NULL, 0, 0, "template \"%s\" not found", name);
    }
    if (rc != SOUK_OK) {
        return NULL;
    }
    t = sk_cache_load(c, path, err);
    free(path);
    return t;
}
