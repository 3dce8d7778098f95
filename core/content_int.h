/* Internal to the core: what text.c, html.c and media.c share with tests. */
#ifndef SOUK_CONTENT_INT_H
#define SOUK_CONTENT_INT_H

#include "souk_core.h"

/* ---------- full-text search (core/text.c) ---------- */

/* souk_text_query for a dialect (SOUK_DB_SQLITE / SOUK_DB_MARIADB) rather
 * than a connection: a pure function, for the fuzzer. */
const char *sk_text_query(int dialect, souk_pool_t *p, const char *text);

#endif /* SOUK_CONTENT_INT_H */
