/* Uploaded images: sniffed, checked, resized once to WebP, named by hash. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <magic.h>
#include <sodium.h>
#include <vips/vips.h>

#include "content_int.h"

/*
 * libmagic's database and libvips are set up once per process, on first
 * use: after the fork, so no worker inherits threads or half-set state from
 * the master, and processes that never see an image never pay for them.
 * vips keeps a cache of recent operations, which would hold decoded images
 * of earlier uploads in a long-lived worker; it is switched off.
 *
 * The size limit is checked before anything is parsed, the pixel limit on
 * the header alone (vips opens images lazily), so a small file claiming
 * 20000 x 20000 pixels is refused without allocating its pixels.
 */

#define SK_MEDIA_MAX_WIDTHS  8
#define SK_MEDIA_MAX_WIDTH   4096
#define SK_MEDIA_QUALITY     80

static magic_t  sk_magic;
static int      sk_vips_ready;

static int
sk_media_init(souk_request_t *r)
{
    if (sk_magic == NULL) {
        sk_magic = magic_open(MAGIC_MIME_TYPE);
        if (sk_magic == NULL || magic_load(sk_magic, NULL) != 0) {
            souk_log(r, SOUK_LOG_ERROR, "media: cannot load the libmagic "
                     "database: %s", sk_magic ? magic_error(sk_magic)
                                              : strerror(errno));
            if (sk_magic != NULL) {
                magic_close(sk_magic);
                sk_magic = NULL;
            }
            return SOUK_ERROR;
        }
    }
    if (!sk_vips_ready) {
        if (VIPS_INIT("soukd") != 0) {
            souk_log(r, SOUK_LOG_ERROR, "media: libvips: %s",
                     vips_error_buffer());
            vips_error_clear();
            return SOUK_ERROR;
        }
        vips_cache_set_max(0);
        vips_cache_set_max_mem(0);
        /* One request at a time per worker: no thread pool of our own. */
        vips_concurrency_set(1);
        sk_vips_ready = 1;
    }
    return SOUK_OK;
}

/* mkdir -p, each new folder 0755 whatever the umask. */
static int
sk_media_mkdirs(const char *path)
{
    char    buf[4096], *s, c;
    size_t  n = strlen(path);

    if (n == 0 || n >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return SOUK_ERROR;
    }
    memcpy(buf, path, n + 1);
    for (s = buf + 1; ; s++) {
        if (*s != '/' && *s != '\0') {
            continue;
        }
        c = *s;
        *s = '\0';
        if (mkdir(buf, 0755) == 0) {
            (void) chmod(buf, 0755);
        } else if (errno != EEXIST) {
            return SOUK_ERROR;
        }
        if (c == '\0') {
            return SOUK_OK;
        }
        *s = c;
    }
}

SOUK_API const char *
souk_media_dir(souk_request_t *r)
{
    const sk_config_t  *cfg = r->rt->cfg;
    const char         *slash, *base;
    char               *dir;

    if (cfg->media_dir != NULL) {
        base = cfg->media_dir;
    } else {
        /* The newcomer's default, like the SQLite file: var/ beside
         * souk.conf. */
        slash = cfg->path != NULL ? strrchr(cfg->path, '/') : NULL;
        base = slash == NULL ? "var/media"
               : souk_psprintf(r->pool, "%.*s/var/media",
                               (int) (slash - cfg->path), cfg->path);
    }
    dir = souk_psprintf(r->pool, "%s/%s", base, souk_site_id(r));
    if (sk_media_mkdirs(dir) != SOUK_OK) {
        /* The write that follows fails and says so to its caller. */
        souk_log(r, SOUK_LOG_ERROR, "media: cannot create %s: %s", dir,
                 strerror(errno));
    }
    return dir;
}

SOUK_API const char *
souk_media_url(souk_request_t *r, const char *key, unsigned width)
{
    const char  *base = r->rt->cfg->media_url;

    return souk_psprintf(r->pool, "%s/%s/%s-%u.webp",
                         base != NULL ? base : "/media", souk_site_id(r),
                         key, width);
}

static int
sk_media_widths_ok(souk_request_t *r, const unsigned *widths, size_t n)
{
    size_t  i;

    if (widths == NULL || n == 0 || n > SK_MEDIA_MAX_WIDTHS) {
        souk_log(r, SOUK_LOG_ERROR, "media: 1 to %d widths, please",
                 SK_MEDIA_MAX_WIDTHS);
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (widths[i] < 1 || widths[i] > SK_MEDIA_MAX_WIDTH
            || (i > 0 && widths[i] <= widths[i - 1]))
        {
            souk_log(r, SOUK_LOG_ERROR, "media: widths must ascend, each "
                     "1 to %d", SK_MEDIA_MAX_WIDTH);
            return 0;
        }
    }
    return 1;
}

/*
 * Writes img as dir/KEY-WIDTH.webp through a temporary name; a file that
 * is already there is the same image (the name is its hash) and kept.
 * vips decodes lazily, so a damaged upload fails only here: the WebP is
 * made in memory first, which tells a bad image (SOUK_DECLINED) from a
 * failed disk write (SOUK_ERROR, logged).
 */
static int
sk_media_write(souk_request_t *r, const char *dir, const char *key,
    unsigned width, VipsImage *img)
{
    const char  *path, *tmp;
    void        *buf = NULL;
    size_t       len, off = 0;
    ssize_t      n = 0;
    int          fd;

    path = souk_psprintf(r->pool, "%s/%s-%u.webp", dir, key, width);
    if (access(path, F_OK) == 0) {
        return SOUK_OK;
    }
    if (vips_webpsave_buffer(img, &buf, &len, "Q", SK_MEDIA_QUALITY,
                             "strip", TRUE, NULL) != 0)
    {
        vips_error_clear();
        return SOUK_DECLINED;
    }
    tmp = souk_psprintf(r->pool, "%s/.%s-%u.%ld.tmp", dir, key, width,
                        (long) getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    while (fd >= 0 && off < len) {
        n = write(fd, (char *) buf + off, len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        off += (size_t) n;
    }
    g_free(buf);
    if (fd < 0 || off < len || fchmod(fd, 0644) != 0 || close(fd) != 0
        || rename(tmp, path) != 0)
    {
        souk_log(r, SOUK_LOG_ERROR, "media: storing %s: %s", path,
                 n == 0 && off < len ? "short write" : strerror(errno));
        if (fd >= 0) {
            (void) close(fd);
            (void) unlink(tmp);
        }
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static void
sk_media_why(char *why, size_t len, const char *s)
{
    if (why != NULL && len > 0) {
        snprintf(why, len, "%s", s);
    }
}

/* Sniffs the type and reads the header: SOUK_OK with the size in out,
 * SOUK_DECLINED with why. */
static int
sk_media_check(souk_request_t *r, const void *data, size_t len,
    souk_image_t *out, char *why, size_t whylen)
{
    const char  *mime;
    VipsImage   *head;

    if (len > SOUK_IMAGE_MAX_BYTES) {
        sk_media_why(why, whylen, "the image is larger than 10 MB");
        return SOUK_DECLINED;
    }
    mime = len > 0 ? magic_buffer(sk_magic, data, len) : NULL;
    if (mime == NULL || (strcmp(mime, "image/jpeg") != 0
                         && strcmp(mime, "image/png") != 0
                         && strcmp(mime, "image/webp") != 0
                         && strcmp(mime, "image/gif") != 0))
    {
        sk_media_why(why, whylen, "the file is not a JPEG, PNG, WebP or GIF "
                     "image");
        return SOUK_DECLINED;
    }
    head = vips_image_new_from_buffer(data, len, "", "access",
                                      VIPS_ACCESS_SEQUENTIAL, NULL);
    if (head == NULL) {
        vips_error_clear();
        sk_media_why(why, whylen, "the image could not be read (it may be "
                     "damaged or incomplete)");
        return SOUK_DECLINED;
    }
    out->width = (unsigned) vips_image_get_width(head);
    out->height = (unsigned) vips_image_get_height(head);
    g_object_unref(head);
    if ((uint64_t) out->width * out->height > SOUK_IMAGE_MAX_PIXELS) {
        sk_media_why(why, whylen, "the image has more than 40 million "
                     "pixels");
        return SOUK_DECLINED;
    }
    (void) r;
    return SOUK_OK;
}

static void
sk_media_key(char key[33], const void *data, size_t len, const void *extra,
    size_t extra_len)
{
    crypto_generichash_state  st;
    unsigned char             h[16];

    crypto_generichash_init(&st, NULL, 0, sizeof(h));
    crypto_generichash_update(&st, data, len);
    if (extra_len > 0) {
        crypto_generichash_update(&st, extra, extra_len);
    }
    crypto_generichash_final(&st, h, sizeof(h));
    sodium_bin2hex(key, 33, h, sizeof(h));
}

SOUK_API int
souk_media_image_save(souk_request_t *r, const void *data, size_t len,
    const unsigned *widths, size_t nwidths, souk_image_t *out, char *why,
    size_t whylen)
{
    const char  *dir;
    VipsImage   *img;
    size_t       i;
    int          rc;

    sk_media_why(why, whylen, "the image could not be stored");
    if (!sk_media_widths_ok(r, widths, nwidths) || out == NULL
        || sk_media_init(r) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    memset(out, 0, sizeof(*out));
    rc = sk_media_check(r, data, len, out, why, whylen);
    if (rc != SOUK_OK) {
        return rc;
    }
    sk_media_key(out->key, data, len, NULL, 0);
    dir = souk_media_dir(r);
    for (i = 0; i < nwidths; i++) {
        /* Decoded afresh for each width: shrink-on-load makes the small
         * ones cheap, and a sequential image can be read only once. */
        if (vips_thumbnail_buffer((void *) data, len, &img, (int) widths[i],
                                  "height", VIPS_MAX_COORD, "size",
                                  VIPS_SIZE_DOWN, "option_string",
                                  "fail_on=truncated", NULL) != 0)
        {
            vips_error_clear();
            sk_media_why(why, whylen, "the image could not be read (it may "
                         "be damaged or incomplete)");
            return SOUK_DECLINED;
        }
        rc = sk_media_write(r, dir, out->key, widths[i], img);
        g_object_unref(img);
        if (rc == SOUK_DECLINED) {
            sk_media_why(why, whylen, "the image could not be read (it may "
                         "be damaged or incomplete)");
            return SOUK_DECLINED;
        }
        if (rc != SOUK_OK) {
            sk_media_why(why, whylen, "the image could not be stored");
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

SOUK_API int
souk_media_image_save_rgb(souk_request_t *r, const unsigned char *rgb,
    unsigned width, unsigned height, const unsigned *widths, size_t nwidths,
    souk_image_t *out)
{
    VipsImage   *src, *img;
    const char  *dir;
    uint32_t     dims[2] = { width, height };
    size_t       i;
    int          rc = SOUK_OK;

    if (!sk_media_widths_ok(r, widths, nwidths) || out == NULL
        || rgb == NULL || width == 0 || height == 0
        || (uint64_t) width * height > SOUK_IMAGE_MAX_PIXELS
        || sk_media_init(r) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    memset(out, 0, sizeof(*out));
    out->width = width;
    out->height = height;
    /* The same pixels at another shape are another image. */
    sk_media_key(out->key, rgb, (size_t) width * height * 3, dims,
                 sizeof(dims));
    src = vips_image_new_from_memory(rgb, (size_t) width * height * 3,
                                     (int) width, (int) height, 3,
                                     VIPS_FORMAT_UCHAR);
    if (src == NULL) {
        souk_log(r, SOUK_LOG_ERROR, "media: %s", vips_error_buffer());
        vips_error_clear();
        return SOUK_ERROR;
    }
    dir = souk_media_dir(r);
    for (i = 0; i < nwidths && rc == SOUK_OK; i++) {
        if (vips_thumbnail_image(src, &img, (int) widths[i], "height",
                                 VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN,
                                 NULL) != 0)
        {
            souk_log(r, SOUK_LOG_ERROR, "media: %s", vips_error_buffer());
            vips_error_clear();
            rc = SOUK_ERROR;
            break;
        }
        rc = sk_media_write(r, dir, out->key, widths[i], img);
        g_object_unref(img);
    }
    g_object_unref(src);
    return rc == SOUK_OK ? SOUK_OK : SOUK_ERROR;
}
