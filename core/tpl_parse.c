/* The template compiler: Mustache source to a flat node array, with the
 * spec's standalone-line and indentation rules settled at compile time. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpl_int.h"

/*
 * Compilation runs in three passes over the source:
 *   1. tokenize: text runs (split after each newline) and tags, honouring
 *      set-delimiter tags as they come;
 *   2. standalone: a line holding only whitespace and tags that print
 *      nothing themselves (sections, comments, partials, parents, blocks,
 *      delimiters) loses its whitespace and newline; several such tags on
 *      one line count too (the inheritance spec needs "{{<p}}{{$b}}"), but
 *      a block opened and closed on one line is an inline slot and keeps
 *      the line;
 *   3. build: nodes, with sections pointing past their end.
 */

#define SK_TOK_TEXT  '\0'

typedef struct {
    char       type;        /* SK_TOK_TEXT, or the sigil; 'v' variable */
    uint8_t    removed;     /* text of a standalone line */
    uint8_t    standalone;
    uint8_t    dynamic;
    size_t     start, end;  /* the whole token in src */
    size_t     cs, cl;      /* tag content, trimmed, sigil and '*' gone */
    size_t     ind, indl;   /* partial/parent/block indentation in src */
    unsigned   line, col;
} sk_tok_t;

typedef struct {
    const char       *src;
    size_t            len;
    const char       *file;
    sk_tpl_error_t   *err;
    sk_tok_t         *toks;
    size_t            ntoks, cap;
    char              otag[16], ctag[16];
    size_t            olen, clen;
    size_t            scanned, line_start;   /* position tracking */
    unsigned          line;
    sk_tpl_t         *t;
} sk_ps_t;

typedef struct sk_chunk_s  sk_chunk_t;
struct sk_chunk_s {
    sk_chunk_t  *next;
    size_t       used, cap;
    char         data[];
};

void
sk_tpl_errorf(sk_tpl_error_t *err, const char *file, unsigned line,
    unsigned col, const char *fmt, ...)
{
    char     msg[512];
    va_list  ap;

    if (err == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    err->col = col;
    if (file != NULL && line > 0) {
        snprintf(err->msg, sizeof(err->msg), "%s:%u:%u: %s", file, line, col,
                 msg);
    } else if (file != NULL && file[0] != '\0') {
        snprintf(err->msg, sizeof(err->msg), "%s: %s", file, msg);
    } else {
        snprintf(err->msg, sizeof(err->msg), "%s", msg);
    }
}

/* Template-lifetime memory: names and lists, freed with the template. */
static void *
sk_arena_alloc(void **arena, size_t n)
{
    sk_chunk_t  *c = *arena;
    void        *p;

    n = (n + 7) & ~(size_t) 7;
    if (c == NULL || c->cap - c->used < n) {
        size_t  cap = n > 4000 ? n : 4000;

        c = malloc(sizeof(sk_chunk_t) + cap);
        if (c == NULL) {
            abort();    /* as the pool does: the master restarts us */
        }
        c->next = *arena;
        c->used = 0;
        c->cap = cap;
        *arena = c;
    }
    p = c->data + c->used;
    c->used += n;
    return p;
}

static char *
sk_arena_strndup(void **arena, const char *s, size_t n)
{
    char  *d = sk_arena_alloc(arena, n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void
sk_pos(sk_ps_t *ps, size_t p, unsigned *line, unsigned *col)
{
    while (ps->scanned < p) {
        if (ps->src[ps->scanned] == '\n') {
            ps->line++;
            ps->line_start = ps->scanned + 1;
        }
        ps->scanned++;
    }
    *line = ps->line;
    *col = (unsigned) (p - ps->line_start + 1);
}

/* memmem, without asking every includer for _GNU_SOURCE. */
static const char *
sk_find(const char *h, size_t hl, const char *n, size_t nl)
{
    const char  *end = h + hl, *p;

    while ((size_t) (end - h) >= nl) {
        p = memchr(h, n[0], (size_t) (end - h) - nl + 1);
        if (p == NULL) {
            return NULL;
        }
        if (memcmp(p, n, nl) == 0) {
            return p;
        }
        h = p + 1;
    }
    return NULL;
}

static int
sk_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static sk_tok_t *
sk_tok_new(sk_ps_t *ps)
{
    if (ps->ntoks == ps->cap) {
        size_t     cap = ps->cap ? ps->cap * 2 : 64;
        sk_tok_t  *t = realloc(ps->toks, cap * sizeof(sk_tok_t));

        if (t == NULL) {
            abort();
        }
        ps->toks = t;
        ps->cap = cap;
    }
    memset(&ps->toks[ps->ntoks], 0, sizeof(sk_tok_t));
    return &ps->toks[ps->ntoks++];
}

/* Text, one token per line so standalone lines are easy to find. */
static void
sk_tok_text(sk_ps_t *ps, size_t from, size_t to)
{
    while (from < to) {
        const char  *nl = memchr(ps->src + from, '\n', to - from);
        size_t       e = nl ? (size_t) (nl - ps->src) + 1 : to;
        sk_tok_t    *t = sk_tok_new(ps);

        t->type = SK_TOK_TEXT;
        t->start = from;
        t->end = e;
        from = e;
    }
}

static void
sk_trim(const char *s, size_t *cs, size_t *cl)
{
    while (*cl > 0 && sk_ws(s[*cs])) {
        (*cs)++;
        (*cl)--;
    }
    while (*cl > 0 && sk_ws(s[*cs + *cl - 1])) {
        (*cl)--;
    }
}

/* {{=<% %>=}}: two delimiters, no whitespace or '=' inside either. */
static int
sk_set_delims(sk_ps_t *ps, sk_tok_t *t)
{
    const char  *s = ps->src + t->cs;
    size_t       n = t->cl, a = 0, b;

    if (n < 1 || s[n - 1] != '=') {
        goto bad;
    }
    n--;
    while (a < n && !sk_ws(s[a])) {
        a++;
    }
    b = a;
    while (b < n && sk_ws(s[b])) {
        b++;
    }
    while (n > b && sk_ws(s[n - 1])) {
        n--;
    }
    if (a == 0 || a >= sizeof(ps->otag) || b == a || n == b
        || n - b >= sizeof(ps->ctag) || memchr(s, '=', a) != NULL
        || memchr(s + b, '=', n - b) != NULL)
    {
        goto bad;
    }
    {
        size_t  i;

        for (i = b; i < n; i++) {
            if (sk_ws(s[i])) {
                goto bad;
            }
        }
    }
    memcpy(ps->otag, s, a);
    ps->olen = a;
    memcpy(ps->ctag, s + b, n - b);
    ps->clen = n - b;
    return SOUK_OK;

bad:
    sk_tpl_errorf(ps->err, ps->file, t->line, t->col,
                  "bad set-delimiter tag (want {{=<%% %%>=}})");
    return SOUK_ERROR;
}

static int
sk_tokenize(sk_ps_t *ps)
{
    const char  *src = ps->src;
    size_t       p = 0;

    while (p < ps->len) {
        const char  *q = sk_find(src + p, ps->len - p, ps->otag,
                                 ps->olen);
        const char  *e;
        char         close[20];
        size_t       at, cs, closel;
        sk_tok_t    *t;
        char         type = 'v';

        if (q == NULL) {
            sk_tok_text(ps, p, ps->len);
            break;
        }
        at = (size_t) (q - src);
        sk_tok_text(ps, p, at);
        cs = at + ps->olen;
        closel = ps->clen;
        memcpy(close, ps->ctag, ps->clen);
        if (cs < ps->len && src[cs] == '{') {
            type = '{';
            close[0] = '}';
            memcpy(close + 1, ps->ctag, ps->clen);
            closel++;
            cs++;
        } else if (cs < ps->len && strchr("#^/!><$=&", src[cs]) != NULL
                   && src[cs] != '\0')
        {
            type = src[cs++];
        }
        t = sk_tok_new(ps);
        t->type = type;
        t->start = at;
        sk_pos(ps, at, &t->line, &t->col);
        e = sk_find(src + cs, ps->len - cs, close, closel);
        if (e == NULL) {
            sk_tpl_errorf(ps->err, ps->file, t->line, t->col,
                          "unclosed tag (no \"%.*s\" after it)", (int) closel,
                          close);
            return SOUK_ERROR;
        }
        t->cs = cs;
        t->cl = (size_t) (e - src) - cs;
        t->end = (size_t) (e - src) + closel;
        p = t->end;
        sk_trim(src, &t->cs, &t->cl);
        if (type == '=') {
            if (sk_set_delims(ps, t) != SOUK_OK) {
                return SOUK_ERROR;
            }
        } else if ((type == '>' || type == '<') && t->cl > 0
                   && src[t->cs] == '*')
        {
            t->dynamic = 1;
            t->cs++;
            t->cl--;
            sk_trim(src, &t->cs, &t->cl);
        }
    }
    return SOUK_OK;
}

static int
sk_tok_blank(const sk_ps_t *ps, const sk_tok_t *t)
{
    size_t  i;

    for (i = t->start; i < t->end; i++) {
        if (!sk_ws(ps->src[i])) {
            return 0;
        }
    }
    return 1;
}

static int
sk_same_name(const sk_ps_t *ps, const sk_tok_t *a, const sk_tok_t *b)
{
    size_t  bs = b->cs, bl = b->cl;

    if (bl > 0 && ps->src[bs] == '*') {     /* "{{/ *name}}" closes one too */
        bs++;
        bl--;
        sk_trim(ps->src, &bs, &bl);
    }
    return a->cl == bl && memcmp(ps->src + a->cs, ps->src + bs, bl) == 0;
}

/* Tokens i..j form one line; removes it when it is standalone. */
static void
sk_line(sk_ps_t *ps, size_t i, size_t j)
{
    size_t     k, m, ntags = 0, next;
    sk_tok_t  *tk = ps->toks;

    for (k = i; k <= j; k++) {
        if (tk[k].type == SK_TOK_TEXT) {
            if (!sk_tok_blank(ps, &tk[k])) {
                ntags = 0;
                break;
            }
        } else if (strchr("v&{", tk[k].type) != NULL) {
            ntags = 0;
            break;
        } else {
            ntags++;
        }
    }
    for (k = i; ntags > 0 && k <= j; k++) {
        for (m = k + 1; tk[k].type == '$' && m <= j; m++) {
            if (tk[m].type == '/' && sk_same_name(ps, &tk[k], &tk[m])) {
                ntags = 0;      /* an inline block: a slot on this line */
                break;
            }
        }
    }
    if (ntags == 0) {
        /* A block after nothing but whitespace is indented by it. */
        for (k = i; k <= j; k++) {
            if (tk[k].type == SK_TOK_TEXT && sk_tok_blank(ps, &tk[k])) {
                continue;
            }
            if (tk[k].type == '$') {
                tk[k].ind = tk[i].start;
                tk[k].indl = tk[k].start - tk[i].start;
            }
            break;
        }
        return;
    }
    next = tk[j].end;
    for (k = i; k <= j; k++) {
        if (tk[k].type == SK_TOK_TEXT) {
            tk[k].removed = 1;
            continue;
        }
        tk[k].standalone = 1;
        if (tk[k].type == '>' || tk[k].type == '<') {
            tk[k].ind = tk[i].start;
            tk[k].indl = tk[i].type == SK_TOK_TEXT ? tk[i].end - tk[i].start
                                                   : 0;
        } else if (tk[k].type == '$') {
            /* A standalone block's indentation is that of the next line:
             * its default content's, or its closing tag's. */
            tk[k].ind = next;
            while (next + tk[k].indl < ps->len
                   && (ps->src[next + tk[k].indl] == ' '
                       || ps->src[next + tk[k].indl] == '\t'))
            {
                tk[k].indl++;
            }
        }
    }
}

static void
sk_standalone(sk_ps_t *ps)
{
    size_t  i = 0, j;

    while (i < ps->ntoks) {
        for (j = i; j + 1 < ps->ntoks; j++) {
            const sk_tok_t  *t = &ps->toks[j];

            if (t->type == SK_TOK_TEXT && ps->src[t->end - 1] == '\n') {
                break;
            }
        }
        sk_line(ps, i, j);
        i = j + 1;
    }
}

/* "a.b.c" or "." into segments; NULL error text when fine. */
static const char *
sk_name_parse(sk_ps_t *ps, const char *s, size_t n, sk_tpl_name_t *nm)
{
    size_t  i, k, start;

    if (n == 0) {
        return "empty name";
    }
    for (i = 0; i < n; i++) {
        if (sk_ws(s[i])) {
            return "whitespace inside a name";
        }
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return "control character inside a name";
        }
    }
    nm->full = sk_arena_strndup(&ps->t->arena, s, n);
    if (n == 1 && s[0] == '.') {
        nm->nsegs = 0;
        nm->segs = NULL;
        return NULL;
    }
    nm->nsegs = 1;
    for (i = 0; i < n; i++) {
        nm->nsegs += s[i] == '.';
    }
    nm->segs = sk_arena_alloc(&ps->t->arena, nm->nsegs * sizeof(char *));
    for (i = 0, k = 0, start = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (i == start) {
                return "empty part in a dotted name";
            }
            nm->segs[k++] = sk_arena_strndup(&ps->t->arena, s + start,
                                             i - start);
            start = i + 1;
        }
    }
    return NULL;
}

/* name:mod=arg:mod2 for variables. */
static int
sk_var_parse(sk_ps_t *ps, const sk_tok_t *t, sk_tpl_node_t *n)
{
    const char  *s = ps->src + t->cs, *colon, *why;
    size_t       len = t->cl, nl, i;

    colon = memchr(s, ':', len);
    nl = colon ? (size_t) (colon - s) : len;
    why = sk_name_parse(ps, s, nl, &n->name);
    if (why != NULL) {
        sk_tpl_errorf(ps->err, ps->file, t->line, t->col, "%s in \"%.*s\"",
                      why, (int) len, s);
        return SOUK_ERROR;
    }
    n->raw = t->type == '&' || t->type == '{';
    if (colon != NULL) {
        const char  *p = colon;

        for (i = nl; i < len; i++) {
            n->nmods += s[i] == ':';
        }
        n->mods = sk_arena_alloc(&ps->t->arena, n->nmods * sizeof(void *));
        n->mod_args = sk_arena_alloc(&ps->t->arena,
                                     n->nmods * sizeof(char *));
        for (i = 0; i < n->nmods; i++) {
            const char  *m = p + 1, *end = memchr(m, ':', s + len - m), *eq;
            size_t       ml;

            if (end == NULL) {
                end = s + len;
            }
            eq = memchr(m, '=', (size_t) (end - m));
            ml = (size_t) ((eq ? eq : end) - m);
            n->mods[i] = sk_tpl_modifier_find(m, ml);
            n->mod_args[i] = eq ? sk_arena_strndup(&ps->t->arena, eq + 1,
                                                   (size_t) (end - eq - 1))
                                : NULL;
            if (n->mods[i] == NULL) {
                sk_tpl_errorf(ps->err, ps->file, t->line, t->col,
                              "unknown modifier \"%.*s\"", (int) ml, m);
                return SOUK_ERROR;
            }
            if ((n->mods[i]->flags & SK_TPL_MOD_ARG) && eq == NULL) {
                sk_tpl_errorf(ps->err, ps->file, t->line, t->col,
                              "modifier \"%s\" needs an argument (:%s=...)",
                              n->mods[i]->name, n->mods[i]->name);
                return SOUK_ERROR;
            }
            if ((n->mods[i]->flags & SK_TPL_MOD_NOARG) && eq != NULL) {
                sk_tpl_errorf(ps->err, ps->file, t->line, t->col,
                              "modifier \"%s\" takes no argument",
                              n->mods[i]->name);
                return SOUK_ERROR;
            }
            p = end;
        }
    }
    n->safe = n->raw
              || (n->nmods > 0 && (n->mods[n->nmods - 1]->flags
                                   & SK_TPL_MOD_SAFE));
    return SOUK_OK;
}

static const char *
sk_tag_word(char type)
{
    switch (type) {
    case '#': return "section";
    case '^': return "inverted section";
    case '$': return "block";
    default:  return "parent";
    }
}

/* One tag token to a node (or to nothing, for closers and delimiters). */
static int
sk_build_tag(sk_ps_t *ps, size_t ti, size_t *open, size_t *nopen)
{
    sk_tok_t       *t = &ps->toks[ti];
    sk_tpl_t       *tp = ps->t;
    sk_tpl_node_t  *n;
    const char     *why, *s = ps->src + t->cs;

    if (t->type == '=') {
        return SOUK_OK;
    }
    if (t->type == '/') {
        sk_tok_t  *o;

        if (*nopen == 0) {
            sk_tpl_errorf(ps->err, ps->file, t->line, t->col,
                          "closing tag \"%.*s\" without an open section",
                          (int) t->cl, s);
            return SOUK_ERROR;
        }
        o = &ps->toks[open[2 * (*nopen - 1) + 1]];
        if (!sk_same_name(ps, o, t)) {
            sk_tpl_errorf(ps->err, ps->file, t->line, t->col,
                          "closing tag \"%.*s\" does not match %s \"%.*s\" "
                          "opened at %u:%u", (int) t->cl, s,
                          sk_tag_word(o->type), (int) o->cl,
                          ps->src + o->cs, o->line, o->col);
            return SOUK_ERROR;
        }
        (*nopen)--;
        tp->nodes[open[2 * *nopen]].end = (uint32_t) tp->nnodes;
        return SOUK_OK;
    }
    n = &tp->nodes[tp->nnodes];
    n->line = t->line;
    n->col = t->col;
    n->standalone = t->standalone;
    n->dynamic = t->dynamic;
    n->text = ps->src + t->ind;
    n->len = t->indl;
    switch (t->type) {
    case 'v': case '&': case '{':
        n->kind = SK_TN_VAR;
        if (sk_var_parse(ps, t, n) != SOUK_OK) {
            return SOUK_ERROR;
        }
        tp->nnodes++;
        return SOUK_OK;
    case '!':
        n->kind = SK_TN_COMMENT;
        n->text = ps->src + t->cs;
        n->len = t->cl;
        n->name.full = sk_arena_strndup(&tp->arena, s, t->cl);
        tp->nnodes++;
        return SOUK_OK;
    case '>': n->kind = SK_TN_PARTIAL; break;
    case '<': n->kind = SK_TN_PARENT; break;
    case '#': n->kind = SK_TN_SECTION; break;
    case '^': n->kind = SK_TN_INVERTED; break;
    default:  n->kind = SK_TN_BLOCK; break;
    }
    if ((n->kind == SK_TN_PARTIAL || n->kind == SK_TN_PARENT
         || n->kind == SK_TN_BLOCK) && !n->dynamic)
    {
        size_t  i;

        /* A template name, not a context key: any non-blank bytes. */
        why = t->cl == 0 ? "empty name" : NULL;
        for (i = 0; why == NULL && i < t->cl; i++) {
            why = sk_ws(s[i]) ? "whitespace inside a name"
                  : (unsigned char) s[i] < 0x20 || s[i] == 0x7f
                  ? "control character inside a name" : NULL;
        }
        if (why == NULL) {
            n->name.full = sk_arena_strndup(&tp->arena, s, t->cl);
        }
    } else {
        why = memchr(s, ':', t->cl) != NULL
              ? "modifiers apply to variables only"
              : sk_name_parse(ps, s, t->cl, &n->name);
    }
    if (why != NULL) {
        sk_tpl_errorf(ps->err, ps->file, t->line, t->col, "%s in \"%.*s\"",
                      why, (int) t->cl, s);
        return SOUK_ERROR;
    }
    tp->nnodes++;
    if (n->kind == SK_TN_PARTIAL) {
        return SOUK_OK;
    }
    if (*nopen >= SK_TPL_MAX_DEPTH) {
        sk_tpl_errorf(ps->err, ps->file, t->line, t->col,
                      "sections nested deeper than %d", SK_TPL_MAX_DEPTH);
        return SOUK_ERROR;
    }
    open[2 * *nopen] = tp->nnodes - 1;
    open[2 * *nopen + 1] = ti;
    (*nopen)++;
    return SOUK_OK;
}

static int
sk_build(sk_ps_t *ps)
{
    sk_tpl_t  *tp = ps->t;
    size_t     open[2 * SK_TPL_MAX_DEPTH], nopen = 0, i;
    size_t     last_end = (size_t) -1;

    tp->nodes = calloc(ps->ntoks + 1, sizeof(sk_tpl_node_t));
    if (tp->nodes == NULL) {
        abort();
    }
    for (i = 0; i < ps->ntoks; i++) {
        sk_tok_t  *t = &ps->toks[i];

        if (t->type != SK_TOK_TEXT) {
            if (sk_build_tag(ps, i, open, &nopen) != SOUK_OK) {
                return SOUK_ERROR;
            }
            last_end = (size_t) -1;
            continue;
        }
        if (t->removed) {
            last_end = (size_t) -1;
            continue;
        }
        if (last_end == t->start) {     /* adjacent text: one node */
            tp->nodes[tp->nnodes - 1].len += t->end - t->start;
        } else {
            sk_tpl_node_t  *n = &tp->nodes[tp->nnodes++];

            n->kind = SK_TN_TEXT;
            n->text = ps->src + t->start;
            n->len = t->end - t->start;
            sk_pos(ps, t->start, &n->line, &n->col);
        }
        last_end = t->end;
    }
    if (nopen > 0) {
        sk_tok_t  *o = &ps->toks[open[2 * (nopen - 1) + 1]];

        sk_tpl_errorf(ps->err, ps->file, o->line, o->col,
                      "unclosed %s \"%.*s\"", sk_tag_word(o->type),
                      (int) o->cl, ps->src + o->cs);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

sk_tpl_t *
sk_tpl_compile(const char *src, size_t len, const char *file,
    sk_tpl_error_t *err)
{
    sk_ps_t    ps;
    sk_tpl_t  *t = calloc(1, sizeof(sk_tpl_t));

    if (t == NULL) {
        abort();
    }
    t->file = strdup(file ? file : "(template)");
    t->src = malloc(len + 1);
    if (t->file == NULL || t->src == NULL) {
        abort();
    }
    if (len > 0) {
        memcpy(t->src, src, len);
    }
    t->src[len] = '\0';
    t->len = len;

    memset(&ps, 0, sizeof(ps));
    ps.src = t->src;
    ps.len = len;
    ps.file = t->file;
    ps.err = err;
    ps.t = t;
    ps.line = 1;
    memcpy(ps.otag, "{{", 2);
    memcpy(ps.ctag, "}}", 2);
    ps.olen = ps.clen = 2;
    if (sk_tokenize(&ps) != SOUK_OK) {
        goto fail;
    }
    sk_standalone(&ps);
    /* Positions are tracked forward only: restart for the build pass. */
    ps.scanned = ps.line_start = 0;
    ps.line = 1;
    if (sk_build(&ps) != SOUK_OK) {
        goto fail;
    }
    free(ps.toks);
    return t;

fail:
    free(ps.toks);
    sk_tpl_free(t);
    return NULL;
}

void
sk_tpl_free(sk_tpl_t *t)
{
    sk_chunk_t  *c, *next;

    if (t == NULL) {
        return;
    }
    for (c = t->arena; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    free(t->nodes);
    free(t->src);
    free(t->file);
    free(t);
}

const char *
sk_tpl_file(const sk_tpl_t *t)
{
    return t->file;
}

int
sk_tpl_walk(const sk_tpl_t *t, int (*fn)(void *arg, const sk_tpl_tag_t *tag),
    void *arg)
{
    size_t  i;
    int     rc;

    for (i = 0; i < t->nnodes; i++) {
        const sk_tpl_node_t  *n = &t->nodes[i];
        sk_tpl_tag_t          tag;
        const char          **names = NULL;
        const char           *stack_names[16];
        unsigned              k;

        if (n->kind == SK_TN_TEXT) {
            continue;
        }
        memset(&tag, 0, sizeof(tag));
        tag.kind = n->kind;
        tag.name = n->name.full;
        tag.raw = n->raw;
        tag.dynamic = n->dynamic;
        tag.safe = n->safe;
        tag.line = n->line;
        tag.col = n->col;
        if (n->nmods > 0) {
            names = n->nmods <= 16 ? stack_names
                                   : malloc(n->nmods * sizeof(char *));
            if (names == NULL) {
                abort();
            }
            for (k = 0; k < n->nmods; k++) {
                names[k] = n->mods[k]->name;
            }
            tag.mods = names;
            tag.mod_args = (const char **) n->mod_args;
            tag.nmods = n->nmods;
        }
        rc = fn(arg, &tag);
        if (names != stack_names) {
            free(names);
        }
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}
