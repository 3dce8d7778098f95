/* Reading a whole file into memory, for the core's loaders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "souk_core.h"

char *
sk_file_read(const char *path, size_t *len)
{
    FILE    *f = fopen(path, "rbe");
    char    *buf = NULL;
    size_t   cap = 0, n = 0, got;

    if (f == NULL) {
        return NULL;
    }
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap + 1);
            if (buf == NULL) {
                abort();
            }
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (ferror(f)) {
        int  e = errno;

        free(buf);
        fclose(f);
        errno = e != 0 ? e : EIO;
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL) {
        *len = n;
    }
    return buf;
}
