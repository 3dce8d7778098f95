/* Souk public API: images uploaded to a site, stored and resized once. */
#ifndef SOUK_MEDIA_H
#define SOUK_MEDIA_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Files live under the site's media folder, MEDIA_DIR/SITE/ (`[server]
 * media_dir`, default var/media beside souk.conf), and nginx serves them
 * at MEDIA_URL/SITE/ (`media_url`, default /media) with a long cache: a
 * file's name is the hash of its content, never the client's file name,
 * so it never changes once written.
 *
 * An image is kept as one WebP per requested width (never wider than the
 * original), named KEY-WIDTH.webp, where KEY is 32 hex digits of the
 * BLAKE2b hash of the original bytes (the same upload twice is stored
 * once).
 */
typedef struct {
    char      key[33];
    unsigned  width;         /* of the original */
    unsigned  height;
} souk_image_t;

#define SOUK_IMAGE_MAX_BYTES   (10u * 1024u * 1024u)
#define SOUK_IMAGE_MAX_PIXELS  (40u * 1000u * 1000u)

/*
 * Stores an uploaded image at each of the widths (ascending, 1..4096, at
 * most 8). The type is sniffed from the bytes (libmagic), never taken from
 * the client: JPEG, PNG, WebP or GIF only; larger than
 * SOUK_IMAGE_MAX_BYTES or SOUK_IMAGE_MAX_PIXELS, or not decodable, is
 * refused. SOUK_OK and *out filled; SOUK_DECLINED with why (one sentence
 * for the user, e.g. "the file is not a JPEG, PNG, WebP or GIF image");
 * SOUK_ERROR when the disk write failed (logged). Files are written to a
 * temporary name and renamed, so a reader never sees half an image.
 */
SOUK_API int souk_media_image_save(souk_request_t *r, const void *data,
    size_t len, const unsigned *widths, size_t nwidths, souk_image_t *out,
    char *why, size_t whylen);

/* The same from 8-bit RGB pixels (width * height * 3 bytes), for images a
 * program draws (demo data, charts). */
SOUK_API int souk_media_image_save_rgb(souk_request_t *r,
    const unsigned char *rgb, unsigned width, unsigned height,
    const unsigned *widths, size_t nwidths, souk_image_t *out);

/* The URL of an image at one of its stored widths:
 * "/media/demo/0123...cdef-480.webp" (with the site's own media URL). In
 * the request's pool. */
SOUK_API const char *souk_media_url(souk_request_t *r, const char *key,
    unsigned width);

/* The site's media folder (absolute), created on first use; pool copy. */
SOUK_API const char *souk_media_dir(souk_request_t *r);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_MEDIA_H */
