/* Internal to the core: the Mustache template engine (compile, cache, render,
 * modifiers, static analysis). */
#ifndef SOUK_TEMPLATE_H
#define SOUK_TEMPLATE_H

/*
 * Templates are Mustache (spec v1.4: core modules, inheritance, dynamic
 * names; no lambdas) with ctemplate-style modifiers: {{name:mod=arg:mod2}}.
 * A template is compiled once into a flat node array and rendered straight
 * from cJSON values onto a souk_buf_t. Compiled templates live as long as
 * their cache (process memory); rendering allocates only from the output
 * buffer's pool.
 *
 * Threading: a cache belongs to one worker; nothing here locks.
 */

#include "souk_core.h"

/* ---------- errors ---------- */

/*
 * Every failing call fills one of these. msg holds the whole line as it is
 * shown to a user: "FILE:LINE:COL: message" for template errors (the file
 * being compiled or rendered when the error was found), "FILE: message"
 * when there is no position (unreadable file), or just the message.
 */
typedef struct {
    char      file[256];    /* "" when not about a file */
    unsigned  line;         /* 1-based; 0 when unknown */
    unsigned  col;          /* 1-based, in bytes; 0 when unknown */
    char      msg[768];     /* the complete line, see above */
} sk_tpl_error_t;

/* ---------- limits ---------- */

#define SK_TPL_MAX_DEPTH     64        /* nested sections/blocks in a file */
#define SK_TPL_MAX_INCLUDE   32        /* partial/parent recursion at render */
#define SK_TPL_MAX_STACK     512       /* context frames (given + pushed) */
#define SK_TPL_MAX_OUTPUT    (16u << 20)  /* default output cap, bytes */

/* ---------- modifiers ---------- */

/* Output of the modifier is already safe HTML: no escaping after it. */
#define SK_TPL_MOD_SAFE      0x01u
/* The modifier needs "=arg"; a use without one is a compile error. */
#define SK_TPL_MOD_ARG       0x02u
/* The modifier takes no argument; "=arg" is a compile error. */
#define SK_TPL_MOD_NOARG     0x04u

typedef struct {
    /* The value looked up, for the first modifier of a chain; NULL for the
     * later ones (they see the previous modifier's output as text). May
     * also be NULL when the name was not found. */
    const cJSON   *value;
    const char    *text;      /* the value as text, or the previous output */
    size_t         len;
    const char    *arg;       /* after '=', NUL-terminated; NULL if none */
    void          *ctx;       /* sk_tpl_env_t.ctx of this render */
    souk_pool_t   *pool;      /* the output buffer's pool */
} sk_tpl_modarg_t;

/*
 * A modifier appends its output for a->text (or a->value) to out. Returns
 * SOUK_OK, or SOUK_ERROR to fail the whole render (the engine reports the
 * tag's position and the modifier's name); for a bad input value prefer
 * writing nothing and returning SOUK_OK.
 */
typedef int (*sk_tpl_modifier_pt)(const sk_tpl_modarg_t *a, souk_buf_t *out);

/*
 * Registers a modifier by name ([a-z0-9_-]+, at most 31 bytes) for every
 * template compiled afterwards. Process-wide; call at start-up before any
 * template is compiled. The built-ins h, u, j, c cannot be replaced.
 * SOUK_ERROR on a bad or duplicate name.
 */
int sk_tpl_modifier_add(const char *name, sk_tpl_modifier_pt fn,
    unsigned flags);
/* Drops the modifiers added by sk_tpl_modifier_add (tests, exit). */
void sk_tpl_modifier_reset(void);

/*
 * Built-in modifiers, also usable directly by C code:
 *   h  HTML: & < > " ' become entities (the default for {{x}}).
 *   u  URL component: every byte but A-Z a-z 0-9 - . _ ~ is %XX.
 *   j  JavaScript string content (inside '...' or "..."): \ ' " become
 *      \\ \' \"; < > & and every control byte become \u00XX; U+2028 and
 *      U+2029 become \u2028 \u2029. Safe in HTML too.
 *   c  CSS value: the value is kept only when every byte is in
 *      [A-Za-z0-9 #%.,_+-] or it is an rgb()/rgba()/hsl()/hsla() call of
 *      those bytes; anything else (quotes, ;, {, }, <, \, url(...)) makes
 *      the output empty. Safe in HTML too.
 */
void sk_tpl_escape_html(souk_buf_t *out, const char *s, size_t n);
void sk_tpl_escape_url(souk_buf_t *out, const char *s, size_t n);
void sk_tpl_escape_js(souk_buf_t *out, const char *s, size_t n);
void sk_tpl_escape_css(souk_buf_t *out, const char *s, size_t n);

/* ---------- compiled templates ---------- */

typedef struct sk_tpl_s        sk_tpl_t;
typedef struct sk_tpl_cache_s  sk_tpl_cache_t;

/*
 * Compiles src[0..len) (need not be NUL-terminated); file is the name used
 * in error messages and passed to the loader as from_file. Returns a
 * template owned by the caller (sk_tpl_free), or NULL with err filled:
 * unclosed or mismatched section, bad tag, unknown modifier, nesting
 * deeper than SK_TPL_MAX_DEPTH. Partials and parents are not resolved
 * here: they are looked up through the cache when rendering.
 */
sk_tpl_t *sk_tpl_compile(const char *src, size_t len, const char *file,
    sk_tpl_error_t *err);
void sk_tpl_free(sk_tpl_t *t);
/* The file name the template was compiled under. */
const char *sk_tpl_file(const sk_tpl_t *t);

/* ---------- the cache and the loader ---------- */

/*
 * Resolves a partial or parent name to a file to read. name is as written
 * in the tag after trimming ("product/card"; for dynamic names, the value
 * found); from_file is the file of the template holding the tag (NULL for
 * the template asked for by sk_tpl_cache_get). On success stores a
 * malloc'ed path in *path_out (the cache frees it) and returns SOUK_OK.
 * SOUK_DECLINED: no such template (a partial then renders as "", as the
 * spec wants; sk_tpl_cache_get fails). SOUK_ERROR: refused (e.g. ".." in
 * the name), with a reason in *path_out (malloc'ed) or NULL.
 *
 * Within one cache the answer for (name, from_file) must not change, except
 * in development mode: use one cache per theme.
 */
typedef int (*sk_tpl_load_pt)(void *ctx, const char *name,
    const char *from_file, char **path_out);

#define SK_TPL_DEV  0x01u   /* development mode: re-read changed files */

/*
 * A per-worker cache of compiled templates keyed by resolved path. load may
 * be NULL: then every partial is missing and sk_tpl_cache_get fails (use
 * sk_tpl_cache_file). NULL only on allocation failure.
 */
sk_tpl_cache_t *sk_tpl_cache_create(sk_tpl_load_pt load, void *load_ctx,
    unsigned flags);
void sk_tpl_cache_destroy(sk_tpl_cache_t *c);

/*
 * The compiled template for a name (through the loader, from_file NULL) or
 * for a file path, compiled on first use. In development mode each call
 * first checks the mtime of every cached file and, when any changed, drops
 * every compiled template (so a pointer from an earlier call is invalid
 * after the next get on the same cache in dev mode). NULL with err filled
 * when not found, unreadable or not compiling.
 */
const sk_tpl_t *sk_tpl_cache_get(sk_tpl_cache_t *c, const char *name,
    sk_tpl_error_t *err);
const sk_tpl_t *sk_tpl_cache_file(sk_tpl_cache_t *c, const char *path,
    sk_tpl_error_t *err);
/*
 * Compiles src and stores it under path as if read from that file (never
 * re-read, even in development mode): for tests, the fuzzer and templates
 * held in memory. A loader may then answer with that path. Replaces an
 * entry of the same path. NULL with err filled when it does not compile.
 */
const sk_tpl_t *sk_tpl_cache_add(sk_tpl_cache_t *c, const char *path,
    const char *src, size_t len, sk_tpl_error_t *err);

/* ---------- rendering ---------- */

typedef struct {
    /*
     * Called when the first part of a name is found in no frame of the
     * context stack; name is the whole dotted name as written ("slot.x").
     * May return a value owned by ctx's pool (or anything living until the
     * render ends), or NULL for "missing". May be NULL.
     */
    const cJSON  *(*missing)(void *ctx, const char *name);
    void          *ctx;          /* passed to missing and to modifiers */
    size_t         max_output;   /* bytes; 0 = SK_TPL_MAX_OUTPUT */
} sk_tpl_env_t;

/*
 * Renders t onto out with the context stack frames[0..nframes): frames[0]
 * is the bottom (e.g. the globals), frames[nframes - 1] the top (the
 * handler's view model); names resolve top first. Values are read, never
 * copied or changed. Partials and parents come through c (may be NULL:
 * none). env may be NULL. Returns SOUK_OK, or SOUK_ERROR with err filled
 * (partial that does not compile, recursion deeper than SK_TPL_MAX_INCLUDE,
 * output over the cap, a modifier's failure); out then holds a partial
 * render the caller must not send.
 */
int sk_tpl_render(sk_tpl_cache_t *c, const sk_tpl_t *t,
    const cJSON *const *frames, size_t nframes, const sk_tpl_env_t *env,
    souk_buf_t *out, sk_tpl_error_t *err);

/* ---------- static analysis (souk theme check) ---------- */

#define SK_TPL_TAG_VAR        1   /* {{x}} {{{x}}} {{&x}} */
#define SK_TPL_TAG_SECTION    2   /* {{#x}} */
#define SK_TPL_TAG_INVERTED   3   /* {{^x}} */
#define SK_TPL_TAG_PARTIAL    4   /* {{>x}} {{>*x}} */
#define SK_TPL_TAG_PARENT     5   /* {{<x}} {{<*x}} */
#define SK_TPL_TAG_BLOCK      6   /* {{$x}} */
#define SK_TPL_TAG_COMMENT    7   /* {{! text }}; name is the text */

typedef struct {
    int           kind;          /* SK_TPL_TAG_* */
    const char   *name;          /* as written, trimmed; NUL-terminated */
    int           raw;           /* VAR: {{{x}}} or {{&x}} */
    int           dynamic;       /* PARTIAL/PARENT: {{>*x}}: name is a key */
    const char  **mods;          /* VAR: modifier names, in order */
    const char  **mod_args;      /* the matching args, NULL where none */
    size_t        nmods;
    int           safe;          /* VAR: output is not HTML-escaped (raw,
                                    or last modifier flagged SAFE) */
    unsigned      line, col;
} sk_tpl_tag_t;

/*
 * Calls fn for each tag of t in source order (set-delimiter tags are not
 * reported; closing tags are not reported). The tag and its strings live
 * as long as t. Stops early when fn returns non-zero and returns that.
 */
int sk_tpl_walk(const sk_tpl_t *t,
    int (*fn)(void *arg, const sk_tpl_tag_t *tag), void *arg);

/* ---------- `souk render --theme` (hook for the theme layer) ---------- */

/*
 * Weak: defined by the theme layer, NULL until it is. Given the `souk`
 * command's state (an sk_cli_t *, see core/cli.h) and a theme name, it
 * sets *load / *load_ctx to a loader resolving template names in that
 * theme (its parents, plugin defaults) and returns SOUK_OK; else
 * SOUK_ERROR with a one-line reason in err. `souk render --theme NAME
 * TEMPLATE` then asks that loader for TEMPLATE and for every partial.
 */
int sk_render_theme_loader(void *cli, const char *theme,
    sk_tpl_load_pt *load, void **load_ctx, char *err, size_t errlen)
    __attribute__((weak));

#endif /* SOUK_TEMPLATE_H */
