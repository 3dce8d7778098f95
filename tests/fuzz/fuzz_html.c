/* libFuzzer target: the HTML sanitiser never lets active content through. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "content_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static souk_pool_t  *pool;

#define FZ_CHECK(c)  do { if (!(c)) { abort(); } } while (0)

/* A URL as a browser reads it: no tabs or line breaks, no leading
 * controls or spaces; then no scheme but http, https, mailto. */
static void
fz_url(const char *v)
{
    char    u[64];
    size_t  j = 0;

    for (; *v != '\0' && j < sizeof(u) - 1; v++) {
        if (*v == '\t' || *v == '\n' || *v == '\r'
            || (j == 0 && (unsigned char) *v <= ' '))
        {
            continue;
        }
        u[j++] = *v;
    }
    u[j] = '\0';
    FZ_CHECK(strncasecmp(u, "javascript:", 11) != 0);
    FZ_CHECK(strncasecmp(u, "vbscript:", 9) != 0);
    FZ_CHECK(strncasecmp(u, "data:", 5) != 0);
}

/* The output parsed again, as a browser would: no active element, no
 * event handler or style attribute, no script URL. */
static void
fz_tree(const GumboNode *n, unsigned depth)
{
    const GumboVector  *kids;
    GumboAttribute     *a;
    GumboTag            t;
    unsigned            i;

    if (n->type != GUMBO_NODE_ELEMENT) {
        FZ_CHECK(n->type != GUMBO_NODE_TEMPLATE);
        return;
    }
    t = n->v.element.tag;
    FZ_CHECK(t != GUMBO_TAG_SCRIPT && t != GUMBO_TAG_STYLE
             && t != GUMBO_TAG_IFRAME && t != GUMBO_TAG_OBJECT
             && t != GUMBO_TAG_SVG && t != GUMBO_TAG_MATH);
    FZ_CHECK(depth < 100000);
    for (i = 0; i < n->v.element.attributes.length; i++) {
        a = n->v.element.attributes.data[i];
        FZ_CHECK(strncasecmp(a->name, "on", 2) != 0);
        FZ_CHECK(strcasecmp(a->name, "style") != 0);
        fz_url(a->value);
    }
    kids = &n->v.element.children;
    for (i = 0; i < kids->length; i++) {
        fz_tree(kids->data[i], depth + 1);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char   *out, *again;
    GumboOutput  *g;

    if (pool == NULL) {
        pool = sk_pool_create(4096);
    }
    out = souk_html_sanitize(pool, (const char *) data, size);
    FZ_CHECK(out != NULL);
    FZ_CHECK(strstr(out, "<script") == NULL);
    again = souk_html_sanitize(pool, out, strlen(out));
    FZ_CHECK(again != NULL && strcmp(again, out) == 0);
    g = gumbo_parse(out);
    FZ_CHECK(g != NULL);
    fz_tree(g->root, 0);
    gumbo_destroy_output(&kGumboDefaultOptions, g);
    FZ_CHECK(souk_html_text(pool, (const char *) data, size) != NULL);
    sk_pool_reset(pool);
    return 0;
}
