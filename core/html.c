/* Rich text from users made safe: parse with gumbo, write an allow-list. */
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "content_int.h"

/*
 * The input is parsed as a fragment of <body> the way a browser would, so
 * what we check is what a browser would build. The tree is then walked
 * without recursion (user input may nest a hundred thousand deep) and only
 * the allow-list of souk/html.h is written back, every text and attribute
 * value re-escaped.
 *
 * Idempotence: dropping an element can leave a nesting the parser would
 * never build (an <a> inside an <a> once a <div> between them is gone, a
 * <tr> straight under <table>), which parses differently the second time.
 * Rather than chase each such case, the result is parsed and written again
 * until it stops changing (twice is the norm). Should it not settle within
 * a few rounds, the answer is the escaped plain text, which always does.
 */

#define SK_HTML_ROUNDS  4

typedef enum {
    SK_HTML_DROP,       /* the element and everything in it */
    SK_HTML_UNWRAP,     /* the element, keeping its content */
    SK_HTML_KEEP
} sk_html_fate_t;

/* What is kept, and the attributes each kept element may carry. */
static sk_html_fate_t
sk_html_fate(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_TEMPLATE) {
        return SK_HTML_DROP;
    }
    switch (n->v.element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_TEMPLATE:
        return SK_HTML_DROP;
    default:
        break;
    }
    if (n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) {
        /* SVG and MathML: only their text survives. */
        return SK_HTML_UNWRAP;
    }
    switch (n->v.element.tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_BR: case GUMBO_TAG_STRONG:
    case GUMBO_TAG_B: case GUMBO_TAG_EM: case GUMBO_TAG_I:
    case GUMBO_TAG_U: case GUMBO_TAG_S: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_LI: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CODE: case GUMBO_TAG_PRE: case GUMBO_TAG_A:
    case GUMBO_TAG_IMG: case GUMBO_TAG_TABLE: case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY: case GUMBO_TAG_TR: case GUMBO_TAG_TH:
    case GUMBO_TAG_TD:
        return SK_HTML_KEEP;
    default:
        return SK_HTML_UNWRAP;
    }
}

/*
 * Whether a URL may stay: http, https (and mailto when mailto is set) or
 * no scheme at all (a relative path). Browsers drop tabs and line breaks
 * anywhere in a URL and ignore leading control characters and spaces, so
 * "java\tscript:" and " javascript:" are schemes too; the entity forms
 * (&colon;, &#106;) were decoded by the parser already. The cleaned URL,
 * the one checked, is what gets written: into clean (pool).
 */
static int
sk_html_url_ok(souk_pool_t *p, const char *url, int mailto, char **clean)
{
    size_t   n = strlen(url), i, j = 0, end;
    char    *u = souk_palloc(p, n + 1), c;

    for (i = 0; i < n; i++) {
        c = url[i];
        if (c == '\t' || c == '\n' || c == '\r') {
            continue;
        }
        if (j == 0 && (unsigned char) c <= ' ') {
            continue;
        }
        u[j++] = c;
    }
    while (j > 0 && (unsigned char) u[j - 1] <= ' ') {
        j--;
    }
    u[j] = '\0';
    *clean = u;
    end = strcspn(u, ":/?#");
    if (u[end] != ':') {
        return 1;
    }
    for (i = 0; i < end; i++) {
        c = u[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
        {
            /* Not a scheme as a browser reads one: refuse rather than
             * guess. */
            return 0;
        }
    }
    return (end == 4 && strncasecmp(u, "http", 4) == 0)
           || (end == 5 && strncasecmp(u, "https", 5) == 0)
           || (mailto && end == 6 && strncasecmp(u, "mailto", 6) == 0);
}

static int
sk_html_digits(const char *s)
{
    size_t  n = strspn(s, "0123456789");

    return n > 0 && n <= 5 && s[n] == '\0';
}

static void
sk_html_attr(souk_buf_t *b, const char *name, const char *value)
{
    souk_buf_printf(b, " %s=\"", name);
    souk_buf_append_html(b, value);
    souk_buf_puts(b, "\"");
}

/*
 * Writes the start tag of a kept element. Returns 0 when the element must
 * be unwrapped after all: an <a> without a usable href or inside another
 * <a>, an <img> without a usable src (then nothing at all is written).
 */
static int
sk_html_start(souk_buf_t *b, const GumboNode *n, int in_a)
{
    const GumboVector  *attrs = &n->v.element.attributes;
    GumboTag            tag = n->v.element.tag;
    GumboAttribute     *a;
    char               *url;
    unsigned            i;

    if (tag == GUMBO_TAG_A || tag == GUMBO_TAG_IMG) {
        a = gumbo_get_attribute(attrs, tag == GUMBO_TAG_A ? "href" : "src");
        if (a == NULL || (tag == GUMBO_TAG_A && in_a)
            || !sk_html_url_ok(b->pool, a->value, tag == GUMBO_TAG_A, &url)
            || url[0] == '\0')
        {
            return 0;
        }
        if (tag == GUMBO_TAG_A) {
            souk_buf_puts(b, "<a");
            sk_html_attr(b, "href", url);
            souk_buf_puts(b, " rel=\"nofollow noopener\">");
            return 1;
        }
        souk_buf_puts(b, "<img");
        sk_html_attr(b, "src", url);
        for (i = 0; i < attrs->length; i++) {
            a = attrs->data[i];
            if (strcmp(a->name, "alt") == 0
                || ((strcmp(a->name, "width") == 0
                     || strcmp(a->name, "height") == 0)
                    && sk_html_digits(a->value)))
            {
                sk_html_attr(b, a->name, a->value);
            }
        }
        souk_buf_puts(b, ">");
        return 1;
    }
    souk_buf_printf(b, "<%s>", gumbo_normalized_tagname(tag));
    if (tag == GUMBO_TAG_PRE && n->v.element.children.length > 0) {
        const GumboNode  *first = n->v.element.children.data[0];

        /* The parser eats one newline right after <pre>: give it one. */
        if ((first->type == GUMBO_NODE_TEXT
             || first->type == GUMBO_NODE_WHITESPACE)
            && first->v.text.text[0] == '\n')
        {
            souk_buf_puts(b, "\n");
        }
    }
    return 1;
}

/* One level of the walk: the node, the next child to visit, whether its
 * start tag was written (so its end tag is due). */
typedef struct {
    const GumboNode  *node;
    unsigned          next;
    int               open;
} sk_html_frame_t;

typedef struct {
    sk_html_frame_t  *v;
    size_t            n, cap;
    souk_pool_t      *pool;
} sk_html_stack_t;

static void
sk_html_push(sk_html_stack_t *s, const GumboNode *node, int open)
{
    sk_html_frame_t  *v;

    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        v = souk_palloc(s->pool, s->cap * sizeof(*v));
        if (s->n > 0) {
            memcpy(v, s->v, s->n * sizeof(*v));
        }
        s->v = v;
    }
    s->v[s->n].node = node;
    s->v[s->n].next = 0;
    s->v[s->n].open = open;
    s->n++;
}

static int
sk_html_void(GumboTag tag)
{
    return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_IMG;
}

/* Writes the allowed part of the tree under root (as markup when markup is
 * set, else as text with a space for every element boundary). */
static void
sk_html_walk(souk_buf_t *b, const GumboNode *root, int markup)
{
    sk_html_stack_t    s = { NULL, 0, 0, b->pool };
    sk_html_frame_t   *f;
    const GumboNode   *c;
    size_t             in_a = 0;
    int                open;

    sk_html_push(&s, root, 0);
    while (s.n > 0) {
        f = &s.v[s.n - 1];
        if (f->next == f->node->v.element.children.length) {
            if (f->open && !sk_html_void(f->node->v.element.tag)) {
                souk_buf_printf(b, "</%s>",
                    gumbo_normalized_tagname(f->node->v.element.tag));
            }
            if (f->open && f->node->v.element.tag == GUMBO_TAG_A) {
                in_a--;
            }
            if (!markup && f->node != root) {
                souk_buf_puts(b, " ");
            }
            s.n--;
            continue;
        }
        c = f->node->v.element.children.data[f->next++];
        switch (c->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
            if (markup) {
                souk_buf_append_html(b, c->v.text.text);
            } else {
                souk_buf_puts(b, c->v.text.text);
            }
            break;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE:
            switch (sk_html_fate(c)) {
            case SK_HTML_DROP:
                continue;
            case SK_HTML_KEEP:
                open = markup && sk_html_start(b, c, in_a > 0);
                if (!open && markup && c->v.element.tag == GUMBO_TAG_IMG) {
                    continue;
                }
                if (open && c->v.element.tag == GUMBO_TAG_A) {
                    in_a++;
                }
                break;
            default:
                open = 0;
                break;
            }
            if (!markup) {
                souk_buf_puts(b, " ");
            }
            sk_html_push(&s, c, open);
            break;
        default:
            break;      /* comments, the document */
        }
    }
}

/* One parse and write; NULL when the parser gave up (out of memory). */
static char *
sk_html_round(souk_pool_t *p, const char *html, size_t len, int markup)
{
    GumboOptions   o = kGumboDefaultOptions;
    GumboOutput   *out;
    souk_buf_t     b;

    o.max_errors = 0;
    o.fragment_context = GUMBO_TAG_BODY;
    out = gumbo_parse_with_options(&o, html, len);
    if (out == NULL) {
        return NULL;
    }
    souk_buf_init(&b, p, len + 64);
    if (out->root->type == GUMBO_NODE_ELEMENT) {
        sk_html_walk(&b, out->root, markup);
    }
    gumbo_destroy_output(&o, out);
    return b.data;
}

/* Collapses runs of ASCII whitespace to one space and trims, in place. */
static char *
sk_html_collapse(char *s)
{
    char    *w = s, *r = s;
    int      space = 0;

    for (; *r != '\0'; r++) {
        if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r'
            || *r == '\f')
        {
            space = w != s;
            continue;
        }
        if (space) {
            *w++ = ' ';
            space = 0;
        }
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

SOUK_API const char *
souk_html_text(souk_pool_t *p, const char *html, size_t len)
{
    char  *t;

    if (html == NULL) {
        return souk_pstrdup(p, "");
    }
    if (len > SOUK_HTML_MAX) {
        return NULL;
    }
    t = sk_html_round(p, html, len, 0);
    return t != NULL ? sk_html_collapse(t) : NULL;
}

SOUK_API const char *
souk_html_sanitize(souk_pool_t *p, const char *html, size_t len)
{
    char        *prev, *next;
    const char  *text;
    souk_buf_t   b;
    int          i;

    if (html == NULL) {
        return souk_pstrdup(p, "");
    }
    /* gumbo's time grows with the square of the nesting depth: 1 MB of
     * nested tags takes minutes; the cap keeps the worst case to a
     * fraction of a second */
    if (len > SOUK_HTML_MAX) {
        return NULL;
    }
    prev = sk_html_round(p, html, len, 1);
    for (i = 0; prev != NULL && i < SK_HTML_ROUNDS; i++) {
        next = sk_html_round(p, prev, strlen(prev), 1);
        if (next == NULL || strcmp(next, prev) == 0) {
            return next;
        }
        prev = next;
    }
    if (prev == NULL) {
        return NULL;
    }
    /* It did not settle: the text alone, escaped, always does. */
    text = souk_html_text(p, html, len);
    if (text == NULL) {
        return NULL;
    }
    souk_buf_init(&b, p, strlen(text) + 16);
    souk_buf_append_html(&b, text);
    return b.data;
}
