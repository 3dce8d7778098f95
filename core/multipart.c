/* Parsing of multipart/form-data bodies (RFC 7578) into fields and uploads. */
#include <string.h>
#include <strings.h>

#include "souk_core.h"

#define MP_BOUNDARY_MAX  70     /* RFC 2046 */

typedef struct {
    const char  *p;
    size_t       n;
} mp_str_t;

/* One part's headers as found, still pointing into the body. */
typedef struct {
    mp_str_t     name;
    mp_str_t     filename;
    mp_str_t     ctype;
    int          has_name;
    int          has_filename;
} mp_part_t;

typedef struct {
    souk_pool_t        *pool;
    const sk_limits_t  *l;
    souk_kv_t          *fields;
    size_t              nfields, fcap;
    souk_upload_t      *uploads;
    size_t              nuploads, ucap;
    const char        **why;
} mp_ctx_t;

/* memmem without needing _GNU_SOURCE from every includer. */
static const char *
mp_find(const char *h, size_t hn, const char *nd, size_t nn)
{
    const char  *end, *c;

    if (nn == 0 || hn < nn) {
        return NULL;
    }
    end = h + (hn - nn) + 1;
    for (c = h; c < end; c++) {
        c = memchr(c, nd[0], (size_t) (end - c));
        if (c == NULL) {
            return NULL;
        }
        if (memcmp(c, nd, nn) == 0) {
            return c;
        }
    }
    return NULL;
}

static int
mp_bchar(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
           || (c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL;
}

static void
mp_trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) {
        (*n)--;
    }
}

/*
 * Walks "; key=value; key="value"" parameters of a header value s[0..n)
 * and returns the value of key. Quoted values end at the next '"' with no
 * backslash escapes: browsers percent-encode quotes in names, and old ones
 * send Windows paths with raw backslashes in filenames.
 */
static int
mp_param(const char *s, size_t n, const char *key, mp_str_t *out)
{
    size_t  i = 0, klen = strlen(key);

    while (i < n) {
        size_t  ks, ke;

        while (i < n && (s[i] == ';' || s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        ks = i;
        while (i < n && s[i] != '=' && s[i] != ';') {
            i++;
        }
        ke = i;
        while (ke > ks && (s[ke - 1] == ' ' || s[ke - 1] == '\t')) {
            ke--;
        }
        if (i >= n || s[i] == ';') {
            continue;
        }
        i++;
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        if (i < n && s[i] == '"') {
            const char  *q = memchr(s + i + 1, '"', n - i - 1);

            if (q == NULL) {
                return 0;
            }
            out->p = s + i + 1;
            out->n = (size_t) (q - out->p);
            i = (size_t) (q - s) + 1;
        } else {
            size_t  vs = i;

            while (i < n && s[i] != ';') {
                i++;
            }
            out->p = s + vs;
            out->n = i - vs;
            mp_trim(&out->p, &out->n);
        }
        if (ke - ks == klen && strncasecmp(s + ks, key, klen) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The boundary from a Content-Type value, or 0 when missing or invalid. */
static int
mp_boundary(const char *ct, mp_str_t *b)
{
    const char  *semi = strchr(ct, ';');
    size_t       i;

    if (semi == NULL || !mp_param(semi, strlen(semi), "boundary", b)) {
        return 0;
    }
    if (b->n == 0 || b->n > MP_BOUNDARY_MAX || b->p[b->n - 1] == ' ') {
        return 0;
    }
    for (i = 0; i < b->n; i++) {
        if (!mp_bchar((unsigned char) b->p[i])) {
            return 0;
        }
    }
    return 1;
}

/* Reads the header lines of one part: s[0..n) without the blank line. */
static void
mp_headers(const char *s, size_t n, mp_part_t *part)
{
    size_t  i = 0;

    while (i < n) {
        const char  *line = s + i;
        const char  *crlf = mp_find(line, n - i, "\r\n", 2);
        size_t       len = crlf ? (size_t) (crlf - line) : n - i;
        const char  *colon = memchr(line, ':', len);
        const char  *v;
        size_t       hn, vn;

        i += len + 2;
        if (colon == NULL) {
            continue;
        }
        hn = (size_t) (colon - line);
        v = colon + 1;
        vn = len - hn - 1;
        mp_trim(&v, &vn);
        if (hn == 19 && strncasecmp(line, "content-disposition", 19) == 0
            && !part->has_name)
        {
            const char  *semi = memchr(v, ';', vn);

            if (semi == NULL || (size_t) (semi - v) != 9
                || strncasecmp(v, "form-data", 9) != 0)
            {
                continue;
            }
            vn -= (size_t) (semi - v);
            v = semi;
            part->has_name = mp_param(v, vn, "name", &part->name);
            part->has_filename = mp_param(v, vn, "filename",
                                          &part->filename);
        } else if (hn == 12 && strncasecmp(line, "content-type", 12) == 0) {
            part->ctype.p = v;
            part->ctype.n = vn;
        }
    }
}

/*
 * "C:\Users\me\cv.pdf" and "../../etc/passwd" both become their last
 * component; control characters become '_' so the name is safe to log and
 * show. A name that is nothing but dots becomes "upload".
 */
static const char *
mp_filename(souk_pool_t *pool, mp_str_t f)
{
    const char  *s = f.p;
    size_t       i, n = f.n;
    char        *d;

    for (i = f.n; i > 0; i--) {
        if (f.p[i - 1] == '/' || f.p[i - 1] == '\\') {
            s = f.p + i;
            n = f.n - i;
            break;
        }
    }
    if (n == 0 || (n == 1 && s[0] == '.')
        || (n == 2 && s[0] == '.' && s[1] == '.'))
    {
        return "upload";
    }
    d = souk_pstrndup(pool, s, n);
    for (i = 0; i < n; i++) {
        if ((unsigned char) d[i] < 0x20 || d[i] == 0x7f) {
            d[i] = '_';
        }
    }
    return d;
}

static int
mp_fail(mp_ctx_t *c, const char *why)
{
    *c->why = why;
    return 400;
}

static int
mp_add_upload(mp_ctx_t *c, const char *name, mp_part_t *part,
    const char *data, size_t len)
{
    souk_upload_t  *u;

    if (part->filename.n == 0 && len == 0) {
        /* A file input with nothing chosen: no upload at all. */
        return 0;
    }
    if (!sk_utf8_valid(part->filename.p, part->filename.n)
        || !sk_utf8_valid(part->ctype.p, part->ctype.n))
    {
        return mp_fail(c, "An uploaded file's name or type is not valid "
                          "UTF-8.");
    }
    if (c->nuploads == c->l->max_uploads) {
        *c->why = souk_psprintf(c->pool, "Too many uploaded files (the "
                                "limit is %zu).", c->l->max_uploads);
        return 400;
    }
    if (c->nuploads == c->ucap) {
        souk_upload_t  *a;

        c->ucap = c->ucap ? c->ucap * 2 : 4;
        a = souk_palloc(c->pool, c->ucap * sizeof(*a));
        if (c->nuploads > 0) {
            memcpy(a, c->uploads, c->nuploads * sizeof(*a));
        }
        c->uploads = a;
    }
    u = &c->uploads[c->nuploads++];
    u->name = name;
    u->filename = mp_filename(c->pool, part->filename);
    u->content_type = part->ctype.n
                      ? souk_pstrndup(c->pool, part->ctype.p, part->ctype.n)
                      : "application/octet-stream";
    u->data = data;
    u->len = len;
    return 0;
}

static int
mp_add_field(mp_ctx_t *c, const char *name, const char *data, size_t len)
{
    souk_kv_t  *kv;

    if (!sk_utf8_valid(data, len)) {
        return mp_fail(c, "A form field is not valid UTF-8.");
    }
    if (len > c->l->max_param_len) {
        *c->why = souk_psprintf(c->pool, "A parameter name or value is "
                                "longer than %zu bytes.", c->l->max_param_len);
        return 400;
    }
    if (c->nfields == c->l->max_params) {
        *c->why = souk_psprintf(c->pool, "Too many parameters (the limit "
                                "is %zu).", c->l->max_params);
        return 400;
    }
    if (c->nfields == c->fcap) {
        souk_kv_t  *a;

        c->fcap = c->fcap ? c->fcap * 2 : 8;
        a = souk_palloc(c->pool, c->fcap * sizeof(*a));
        if (c->nfields > 0) {
            memcpy(a, c->fields, c->nfields * sizeof(*a));
        }
        c->fields = a;
    }
    kv = &c->fields[c->nfields++];
    kv->name = name;
    kv->value = souk_pstrndup(c->pool, data, len);
    return 0;
}

/* One part: head[0..hn) are its header lines, data[0..len) its content. */
static int
mp_part(mp_ctx_t *c, const char *head, size_t hn, const char *data,
    size_t len)
{
    mp_part_t    part;
    const char  *name;

    memset(&part, 0, sizeof(part));
    mp_headers(head, hn, &part);
    if (!part.has_name || part.name.n == 0) {
        return mp_fail(c, "A part of the multipart body has no name.");
    }
    if (!sk_utf8_valid(part.name.p, part.name.n)) {
        return mp_fail(c, "A form field name is not valid UTF-8.");
    }
    if (part.name.n > c->l->max_param_len) {
        *c->why = souk_psprintf(c->pool, "A parameter name or value is "
                                "longer than %zu bytes.", c->l->max_param_len);
        return 400;
    }
    name = souk_pstrndup(c->pool, part.name.p, part.name.n);
    if (part.has_filename) {
        return mp_add_upload(c, name, &part, data, len);
    }
    return mp_add_field(c, name, data, len);
}

static int
mp_parse_parts(mp_ctx_t *c, const char *body, size_t len, mp_str_t b)
{
    char         delim[MP_BOUNDARY_MAX + 4];
    size_t       dl = b.n + 4, pos;
    const char  *d;
    int          rc;

    /* "\r\n--boundary"; the first delimiter may lack the CRLF. */
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, b.p, b.n);
    if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0) {
        pos = dl - 2;
    } else if ((d = mp_find(body, len, delim, dl)) != NULL) {
        pos = (size_t) (d - body) + dl;
    } else {
        return mp_fail(c, "The multipart body has no boundary delimiter.");
    }

    for ( ;; ) {
        const char  *head, *hend, *data, *end;
        size_t       hn;

        /* pos is just past a delimiter: "--" closes, else padding, CRLF. */
        if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-') {
            return 0;
        }
        while (pos < len && (body[pos] == ' ' || body[pos] == '\t')) {
            pos++;
        }
        if (len - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n') {
            return mp_fail(c, "The multipart body is truncated or "
                              "malformed.");
        }
        head = body + pos + 2;
        if (len - pos >= 4 && head[0] == '\r' && head[1] == '\n') {
            hn = 0;
            data = head + 2;
        } else {
            hend = mp_find(head, len - pos - 2, "\r\n\r\n", 4);
            if (hend == NULL) {
                return mp_fail(c, "The multipart body is truncated or "
                                  "malformed.");
            }
            hn = (size_t) (hend - head) + 2;
            data = hend + 4;
        }
        end = mp_find(data, len - (size_t) (data - body), delim, dl);
        if (end == NULL) {
            return mp_fail(c, "The multipart body is truncated: its "
                              "closing boundary is missing.");
        }
        rc = mp_part(c, head, hn, data, (size_t) (end - data));
        if (rc != 0) {
            return rc;
        }
        pos = (size_t) (end - body) + dl;
    }
}

int
sk_multipart_parse(souk_pool_t *p, const char *content_type,
    const char *body, size_t len, const sk_limits_t *l,
    souk_kv_t **fields, size_t *nfields,
    souk_upload_t **uploads, size_t *nuploads, const char **why)
{
    mp_ctx_t  c;
    mp_str_t  b;
    int       rc;

    *fields = NULL;
    *nfields = 0;
    *uploads = NULL;
    *nuploads = 0;
    if (content_type == NULL || !mp_boundary(content_type, &b)) {
        *why = "The multipart body has no valid boundary in its "
               "Content-Type.";
        return 400;
    }
    memset(&c, 0, sizeof(c));
    c.pool = p;
    c.l = l;
    c.why = why;
    rc = mp_parse_parts(&c, body, len, b);
    if (rc != 0) {
        return rc;
    }
    *fields = c.fields;
    *nfields = c.nfields;
    *uploads = c.uploads;
    *nuploads = c.nuploads;
    return 0;
}
