/* Tests the HTML sanitiser (core/html.c) with hostile and broken markup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content_int.h"
#include "tap.h"

static souk_pool_t  *pool;

static const char *
clean(const char *html)
{
    return souk_html_sanitize(pool, html, strlen(html));
}

/* Sanitises html, checks the result against want and that sanitising the
 * result again changes nothing. */
static void
check(const char *html, const char *want, const char *what)
{
    const char  *got = clean(html), *again;

    is_str(got, want, "%s", what);
    if (got != NULL) {
        again = clean(got);
        if (again == NULL || strcmp(again, got) != 0) {
            ok(0, "%s: stable", what);
            printf("#   again \"%s\"\n", again ? again : "(null)");
        }
    }
}

static void
test_allowed(void)
{
    check("<p>Hello <strong>bold</strong> <em>x</em></p>",
          "<p>Hello <strong>bold</strong> <em>x</em></p>", "allowed kept");
    check("<h2>T</h2><ul><li>a</li></ul><ol><li>b</li></ol>",
          "<h2>T</h2><ul><li>a</li></ul><ol><li>b</li></ol>", "lists kept");
    check("<a href=\"https://ex.com/?a=1&amp;b=2\">x</a>",
          "<a href=\"https://ex.com/?a=1&amp;b=2\" rel=\"nofollow noopener\">"
          "x</a>", "link kept, rel added, & escaped");
    check("<a href=\"/p/mug\" target=_blank rel=opener>x</a>",
          "<a href=\"/p/mug\" rel=\"nofollow noopener\">x</a>",
          "relative link, other attributes dropped");
    check("<a href=\"mailto:a@b.c\">m</a>",
          "<a href=\"mailto:a@b.c\" rel=\"nofollow noopener\">m</a>",
          "mailto link kept");
    check("<img src=\"/m/a.webp\" alt='A \"q\"' width=10 height=x "
          "class=c>", "<img src=\"/m/a.webp\" alt=\"A &quot;q&quot;\" "
          "width=\"10\">", "img: src, alt, numeric width");
    check("<table><tr><th>h</th></tr><tr><td>d</td></tr></table>",
          "<table><tbody><tr><th>h</th></tr><tr><td>d</td></tr></tbody>"
          "</table>", "table kept (tbody as a browser adds it)");
    check("<pre>\n\nx</pre>", "<pre>\n\nx</pre>", "pre keeps its newline");
    check("a < b & c > \"d\"", "a &lt; b &amp; c &gt; &quot;d&quot;",
          "text escaped");
}

static void
test_hostile(void)
{
    check("<script>alert(1)</script>ok", "ok", "script dropped with text");
    check("<style>p{}</style><iframe src=x>f</iframe><object>o</object>"
          "<template><p>t</p></template>ok", "ok",
          "style, iframe, object, template dropped with content");
    check("<img src=x onerror=alert(1)>", "<img src=\"x\">",
          "onerror dropped");
    check("<p onclick=\"x()\" style=\"color:red\">p</p>", "<p>p</p>",
          "on* and style dropped");
    check("<svg><script>alert(1)</script><g onload=x>t</g></svg>", "t",
          "svg unwrapped, its script dropped");
    check("<!-- c --><p>a<!-- --></p>", "<p>a</p>", "comments dropped");
    check("<a href=\"/a\">1<div><a href=\"/b\">2</a></div></a>",
          "<a href=\"/a\" rel=\"nofollow noopener\">1</a>"
          "<a href=\"/a\" rel=\"nofollow noopener\"></a>"
          "<a href=\"/b\" rel=\"nofollow noopener\">2</a>",
          "nested links come apart as a browser parses them");
    check("<p><b>unclosed <i>tags", "<p><b>unclosed <i>tags</i></b></p>",
          "unclosed tags closed");
    check("<a href=\"javascript:alert(1)\">x</a>", "x", "javascript: link");
    check("<a href=\"javascript&colon;alert(1)\">x</a>", "x",
          "javascript&colon;");
    check("<a href=\"&#106;avascript:alert(1)\">x</a>", "x",
          "javascript with a numeric entity");
    check("<a href=\" \tJaVa\nScRiPt:alert(1)\">x</a>", "x",
          "javascript with spaces, tabs, newlines, mixed case");
    check("<a href=\"\x01javascript:x\">x</a>", "x",
          "javascript after a control character");
    check("<img src=\"data:image/png;base64,AAAA\">", "",
          "data: image dropped");
    check("<a href=\"vbscript:x\">x</a><a href=\"data:text/html,x\">y</a>",
          "xy", "vbscript: and data: links");
    check("<a href=\"java&#x09;script:x\">x</a>", "x",
          "javascript with an encoded tab");
    check("<a href=\"jav&#0;ascript:x\">x</a>", "x", "NUL inside scheme");
    check("<img src=\"https://x/y.png\" srcset=\"javascript:x\">",
          "<img src=\"https://x/y.png\">", "srcset dropped");
    check("<form action=x><input value=1><button>b</button></form>", "b",
          "forms unwrapped");
    check("<div><p>a</div>b", "<p>a</p>b", "div unwrapped");
    check("<table><tfoot><tr><td>f</td></tr></tfoot></table>",
          clean("<table><tfoot><tr><td>f</td></tr></tfoot></table>"),
          "dropped table part settles");
}

static void
test_big(void)
{
    size_t       n = SOUK_HTML_MAX, m, i;
    char        *big = malloc(n + 1), *deep = malloc(n + 1);
    const char  *out;

    for (i = 0; i < n; i++) {
        big[i] = "<p>ab<script>x</script><b onclick=1>c</b>\"</p>"[i % 44];
    }
    big[n] = '\0';
    out = souk_html_sanitize(pool, big, n);
    ok(out != NULL && strstr(out, "<script") == NULL
       && strstr(out, "onclick") == NULL, "256 KiB of markup sanitised");
    m = (n / 5 - 1) * 5 + 1;    /* nested divs, then a stray "<" */
    for (i = 0; i < m; i++) {
        deep[i] = "<div>"[i % 5];
    }
    deep[m] = '\0';
    out = souk_html_sanitize(pool, deep, m);
    is_str(out, "&lt;", "52427 nested divs (no recursion), a stray <");
    ok(souk_html_sanitize(pool, big, n + 1) == NULL
       && souk_html_text(pool, big, n + 1) == NULL,
       "one byte over SOUK_HTML_MAX is refused, not parsed");
    free(big);
    free(deep);
}

static void
test_text(void)
{
    const char  *s = "<h2>Title</h2><p>One&amp;two\n\n <b>three</b></p>"
                     "<script>x</script><ul><li>a</li><li>b</li></ul>";

    is_str(souk_html_text(pool, s, strlen(s)), "Title One&two three a b",
           "text: markup gone, whitespace collapsed, script dropped");
    is_str(souk_html_text(pool, "", 0), "", "text of nothing");
    is_str(souk_html_text(pool, "  x  ", 5), "x", "text trimmed");
}

int
main(void)
{
    pool = sk_pool_create(4096);
    test_allowed();
    test_hostile();
    test_big();
    test_text();
    sk_pool_destroy(pool);
    return done_testing();
}
