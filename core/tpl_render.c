/* The template renderer: walks a compiled template over a stack of cJSON
 * frames and appends to a pool buffer, allocating nothing per node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpl_int.h"

#define SK_TPL_MAX_OVR   256     /* blocks given by the parent tags open */
#define SK_TPL_MAX_IND   128     /* indentations in effect */
#define SK_TPL_IND_MAX   512     /* bytes of one line's indentation */

/* A block given inside a parent tag, overriding the parent's default. */
typedef struct {
    const sk_tpl_t        *tpl;
    const sk_tpl_node_t   *node;
    int                    busy;     /* being rendered: not inside itself */
} sk_ovr_t;

/*
 * An indentation in effect: at each line start of template text, the
 * line's own leading whitespace loses strip (a block's indentation where
 * it was written) and gains add (a standalone partial's indentation, or a
 * block's where it is expanded). Innermost applies first.
 */
typedef struct {
    const char  *strip;
    size_t       slen;
    const char  *add;
    size_t       alen;
} sk_ind_t;

typedef struct {
    sk_tpl_cache_t       *cache;
    const sk_tpl_env_t   *env;
    void                 *ctx;
    souk_buf_t           *out;
    sk_tpl_error_t       *err;
    size_t                max;
    unsigned long         steps, max_steps;
    int                   dev;
    int                   depth;
    int                   at_bol;    /* the last template byte was '\n' */
    size_t                nstack, novr, nind, nstrip;
    const cJSON          *stack[SK_TPL_MAX_STACK];
    sk_ovr_t              ovr[SK_TPL_MAX_OVR];
    sk_ind_t              ind[SK_TPL_MAX_IND];
    souk_buf_t            scratch[2];
    int                   scratch_ready;
} sk_rs_t;

static int sk_run(sk_rs_t *st, const sk_tpl_t *t, size_t from, size_t to);

static int
sk_fail(sk_rs_t *st, const sk_tpl_t *t, const sk_tpl_node_t *n,
    const char *what, const char *name)
{
    sk_tpl_errorf(st->err, t->file, n->line, n->col, "%s%s%s%s", what,
                  name ? " \"" : "", name ? name : "", name ? "\"" : "");
    return SOUK_ERROR;
}

static const cJSON *
sk_child(const cJSON *obj, const char *key)
{
    const cJSON  *c;

    for (c = obj->child; c != NULL; c = c->next) {
        if (c->string != NULL && c->string[0] == key[0]
            && strcmp(c->string, key) == 0)
        {
            return c;
        }
    }
    return NULL;
}

/* The spec's name resolution: the first part walks the stack top down,
 * the rest resolve in what was found only. */
static const cJSON *
sk_lookup(sk_rs_t *st, const sk_tpl_name_t *nm)
{
    const cJSON  *v = NULL;
    size_t        i;
    unsigned      k;

    if (nm->nsegs == 0) {
        return st->nstack > 0 ? st->stack[st->nstack - 1] : NULL;
    }
    for (i = st->nstack; i-- > 0;) {
        if (cJSON_IsObject(st->stack[i])) {
            v = sk_child(st->stack[i], nm->segs[0]);
            if (v != NULL) {
                break;
            }
        }
    }
    if (v == NULL) {
        return st->env && st->env->missing
               ? st->env->missing(st->ctx, nm->full) : NULL;
    }
    for (k = 1; k < nm->nsegs; k++) {
        if (!cJSON_IsObject(v)) {
            return NULL;
        }
        v = sk_child(v, nm->segs[k]);
        if (v == NULL) {
            return NULL;
        }
    }
    return v;
}

/* JSON's own idea of false: missing, null, false, 0, "" and []. */
static int
sk_truthy(const cJSON *v)
{
    if (v == NULL) {
        return 0;
    }
    switch (v->type & 0xff) {
    case cJSON_False:
    case cJSON_NULL:
    case cJSON_Invalid:
        return 0;
    case cJSON_Number:
        return v->valuedouble != 0;
    case cJSON_String:
        return v->valuestring != NULL && v->valuestring[0] != '\0';
    case cJSON_Array:
        return v->child != NULL;
    default:
        return 1;
    }
}

/* A value as text: numbers as JSON would print them, lists and objects
 * as nothing. buf holds at least 32 bytes. */
static const char *
sk_text(const cJSON *v, char *buf, size_t *len)
{
    if (v == NULL) {
        *len = 0;
        return "";
    }
    switch (v->type & 0xff) {
    case cJSON_String:
        if (v->valuestring == NULL) {
            break;
        }
        *len = strlen(v->valuestring);
        return v->valuestring;
    case cJSON_Number: {
        double  d = v->valuedouble;

        if (d > -1e15 && d < 1e15 && (double) (long long) d == d) {
            *len = (size_t) snprintf(buf, 32, "%lld", (long long) d);
        } else {
            *len = (size_t) snprintf(buf, 32, "%.15g", d);
            if (strtod(buf, NULL) != d) {
                *len = (size_t) snprintf(buf, 32, "%.17g", d);
            }
        }
        return buf;
    }
    case cJSON_True:
        *len = 4;
        return "true";
    case cJSON_False:
        *len = 5;
        return "false";
    default:
        break;
    }
    *len = 0;
    return "";
}

/* The indentation for one line start whose own whitespace is w[0..wl). */
static void
sk_indent(sk_rs_t *st, const char *w, size_t wl)
{
    char    a[SK_TPL_IND_MAX], b[SK_TPL_IND_MAX], *cur = a, *tmp = b, *x;
    size_t  k, cl, p, n;

    if (st->nstrip == 0) {
        for (k = 0; k < st->nind; k++) {
            souk_buf_append(st->out, st->ind[k].add, st->ind[k].alen);
        }
        souk_buf_append(st->out, w, wl);
        return;
    }
    cl = wl < sizeof(a) ? wl : sizeof(a);
    memcpy(cur, w, cl);
    for (k = st->nind; k-- > 0;) {
        const sk_ind_t  *in = &st->ind[k];

        for (p = 0; p < cl && p < in->slen && cur[p] == in->strip[p]; p++) {
            /* the common prefix goes */
        }
        n = in->alen < sizeof(b) ? in->alen : sizeof(b);
        memcpy(tmp, in->add, n);
        if (cl - p > sizeof(b) - n) {
            cl = p + sizeof(b) - n;
        }
        memcpy(tmp + n, cur + p, cl - p);
        cl = n + cl - p;
        x = cur;
        cur = tmp;
        tmp = x;
    }
    souk_buf_append(st->out, cur, cl);
}

static void
sk_bol(sk_rs_t *st)
{
    if (st->at_bol) {
        if (st->nind > 0) {
            sk_indent(st, "", 0);
        }
        st->at_bol = 0;
    }
}

static void
sk_emit_text(sk_rs_t *st, const char *s, size_t n)
{
    const char  *end = s + n, *nl;
    size_t       ws;

    if (st->nind == 0) {
        souk_buf_append(st->out, s, n);
        st->at_bol = s[n - 1] == '\n';
        return;
    }
    while (s < end) {
        if (st->at_bol) {
            for (ws = 0; s + ws < end && (s[ws] == ' ' || s[ws] == '\t');
                 ws++)
            {
                /* the line's own indentation */
            }
            sk_indent(st, s, ws);
            s += ws;
            st->at_bol = 0;
            if (s == end) {
                break;
            }
        }
        nl = memchr(s, '\n', (size_t) (end - s));
        if (nl == NULL) {
            souk_buf_append(st->out, s, (size_t) (end - s));
            break;
        }
        souk_buf_append(st->out, s, (size_t) (nl + 1 - s));
        s = nl + 1;
        st->at_bol = 1;
    }
}

static souk_buf_t *
sk_scratch(sk_rs_t *st, unsigned k)
{
    souk_buf_t  *b;

    if (!st->scratch_ready) {
        souk_buf_init(&st->scratch[0], st->out->pool, 256);
        souk_buf_init(&st->scratch[1], st->out->pool, 256);
        st->scratch_ready = 1;
    }
    b = &st->scratch[k & 1];
    b->len = 0;
    b->data[0] = '\0';
    return b;
}

static int
sk_var(sk_rs_t *st, const sk_tpl_t *t, const sk_tpl_node_t *n)
{
    const cJSON      *v = sk_lookup(st, &n->name);
    char              num[32];
    sk_tpl_modarg_t   a;
    size_t            len;
    const char       *s = sk_text(v, num, &len);
    unsigned          k;

    if (n->nmods == 0) {
        if (n->raw) {
            souk_buf_append(st->out, s, len);
        } else {
            sk_tpl_escape_html(st->out, s, len);
        }
        return SOUK_OK;
    }
    for (k = 0; k < n->nmods; k++) {
        souk_buf_t  *dst = (k + 1 == n->nmods && n->safe) ? st->out
                                                          : sk_scratch(st, k);

        a.value = k == 0 ? v : NULL;
        a.text = s;
        a.len = len;
        a.arg = n->mod_args[k];
        a.ctx = st->ctx;
        a.pool = st->out->pool;
        if (n->mods[k]->fn(&a, dst) != SOUK_OK) {
            return sk_fail(st, t, n, "failed: modifier", n->mods[k]->name);
        }
        s = dst->data;
        len = dst->len;
    }
    if (!n->safe) {
        sk_tpl_escape_html(st->out, s, len);
    }
    return SOUK_OK;
}

static int
sk_push(sk_rs_t *st, const sk_tpl_t *t, const sk_tpl_node_t *n,
    const cJSON *v)
{
    if (st->nstack == SK_TPL_MAX_STACK) {
        return sk_fail(st, t, n, "context stack deeper than 512 at section",
                       n->name.full);
    }
    st->stack[st->nstack++] = v;
    return SOUK_OK;
}

static int
sk_section(sk_rs_t *st, const sk_tpl_t *t, size_t i)
{
    const sk_tpl_node_t  *n = &t->nodes[i];
    const cJSON          *v = sk_lookup(st, &n->name), *c;
    int                   rc = SOUK_OK;

    if (cJSON_IsArray(v)) {
        for (c = v->child; c != NULL && rc == SOUK_OK; c = c->next) {
            if (sk_push(st, t, n, c) != SOUK_OK) {
                return SOUK_ERROR;
            }
            rc = sk_run(st, t, i + 1, n->end);
            st->nstack--;
        }
        return rc;
    }
    if (!sk_truthy(v)) {
        return SOUK_OK;
    }
    if (sk_push(st, t, n, v) != SOUK_OK) {
        return SOUK_ERROR;
    }
    rc = sk_run(st, t, i + 1, n->end);
    st->nstack--;
    return rc;
}

/* The template a partial or parent tag names; *p NULL when missing. */
static int
sk_resolve(sk_rs_t *st, const sk_tpl_t *t, const sk_tpl_node_t *n,
    const sk_tpl_t **p)
{
    sk_tpl_node_t  *mn = (sk_tpl_node_t *) n;   /* the memo only */
    const char     *name = n->name.full;
    char            num[32];
    size_t          len;
    int             rc;

    *p = NULL;
    if (n->dynamic) {
        name = sk_text(sk_lookup(st, &n->name), num, &len);
        if (len == 0) {
            return SOUK_OK;
        }
    } else if (n->memo_state != 0) {
        *p = n->memo;
        return SOUK_OK;
    }
    if (st->cache == NULL) {
        return SOUK_OK;
    }
    st->err->line = 0;
    rc = sk_tpl_cache_partial(st->cache, name, t->file, p, st->err);
    if (rc == SOUK_ERROR) {
        if (st->err->line == 0) {
            char  why[sizeof(st->err->msg)];

            memcpy(why, st->err->msg, sizeof(why));
            sk_tpl_errorf(st->err, t->file, n->line, n->col, "\"%s\": %s",
                          name, why);
        }
        return SOUK_ERROR;
    }
    if (!n->dynamic && !st->dev) {
        mn->memo = *p;
        mn->memo_state = *p ? 1 : 2;
    }
    return SOUK_OK;
}

static int
sk_ind_push(sk_rs_t *st, const sk_tpl_t *t, const sk_tpl_node_t *n,
    const char *strip, size_t slen, const char *add, size_t alen)
{
    if (st->nind == SK_TPL_MAX_IND) {
        return sk_fail(st, t, n, "indentation nested too deep", NULL);
    }
    st->ind[st->nind].strip = strip;
    st->ind[st->nind].slen = slen;
    st->ind[st->nind].add = add;
    st->ind[st->nind].alen = alen;
    st->nind++;
    st->nstrip += slen > 0;
    return SOUK_OK;
}

static void
sk_ind_pop(sk_rs_t *st)
{
    st->nind--;
    st->nstrip -= st->ind[st->nind].slen > 0;
}

static int
sk_include(sk_rs_t *st, const sk_tpl_t *t, const sk_tpl_node_t *n,
    const sk_tpl_t *p)
{
    int  rc, pushed = n->standalone && n->len > 0;

    if (st->depth >= SK_TPL_MAX_INCLUDE) {
        return sk_fail(st, t, n, "partials nested deeper than 32 "
                       "(does it include itself?) at", n->name.full);
    }
    if (pushed && sk_ind_push(st, t, n, NULL, 0, n->text, n->len) != 0) {
        return SOUK_ERROR;
    }
    st->depth++;
    rc = sk_run(st, p, 0, p->nnodes);
    st->depth--;
    if (pushed) {
        sk_ind_pop(st);
    }
    return rc;
}

/* {{<parent}}: its blocks override the parent's, outermost first. */
static int
sk_parent(sk_rs_t *st, const sk_tpl_t *t, size_t i)
{
    const sk_tpl_node_t  *n = &t->nodes[i];
    const sk_tpl_t       *p;
    size_t                k, saved = st->novr;
    int                   rc;

    if (sk_resolve(st, t, n, &p) != SOUK_OK) {
        return SOUK_ERROR;
    }
    for (k = i + 1; k < n->end;) {
        const sk_tpl_node_t  *c = &t->nodes[k];

        if (c->kind == SK_TN_BLOCK) {
            if (st->novr == SK_TPL_MAX_OVR) {
                st->novr = saved;
                return sk_fail(st, t, c, "too many blocks in effect at",
                               c->name.full);
            }
            st->ovr[st->novr].tpl = t;
            st->ovr[st->novr].node = c;
            st->ovr[st->novr].busy = 0;
            st->novr++;
        }
        k = (c->kind == SK_TN_TEXT || c->kind == SK_TN_VAR
             || c->kind == SK_TN_PARTIAL || c->kind == SK_TN_COMMENT)
            ? k + 1 : c->end;
    }
    rc = p ? sk_include(st, t, n, p) : SOUK_OK;
    st->novr = saved;
    return rc;
}

static int
sk_block(sk_rs_t *st, const sk_tpl_t *t, size_t i)
{
    const sk_tpl_node_t  *n = &t->nodes[i], *b;
    sk_ovr_t             *o = NULL;
    size_t                k;
    int                   rc, pushed;

    for (k = 0; k < st->novr; k++) {
        if (!st->ovr[k].busy
            && strcmp(st->ovr[k].node->name.full, n->name.full) == 0)
        {
            o = &st->ovr[k];
            break;
        }
    }
    if (o == NULL) {
        return sk_run(st, t, i + 1, n->end);
    }
    b = o->node;
    pushed = b->len > 0 || n->len > 0;
    if (pushed && sk_ind_push(st, t, n, b->text, b->len, n->text, n->len)
                  != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    o->busy = 1;
    rc = sk_run(st, o->tpl, (size_t) (b - o->tpl->nodes) + 1, b->end);
    o->busy = 0;
    if (pushed) {
        sk_ind_pop(st);
    }
    return rc;
}

static int
sk_run(sk_rs_t *st, const sk_tpl_t *t, size_t from, size_t to)
{
    size_t                i = from;
    const sk_tpl_node_t  *n;
    const sk_tpl_t       *p;
    int                   rc = SOUK_OK;

    while (i < to && rc == SOUK_OK) {
        n = &t->nodes[i];
        if (st->out->len > st->max) {
            return sk_fail(st, t, n, "output larger than the limit", NULL);
        }
        if (++st->steps > st->max_steps) {
            return sk_fail(st, t, n, "too much work (a loop over loops?)",
                           NULL);
        }
        if (n->kind == SK_TN_TEXT) {
            sk_emit_text(st, n->text, n->len);
            i++;
            continue;
        }
        if (!n->standalone && n->kind != SK_TN_BLOCK) {
            /* A block prints nothing itself: its content meets the line
             * start (and a block override its re-indentation). */
            sk_bol(st);
        }
        switch (n->kind) {
        case SK_TN_VAR:
            rc = sk_var(st, t, n);
            break;
        case SK_TN_SECTION:
            rc = sk_section(st, t, i);
            break;
        case SK_TN_INVERTED:
            if (!sk_truthy(sk_lookup(st, &n->name))) {
                rc = sk_run(st, t, i + 1, n->end);
            }
            break;
        case SK_TN_PARTIAL:
            rc = sk_resolve(st, t, n, &p);
            if (rc == SOUK_OK && p != NULL) {
                rc = sk_include(st, t, n, p);
            }
            break;
        case SK_TN_PARENT:
            rc = sk_parent(st, t, i);
            break;
        case SK_TN_BLOCK:
            rc = sk_block(st, t, i);
            break;
        default:
            break;
        }
        i = (n->kind == SK_TN_VAR || n->kind == SK_TN_PARTIAL
             || n->kind == SK_TN_COMMENT) ? i + 1 : n->end;
    }
    return rc;
}

int
sk_tpl_render(sk_tpl_cache_t *c, const sk_tpl_t *t,
    const cJSON *const *frames, size_t nframes, const sk_tpl_env_t *env,
    souk_buf_t *out, sk_tpl_error_t *err)
{
    sk_rs_t         *st;
    sk_tpl_error_t   dummy;
    int              rc;

    if (err == NULL) {
        err = &dummy;
    }
    if (nframes > SK_TPL_MAX_STACK / 2) {
        sk_tpl_errorf(err, t->file, 0, 0, "too many context frames");
        return SOUK_ERROR;
    }
    /* About 16 KB: kept off the C stack for callers deep in a request. */
    st = souk_palloc(out->pool, sizeof(sk_rs_t));
    st->cache = c;
    st->env = env;
    st->ctx = env ? env->ctx : NULL;
    st->out = out;
    st->err = err;
    st->max = env && env->max_output ? env->max_output : SK_TPL_MAX_OUTPUT;
    st->steps = 0;
    st->max_steps = 8ul * (st->max > (1u << 20) ? st->max : (1u << 20));
    st->dev = c ? sk_tpl_cache_dev(c) : 0;
    st->depth = 0;
    st->at_bol = 1;
    st->nstack = nframes;
    st->novr = st->nind = st->nstrip = 0;
    st->scratch_ready = 0;
    if (nframes > 0) {
        memcpy(st->stack, frames, nframes * sizeof(cJSON *));
    }
    rc = sk_run(st, t, 0, t->nnodes);
    if (rc == SOUK_OK && out->len > st->max) {
        sk_tpl_errorf(err, t->file, 0, 0, "output larger than the limit "
                      "(%zu bytes)", st->max);
        rc = SOUK_ERROR;
    }
    return rc;
}
