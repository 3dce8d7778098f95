/* Template modifiers: the escapers (h, u, j, c) and the registry the theme
 * layer adds its own to ({{price:money}}, {{d:date=short}}). */
#include <string.h>

#include "tpl_int.h"

#define SK_TPL_MODS_MAX  64

static const char  sk_hex[] = "0123456789ABCDEF";

void
sk_tpl_escape_html(souk_buf_t *out, const char *s, size_t n)
{
    const char  *run = s, *end = s + n;

    for (; s < end; s++) {
        const char  *ent;
        size_t       el;

        switch (*s) {
        case '&':  ent = "&amp;";  el = 5; break;
        case '<':  ent = "&lt;";   el = 4; break;
        case '>':  ent = "&gt;";   el = 4; break;
        case '"':  ent = "&quot;"; el = 6; break;
        case '\'': ent = "&#39;";  el = 5; break;
        default:   continue;
        }
        if (s > run) {
            souk_buf_append(out, run, (size_t) (s - run));
        }
        souk_buf_append(out, ent, el);
        run = s + 1;
    }
    if (end > run) {
        souk_buf_append(out, run, (size_t) (end - run));
    }
}

static int
sk_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
           || c == '~';
}

void
sk_tpl_escape_url(souk_buf_t *out, const char *s, size_t n)
{
    const char  *run = s, *end = s + n;
    char         esc[3];

    for (; s < end; s++) {
        unsigned char  c = (unsigned char) *s;

        if (sk_unreserved(c)) {
            continue;
        }
        if (s > run) {
            souk_buf_append(out, run, (size_t) (s - run));
        }
        esc[0] = '%';
        esc[1] = sk_hex[c >> 4];
        esc[2] = sk_hex[c & 15];
        souk_buf_append(out, esc, 3);
        run = s + 1;
    }
    if (end > run) {
        souk_buf_append(out, run, (size_t) (end - run));
    }
}

void
sk_tpl_escape_js(souk_buf_t *out, const char *s, size_t n)
{
    const unsigned char  *u = (const unsigned char *) s;
    size_t                i, run = 0;
    char                  esc[6] = { '\\', 'u', '0', '0', 0, 0 };

    for (i = 0; i < n; i++) {
        unsigned char  c = u[i];
        const char    *rep = NULL;
        size_t         rl = 2, skip = 1;

        if (c == '\\') {
            rep = "\\\\";
        } else if (c == '\'') {
            rep = "\\'";
        } else if (c == '"') {
            rep = "\\\"";
        } else if (c == '\n') {
            rep = "\\n";
        } else if (c == '\r') {
            rep = "\\r";
        } else if (c == '\t') {
            rep = "\\t";
        } else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&')
        {
            /* < > & would end a <script> or start an entity */
            esc[4] = sk_hex[c >> 4];
            esc[5] = sk_hex[c & 15];
            rep = esc;
            rl = 6;
        } else if (c == 0xe2 && i + 2 < n && u[i + 1] == 0x80
                   && (u[i + 2] == 0xa8 || u[i + 2] == 0xa9))
        {
            /* U+2028/2029 end a line in older JavaScript */
            rep = u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
            rl = 6;
            skip = 3;
        } else {
            continue;
        }
        if (i > run) {
            souk_buf_append(out, s + run, i - run);
        }
        souk_buf_append(out, rep, rl);
        i += skip - 1;
        run = i + 1;
    }
    if (n > run) {
        souk_buf_append(out, s + run, n - run);
    }
}

static int
sk_css_plain(const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        unsigned char  c = (unsigned char) s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9') || c == ' ' || c == '#' || c == '%'
              || c == '.' || c == ',' || c == '_' || c == '+' || c == '-'))
        {
            return 0;
        }
    }
    return 1;
}

/*
 * A CSS value from a setting (a colour, a length, a font name): kept only
 * when it cannot leave the declaration it is written into, else dropped.
 */
void
sk_tpl_escape_css(souk_buf_t *out, const char *s, size_t n)
{
    static const char  *fns[] = { "rgb(", "rgba(", "hsl(", "hsla(" };
    size_t              i, fl;

    if (sk_css_plain(s, n)) {
        souk_buf_append(out, s, n);
        return;
    }
    for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        fl = strlen(fns[i]);
        if (n > fl && strncmp(s, fns[i], fl) == 0 && s[n - 1] == ')'
            && sk_css_plain(s + fl, n - fl - 1))
        {
            souk_buf_append(out, s, n);
            return;
        }
    }
}

static int
sk_mod_h(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    sk_tpl_escape_html(out, a->text, a->len);
    return SOUK_OK;
}

static int
sk_mod_u(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    sk_tpl_escape_url(out, a->text, a->len);
    return SOUK_OK;
}

static int
sk_mod_j(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    sk_tpl_escape_js(out, a->text, a->len);
    return SOUK_OK;
}

static int
sk_mod_c(const sk_tpl_modarg_t *a, souk_buf_t *out)
{
    sk_tpl_escape_css(out, a->text, a->len);
    return SOUK_OK;
}

#define SK_TPL_NBUILTIN  4

static sk_tpl_mod_t  sk_mods[SK_TPL_MODS_MAX] = {
    { "h", sk_mod_h, SK_TPL_MOD_SAFE | SK_TPL_MOD_NOARG },
    { "u", sk_mod_u, SK_TPL_MOD_SAFE | SK_TPL_MOD_NOARG },
    { "j", sk_mod_j, SK_TPL_MOD_SAFE | SK_TPL_MOD_NOARG },
    { "c", sk_mod_c, SK_TPL_MOD_SAFE | SK_TPL_MOD_NOARG },
};
static char    sk_mod_names[SK_TPL_MODS_MAX][32];
static size_t  sk_nmods = SK_TPL_NBUILTIN;

const sk_tpl_mod_t *
sk_tpl_modifier_find(const char *name, size_t len)
{
    size_t  i;

    for (i = 0; i < sk_nmods; i++) {
        if (strlen(sk_mods[i].name) == len
            && memcmp(sk_mods[i].name, name, len) == 0)
        {
            return &sk_mods[i];
        }
    }
    return NULL;
}

int
sk_tpl_modifier_add(const char *name, sk_tpl_modifier_pt fn, unsigned flags)
{
    size_t  i, n = name ? strlen(name) : 0;

    if (n == 0 || n >= sizeof(sk_mod_names[0]) || fn == NULL
        || sk_nmods == SK_TPL_MODS_MAX
        || (flags & SK_TPL_MOD_ARG && flags & SK_TPL_MOD_NOARG)
        || sk_tpl_modifier_find(name, n) != NULL)
    {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        char  c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
              || c == '-'))
        {
            return SOUK_ERROR;
        }
    }
    memcpy(sk_mod_names[sk_nmods], name, n + 1);
    sk_mods[sk_nmods].name = sk_mod_names[sk_nmods];
    sk_mods[sk_nmods].fn = fn;
    sk_mods[sk_nmods].flags = flags;
    sk_nmods++;
    return SOUK_OK;
}

void
sk_tpl_modifier_reset(void)
{
    sk_nmods = SK_TPL_NBUILTIN;
}
