/* Internal to the template engine: the compiled form shared by tpl_*.c. */
#ifndef SOUK_TPL_INT_H
#define SOUK_TPL_INT_H

#include <stdint.h>

#include "template.h"

/* Node kinds; a template is a flat array of them in source order. */
#define SK_TN_TEXT      0
#define SK_TN_VAR       SK_TPL_TAG_VAR
#define SK_TN_SECTION   SK_TPL_TAG_SECTION
#define SK_TN_INVERTED  SK_TPL_TAG_INVERTED
#define SK_TN_PARTIAL   SK_TPL_TAG_PARTIAL
#define SK_TN_PARENT    SK_TPL_TAG_PARENT
#define SK_TN_BLOCK     SK_TPL_TAG_BLOCK
#define SK_TN_COMMENT   SK_TPL_TAG_COMMENT

typedef struct {
    const char          *name;
    sk_tpl_modifier_pt   fn;
    unsigned             flags;
} sk_tpl_mod_t;

/* A dotted name split once at compile time, so lookups never allocate. */
typedef struct {
    const char   *full;       /* as written, NUL-terminated */
    const char  **segs;       /* NUL-terminated parts; none for "." */
    unsigned      nsegs;
} sk_tpl_name_t;

typedef struct sk_tpl_node_s  sk_tpl_node_t;

struct sk_tpl_node_s {
    uint8_t               kind;
    uint8_t               standalone;  /* the tag's line was removed */
    uint8_t               raw;         /* VAR: no HTML escaping */
    uint8_t               dynamic;     /* PARTIAL/PARENT: {{>*name}} */
    uint8_t               safe;        /* VAR: output needs no escaping */
    uint32_t              end;         /* sections etc.: first node after */
    unsigned              line, col;
    /* TEXT: the bytes. PARTIAL/PARENT: indentation of a standalone tag.
     * BLOCK: the block's indentation (see tpl_parse.c). COMMENT: text. */
    const char           *text;
    size_t                len;
    sk_tpl_name_t         name;
    const sk_tpl_mod_t  **mods;
    const char          **mod_args;
    unsigned              nmods;
    /* PARTIAL/PARENT with a static name: resolved once (not in dev mode) */
    const sk_tpl_t       *memo;
    int                   memo_state;  /* 0 unknown, 1 found, 2 missing */
};

struct sk_tpl_s {
    char            *file;
    char            *src;      /* a copy: text nodes point into it */
    size_t           len;
    sk_tpl_node_t   *nodes;
    size_t           nnodes;
    void            *arena;    /* names, segments, modifier lists */
};

/* tpl_modifier.c */
const sk_tpl_mod_t *sk_tpl_modifier_find(const char *name, size_t len);

/* tpl_cache.c: resolves a partial or parent name for the renderer.
 * SOUK_OK with *out set, SOUK_DECLINED when missing, SOUK_ERROR (err). */
int sk_tpl_cache_partial(sk_tpl_cache_t *c, const char *name,
    const char *from_file, const sk_tpl_t **out, sk_tpl_error_t *err);
int sk_tpl_cache_dev(const sk_tpl_cache_t *c);

/* tpl_parse.c: fills err ("FILE:LINE:COL: msg" when line > 0). */
void sk_tpl_errorf(sk_tpl_error_t *err, const char *file, unsigned line,
    unsigned col, const char *fmt, ...) SOUK_PRINTF(5, 6);

#endif /* SOUK_TPL_INT_H */
