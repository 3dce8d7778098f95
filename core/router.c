/* The router: method + path patterns with PCRE2-constrained parameters. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pcre2.h>

#include "souk_core.h"

/*
 * Patterns are literal segments and parameters: "{name}" takes one segment
 * ([^/]+), "{name:REGEX}" takes what the constraint allows (even slashes, so
 * "{rest:.+}" is a catch-all). A pattern with parameters becomes one
 * anchored PCRE2 regex with a named group per parameter, compiled once and
 * JIT-compiled when the platform allows. A pattern without parameters is
 * matched by plain string compare.
 *
 * Precedence is registration order, nothing cleverer: a literal "/p/new"
 * registered after "/p/{slug}" is shadowed by it. Plugins load in dependency
 * order, so a plugin that wants to take over a path of its requirement must
 * use a pattern the other does not match.
 */

/* PCRE2's own limit on group names (MAX_NAME_SIZE) is 32 code units. */
#define SK_PARAM_NAME_MAX    32
/* Backtracking budget per route and request: a sane constraint needs a few
 * steps per path byte, a pathological one is cut off instead of spinning. */
#define SK_ROUTE_MATCH_LIMIT 200000

typedef struct {
    char      *name;
    uint32_t   group;
} sk_param_t;

struct sk_route_s {
    unsigned          owner;
    unsigned          methods;
    char             *pattern;      /* as registered */
    size_t            pattern_len;
    char             *norm;         /* names dropped, for duplicates */
    size_t            prefix_len;   /* literal bytes before the first '{' */
    pcre2_code       *re;           /* NULL: literal route */
    sk_param_t       *params;
    size_t            nparams;
    souk_handler_pt   handler;
    void             *data;
    char             *name;         /* souk_route_name, or NULL */
    unsigned          seq;          /* registration order */
    unsigned          flags;        /* souk_route_flags */
    char             *perm;         /* souk_route_permission, or NULL */
};

struct sk_router_s {
    sk_route_t           **routes;   /* pointers stay put as the array grows */
    size_t                 nroutes;
    size_t                 cap;
    /* Workers are single-threaded, so one match block serves every call. */
    pcre2_match_data      *md;
    uint32_t               md_pairs;
    pcre2_match_context   *mctx;
    unsigned               seq;      /* routes added so far */
};

/* A growable malloc'd string for building the regex and normal form. */
typedef struct {
    char    *s;
    size_t   len;
    size_t   cap;
    int      oom;
} sk_str_t;

static void
sk_str_add(sk_str_t *b, const char *s, size_t n)
{
    char    *d;
    size_t   cap;

    if (b->oom) {
        return;
    }
    if (b->len + n + 1 > b->cap) {
        cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        d = realloc(b->s, cap);
        if (d == NULL) {
            b->oom = 1;
            return;
        }
        b->s = d;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void
sk_str_puts(sk_str_t *b, const char *s)
{
    sk_str_add(b, s, strlen(s));
}

/* Appends one literal byte of the path, escaped so PCRE2 reads it as is. */
static void
sk_str_literal(sk_str_t *b, unsigned char c)
{
    char  hex[8];

    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '_' || c >= 0x80)
    {
        /* Bytes >= 0x80 belong to UTF-8 sequences; they are never special. */
        sk_str_add(b, (const char *) &c, 1);
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(hex, sizeof(hex), "\\x{%02x}", c);
        sk_str_puts(b, hex);
    } else {
        /* A backslash before ASCII punctuation always means the character. */
        sk_str_add(b, "\\", 1);
        sk_str_add(b, (const char *) &c, 1);
    }
}

SOUK_PRINTF(3, 4)
static int
sk_router_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list  ap;

    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return SOUK_ERROR;
}

sk_router_t *
sk_router_create(void)
{
    sk_router_t  *rt;

    rt = calloc(1, sizeof(*rt));
    if (rt == NULL) {
        return NULL;
    }
    rt->mctx = pcre2_match_context_create(NULL);
    if (rt->mctx == NULL) {
        free(rt);
        return NULL;
    }
    pcre2_set_match_limit(rt->mctx, SK_ROUTE_MATCH_LIMIT);
    return rt;
}

static void
sk_route_free(sk_route_t *route)
{
    size_t  i;

    if (route == NULL) {
        return;
    }
    for (i = 0; i < route->nparams; i++) {
        free(route->params[i].name);
    }
    free(route->params);
    pcre2_code_free(route->re);
    free(route->pattern);
    free(route->name);
    free(route->perm);
    free(route->norm);
    free(route);
}

void
sk_router_destroy(sk_router_t *rt)
{
    size_t  i;

    if (rt == NULL) {
        return;
    }
    for (i = 0; i < rt->nroutes; i++) {
        sk_route_free(rt->routes[i]);
    }
    free(rt->routes);
    pcre2_match_data_free(rt->md);
    pcre2_match_context_free(rt->mctx);
    free(rt);
}

static int
sk_param_name_valid(const char *s, size_t n)
{
    size_t  i;

    if (n == 0 || n > SK_PARAM_NAME_MAX || (s[0] >= '0' && s[0] <= '9')) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
              || s[i] == '_'))
        {
            return 0;
        }
    }
    return 1;
}

/*
 * Finds the '}' closing a constraint that starts at s. Braces nest so that
 * quantifiers like {6,} stay inside; a backslash hides the next byte, so
 * "\{" and "\}" in a constraint are literal braces. NULL when unterminated.
 */
static const char *
sk_constraint_end(const char *s)
{
    int  depth = 0;

    for (; *s != '\0'; s++) {
        if (*s == '\\') {
            if (s[1] == '\0') {
                return NULL;
            }
            s++;
        } else if (*s == '{') {
            depth++;
        } else if (*s == '}') {
            if (depth == 0) {
                return s;
            }
            depth--;
        }
    }
    return NULL;
}

/* A constraint must be a regex on its own, so that it cannot close our
 * group early ("a)|(b") and change the meaning of the rest. */
static int
sk_constraint_check(const char *pattern, const char *name, const char *c,
    size_t n, char *err, size_t errlen)
{
    pcre2_code   *re;
    int           code;
    PCRE2_SIZE    off;
    PCRE2_UCHAR   msg[128];

    re = pcre2_compile((PCRE2_SPTR) c, n, PCRE2_UTF, &code, &off, NULL);
    if (re != NULL) {
        pcre2_code_free(re);
        return SOUK_OK;
    }
    pcre2_get_error_message(code, msg, sizeof(msg));
    return sk_router_fail(err, errlen,
        "route %s: bad constraint for {%s}: %s at offset %zu",
        pattern, name, (const char *) msg, (size_t) off);
}

/* The parts of a pattern as the parser finds them. */
typedef struct {
    sk_str_t     regex;
    sk_str_t     norm;
    sk_param_t  *params;
    size_t       nparams;
    size_t       prefix_len;
} sk_parsed_t;

static void
sk_parsed_free(sk_parsed_t *pp)
{
    size_t  i;

    for (i = 0; i < pp->nparams; i++) {
        free(pp->params[i].name);
    }
    free(pp->params);
    free(pp->regex.s);
    free(pp->norm.s);
}

/* Parses "{name}" or "{name:constraint}" at *ps (pointing at '{'). */
static int
sk_parse_param(const char *pattern, const char **ps, sk_parsed_t *pp,
    char *err, size_t errlen)
{
    const char  *s = *ps + 1, *name = s, *c, *end;
    size_t       nlen, i;
    char        *copy;
    sk_param_t  *np;

    while (*s != '\0' && *s != ':' && *s != '}') {
        s++;
    }
    nlen = (size_t) (s - name);
    if (*s == '\0') {
        return sk_router_fail(err, errlen, "route %s: unterminated '{'",
                              pattern);
    }
    if (!sk_param_name_valid(name, nlen)) {
        return sk_router_fail(err, errlen, "route %s: bad parameter name "
            "\"%.*s\" (want [a-z_][a-z0-9_]*, at most %d bytes)",
            pattern, (int) nlen, name, SK_PARAM_NAME_MAX);
    }
    for (i = 0; i < pp->nparams; i++) {
        if (strlen(pp->params[i].name) == nlen
            && memcmp(pp->params[i].name, name, nlen) == 0)
        {
            return sk_router_fail(err, errlen,
                "route %s: parameter {%.*s} appears twice", pattern,
                (int) nlen, name);
        }
    }
    copy = strndup(name, nlen);
    np = realloc(pp->params, (pp->nparams + 1) * sizeof(*np));
    if (copy == NULL || np == NULL) {
        free(copy);
        if (np != NULL) {
            pp->params = np;
        }
        return sk_router_fail(err, errlen, "route %s: out of memory",
                              pattern);
    }
    pp->params = np;
    pp->params[pp->nparams].name = copy;
    pp->params[pp->nparams].group = 0;
    pp->nparams++;

    if (*s == '}') {
        c = "[^/]+";
        end = c + strlen(c);
        *ps = s + 1;
    } else {
        c = s + 1;
        end = sk_constraint_end(c);
        if (end == NULL) {
            return sk_router_fail(err, errlen,
                "route %s: unterminated constraint for {%s}", pattern, copy);
        }
        if (end == c) {
            return sk_router_fail(err, errlen,
                "route %s: empty constraint for {%s}", pattern, copy);
        }
        if (sk_constraint_check(pattern, copy, c, (size_t) (end - c), err,
                                errlen) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        *ps = end + 1;
    }
    sk_str_puts(&pp->regex, "(?<");
    sk_str_puts(&pp->regex, copy);
    sk_str_puts(&pp->regex, ">");
    sk_str_add(&pp->regex, c, (size_t) (end - c));
    sk_str_puts(&pp->regex, ")");
    sk_str_puts(&pp->norm, "{:");
    sk_str_add(&pp->norm, c, (size_t) (end - c));
    sk_str_puts(&pp->norm, "}");
    return SOUK_OK;
}

/* Splits a pattern into regex source, normal form and parameter names. */
static int
sk_parse_pattern(const char *pattern, sk_parsed_t *pp, char *err,
    size_t errlen)
{
    const char  *s = pattern;

    memset(pp, 0, sizeof(*pp));
    if (pattern == NULL || pattern[0] != '/') {
        return sk_router_fail(err, errlen,
            "route %s: a pattern must start with '/'",
            pattern ? pattern : "(null)");
    }
    pp->prefix_len = strcspn(pattern, "{");
    while (*s != '\0') {
        if (*s == '{') {
            if (sk_parse_param(pattern, &s, pp, err, errlen) != SOUK_OK) {
                return SOUK_ERROR;
            }
            continue;
        }
        if (*s == '}') {
            return sk_router_fail(err, errlen, "route %s: unexpected '}'",
                                  pattern);
        }
        sk_str_literal(&pp->regex, (unsigned char) *s);
        sk_str_add(&pp->norm, s, 1);
        s++;
    }
    if (pp->regex.oom || pp->norm.oom) {
        return sk_router_fail(err, errlen, "route %s: out of memory",
                              pattern);
    }
    return SOUK_OK;
}

/* Compiles the whole pattern and finds each parameter's group number (a
 * constraint may hold groups of its own, so numbers are not positions). */
static int
sk_route_compile(sk_router_t *rt, sk_route_t *route, sk_parsed_t *pp,
    char *err, size_t errlen)
{
    int           code, n;
    PCRE2_SIZE    off;
    PCRE2_UCHAR   msg[128];
    uint32_t      ncap;
    size_t        i;

    route->re = pcre2_compile((PCRE2_SPTR) pp->regex.s, pp->regex.len,
                              PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED,
                              &code, &off, NULL);
    if (route->re == NULL) {
        pcre2_get_error_message(code, msg, sizeof(msg));
        return sk_router_fail(err, errlen, "route %s: %s at offset %zu of "
            "the compiled form %s", route->pattern, (const char *) msg,
            (size_t) off, pp->regex.s);
    }
    /* Without JIT (no support, or no executable memory) the interpreter
     * gives the same answers, only slower. */
    (void) pcre2_jit_compile(route->re, PCRE2_JIT_COMPLETE);

    for (i = 0; i < pp->nparams; i++) {
        n = pcre2_substring_number_from_name(route->re,
                (PCRE2_SPTR) pp->params[i].name);
        if (n <= 0) {
            return sk_router_fail(err, errlen, "route %s: the constraint "
                "reuses the group name {%s}", route->pattern,
                pp->params[i].name);
        }
        pp->params[i].group = (uint32_t) n;
    }
    pcre2_pattern_info(route->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
    if (rt->md == NULL || ncap + 1 > rt->md_pairs) {
        pcre2_match_data  *md = pcre2_match_data_create(ncap + 1, NULL);

        if (md == NULL) {
            return sk_router_fail(err, errlen, "route %s: out of memory",
                                  route->pattern);
        }
        pcre2_match_data_free(rt->md);
        rt->md = md;
        rt->md_pairs = ncap + 1;
    }
    return SOUK_OK;
}

/* The existing route a new one would collide with, or NULL. */
static const sk_route_t *
sk_router_find_dup(const sk_router_t *rt, unsigned methods, const char *norm)
{
    size_t  i;

    for (i = 0; i < rt->nroutes; i++) {
        if ((rt->routes[i]->methods & methods) != 0
            && strcmp(rt->routes[i]->norm, norm) == 0)
        {
            return rt->routes[i];
        }
    }
    return NULL;
}

static int
sk_router_push(sk_router_t *rt, sk_route_t *route)
{
    sk_route_t  **a;
    size_t        cap;

    if (rt->nroutes == rt->cap) {
        cap = rt->cap ? rt->cap * 2 : 16;
        a = realloc(rt->routes, cap * sizeof(*a));
        if (a == NULL) {
            return SOUK_ERROR;
        }
        rt->routes = a;
        rt->cap = cap;
    }
    rt->routes[rt->nroutes++] = route;
    return SOUK_OK;
}

int
sk_router_add(sk_router_t *rt, unsigned owner, unsigned methods,
    const char *pattern, souk_handler_pt h, void *data,
    int *dup_owner, char *err, size_t errlen)
{
    sk_parsed_t        pp;
    sk_route_t        *route = NULL;
    const sk_route_t  *dup;
    char               mbuf[64];

    if (dup_owner != NULL) {
        *dup_owner = -1;
    }
    if (rt == NULL || h == NULL || owner >= SK_PLUGIN_MAX) {
        return sk_router_fail(err, errlen, "route %s: no handler or bad "
            "owner", pattern ? pattern : "(null)");
    }
    methods &= SOUK_GET | SOUK_HEAD | SOUK_POST | SOUK_PUT | SOUK_PATCH
               | SOUK_DELETE | SOUK_OPTIONS;
    if (methods == 0) {
        return sk_router_fail(err, errlen, "route %s: no known method",
                              pattern ? pattern : "(null)");
    }
    if (sk_parse_pattern(pattern, &pp, err, errlen) != SOUK_OK) {
        goto failed;
    }
    dup = sk_router_find_dup(rt, methods, pp.norm.s);
    if (dup != NULL) {
        if (dup_owner != NULL) {
            *dup_owner = (int) dup->owner;
        }
        sk_router_fail(err, errlen, "route %s %s already registered",
            sk_methods_str(dup->methods & methods, mbuf, sizeof(mbuf)),
            pattern);
        goto failed;
    }
    route = calloc(1, sizeof(*route));
    if (route == NULL || (route->pattern = strdup(pattern)) == NULL) {
        sk_router_fail(err, errlen, "route %s: out of memory", pattern);
        goto failed;
    }
    route->owner = owner;
    route->methods = methods;
    route->pattern_len = strlen(pattern);
    route->prefix_len = pp.prefix_len;
    route->handler = h;
    route->data = data;
    route->seq = ++rt->seq;
    if (pp.nparams > 0
        && sk_route_compile(rt, route, &pp, err, errlen) != SOUK_OK)
    {
        goto failed;
    }
    /* The route takes over what the parser allocated. */
    route->norm = pp.norm.s;
    route->params = pp.params;
    route->nparams = pp.nparams;
    pp.norm.s = NULL;
    pp.params = NULL;
    pp.nparams = 0;
    if (sk_router_push(rt, route) != SOUK_OK) {
        sk_router_fail(err, errlen, "route %s: out of memory", pattern);
        goto failed;
    }
    free(pp.regex.s);
    return SOUK_OK;

failed:
    sk_route_free(route);
    sk_parsed_free(&pp);
    return SOUK_ERROR;
}

void
sk_router_remove_owner(sk_router_t *rt, unsigned owner)
{
    size_t  i, j = 0;

    if (rt == NULL) {
        return;
    }
    /* Compact in place so the others keep their registration order. */
    for (i = 0; i < rt->nroutes; i++) {
        if (rt->routes[i]->owner == owner) {
            sk_route_free(rt->routes[i]);
        } else {
            rt->routes[j++] = rt->routes[i];
        }
    }
    rt->nroutes = j;
}

/* Does the route's pattern take path? On a regex match, rt->md holds the
 * groups until the next call. */
static int
sk_route_path_match(const sk_router_t *rt, const sk_route_t *route,
    const char *path, size_t plen, souk_request_t *r)
{
    int  rc;

    if (route->re == NULL) {
        return plen == route->pattern_len
               && memcmp(path, route->pattern, plen) == 0;
    }
    if (plen < route->prefix_len
        || memcmp(path, route->pattern, route->prefix_len) != 0)
    {
        return 0;
    }
    rc = pcre2_match(route->re, (PCRE2_SPTR) path, plen, 0, 0, rt->md,
                     rt->mctx);
    if (rc >= 0) {
        return 1;
    }
    if (rc != PCRE2_ERROR_NOMATCH && r != NULL) {
        /* Match limit or invalid UTF-8: treated as no match, but a plugin
         * author wants to know that the constraint gave up. */
        souk_log(r, SOUK_LOG_WARN, "route %s: match gave up (PCRE2 error "
                 "%d), taken as no match", route->pattern, rc);
    }
    return 0;
}

/* Copies the parameter values of the last match into the request pool. */
static void
sk_route_params(const sk_router_t *rt, const sk_route_t *route,
    const char *path, souk_request_t *r)
{
    PCRE2_SIZE  *ov;
    souk_kv_t   *kv;
    size_t       i, a, b;

    r->params = NULL;
    r->nparams = 0;
    if (route->nparams == 0) {
        return;
    }
    ov = pcre2_get_ovector_pointer(rt->md);
    kv = souk_palloc(r->pool, route->nparams * sizeof(*kv));
    for (i = 0; i < route->nparams; i++) {
        a = ov[2 * route->params[i].group];
        b = ov[2 * route->params[i].group + 1];
        kv[i].name = route->params[i].name;
        kv[i].value = (a == PCRE2_UNSET || b < a)
                      ? "" : souk_pstrndup(r->pool, path + a, b - a);
    }
    r->params = kv;
    r->nparams = route->nparams;
}

int
sk_router_match(const sk_router_t *rt, sk_enabled_t enabled,
    unsigned method, const char *path, souk_request_t *r, sk_match_t *m)
{
    const sk_route_t  *route;
    unsigned           want, allow = 0;
    size_t             i, plen;

    memset(m, 0, sizeof(*m));
    /* No site means no plugins: fail closed rather than serve them all. */
    if (rt == NULL || enabled == NULL || path == NULL) {
        return 404;
    }
    want = method == SOUK_HEAD ? (SOUK_HEAD | SOUK_GET) : method;
    plen = strlen(path);
    for (i = 0; i < rt->nroutes; i++) {
        route = rt->routes[i];
        if (!enabled[route->owner]
            || !sk_route_path_match(rt, route, path, plen, r))
        {
            continue;
        }
        if ((route->methods & want) == 0) {
            allow |= route->methods;
            continue;
        }
        m->route = route;
        m->handler = route->handler;
        m->data = route->data;
        m->owner = route->owner;
        m->pattern = route->pattern;
        m->flags = route->flags;
        m->perm = route->perm;
        if (r != NULL) {
            sk_route_params(rt, route, path, r);
        }
        return 200;
    }
    if (allow == 0) {
        return 404;
    }
    if (allow & SOUK_GET) {
        allow |= SOUK_HEAD;
    }
    m->allow = allow;
    return 405;
}

void
sk_router_each(const sk_router_t *rt, sk_enabled_t enabled,
    void (*fn)(void *arg, unsigned owner, unsigned methods,
               const char *pattern), void *arg)
{
    size_t  i;

    if (rt == NULL) {
        return;
    }
    /* A listing with no site filter shows everything. */
    for (i = 0; i < rt->nroutes; i++) {
        if (enabled == NULL || enabled[rt->routes[i]->owner]) {
            fn(arg, rt->routes[i]->owner, rt->routes[i]->methods,
               rt->routes[i]->pattern);
        }
    }
}

const char *
sk_methods_str(unsigned methods, char *buf, size_t len)
{
    static const struct {
        unsigned     bit;
        const char  *name;
    } names[] = {
        { SOUK_GET, "GET" }, { SOUK_HEAD, "HEAD" }, { SOUK_POST, "POST" },
        { SOUK_PUT, "PUT" }, { SOUK_PATCH, "PATCH" },
        { SOUK_DELETE, "DELETE" }, { SOUK_OPTIONS, "OPTIONS" },
    };
    size_t  i, used = 0;
    int     n;

    if (buf == NULL || len == 0) {
        return "";
    }
    buf[0] = '\0';
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if ((methods & names[i].bit) == 0) {
            continue;
        }
        n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                     names[i].name);
        if (n < 0 || (size_t) n >= len - used) {
            /* Truncated: keep whole names only. */
            buf[used] = '\0';
            break;
        }
        used += (size_t) n;
    }
    return buf;
}

int
sk_router_name(sk_router_t *rt, unsigned owner, const char *name, char *err,
    size_t errlen)
{
    sk_route_t  *last = NULL;
    size_t       i;

    for (i = 0; i < rt->nroutes; i++) {
        if (rt->routes[i]->name != NULL
            && strcmp(rt->routes[i]->name, name) == 0)
        {
            return sk_router_fail(err, errlen, "route name \"%s\" is "
                                  "already taken", name);
        }
        if (rt->routes[i]->owner == owner
            && (last == NULL || rt->routes[i]->seq > last->seq))
        {
            last = rt->routes[i];
        }
    }
    if (last == NULL || last->name != NULL) {
        return sk_router_fail(err, errlen, "route name \"%s\": no unnamed "
                              "route added just before", name);
    }
    last->name = strdup(name);
    if (last->name == NULL) {
        return sk_router_fail(err, errlen, "out of memory");
    }
    return SOUK_OK;
}

/* Options apply to the route the plugin added last, like a name does. */
int
sk_router_options(sk_router_t *rt, unsigned owner, unsigned flags,
    const char *perm, char *err, size_t errlen)
{
    sk_route_t  *last = NULL;
    size_t       i;

    for (i = 0; i < rt->nroutes; i++) {
        if (rt->routes[i]->owner == owner
            && (last == NULL || rt->routes[i]->seq > last->seq))
        {
            last = rt->routes[i];
        }
    }
    if (last == NULL) {
        return sk_router_fail(err, errlen, "route options given before "
                              "any route was added");
    }
    last->flags |= flags;
    if (perm != NULL) {
        free(last->perm);
        last->perm = strdup(perm);
        if (last->perm == NULL) {
            return sk_router_fail(err, errlen, "out of memory");
        }
    }
    return SOUK_OK;
}

const char *
sk_router_named(const sk_router_t *rt, sk_enabled_t enabled,
    const char *name)
{
    size_t  i;

    for (i = 0; rt != NULL && i < rt->nroutes; i++) {
        if (rt->routes[i]->name != NULL
            && strcmp(rt->routes[i]->name, name) == 0
            && (enabled == NULL || enabled[rt->routes[i]->owner]))
        {
            return rt->routes[i]->pattern;
        }
    }
    return NULL;
}

unsigned
sk_route_owner(const sk_route_t *route)
{
    return route->owner;
}
