/* A tiny TAP producer for the C unit tests (run by automake's tap driver). */
#ifndef SOUK_TAP_H
#define SOUK_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int  tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static int
ok(int cond, const char *fmt, ...)
{
    va_list  ap;

    tap_n++;
    printf("%sok %d - ", cond ? "" : "not ", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond) {
        tap_failed++;
    }
    fflush(stdout);
    return cond;
}

#define is_int(got, want, ...)                                               \
    (ok((got) == (want), __VA_ARGS__) ? 1 :                                  \
     (printf("#   got %lld, want %lld\n", (long long) (got),                \
             (long long) (want)), 0))

#define is_str(got, want, ...)                                               \
    (ok((got) != NULL && (want) != NULL && strcmp((got), (want)) == 0,       \
        __VA_ARGS__) ? 1 :                                                   \
     (printf("#   got \"%s\", want \"%s\"\n", (got) ? (got) : "(null)",      \
             (want) ? (want) : "(null)"), 0))

__attribute__((unused))
static int
done_testing(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif /* SOUK_TAP_H */
