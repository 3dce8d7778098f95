/* Souk public API: rich text from users, made safe to show. */
#ifndef SOUK_HTML_H
#define SOUK_HTML_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Parses html the way a browser does (gumbo) and writes back only an
 * allow-list: p br strong b em i u s ul ol li h2 h3 h4 blockquote code pre
 * a(href: http, https, mailto or a relative path; rel="nofollow noopener"
 * added) img(src: http, https or a relative path; alt, width, height)
 * table thead tbody tr th td. Everything else is dropped with its content
 * for script/style/iframe/object/template, unwrapped (its text kept) for
 * any other element; attributes not listed are dropped, all of on* and
 * style among them. Text and attribute values are re-escaped. The result,
 * in pool p, is safe to print raw and is stable: sanitising it again gives
 * the same bytes. NULL for input longer than SOUK_HTML_MAX (refuse it
 * before: a form answers 422) or when memory runs out.
 */
#define SOUK_HTML_MAX  (256u * 1024u)

SOUK_API const char *souk_html_sanitize(souk_pool_t *p, const char *html,
    size_t len);

/* The text of html without any markup (for search indexes, summaries and
 * plain-text mail), whitespace collapsed; in pool p. NULL as above. */
SOUK_API const char *souk_html_text(souk_pool_t *p, const char *html,
    size_t len);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_HTML_H */
