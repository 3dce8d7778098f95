/* Fixture plugin "testkit": routes the integration tests use to observe
 * workers (which pid answered, a slow request in flight, a crashing one). */

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <souk.h>

/* Longest /test/slow sleep: bounded so a mistyped test cannot hang a run. */
#define TESTKIT_SLOW_MAX_MS  30000L

static int testkit_init(souk_plugin_ctx_t *ctx);

SOUK_PLUGIN(testkit,
    .version = "0.1.0",
    .init = testkit_init,
    .summary = "Test fixture: /test/pid, /test/slow, /test/crash");


static int
testkit_pid(souk_request_t *r, void *data)
{
    cJSON  *view;

    (void) data;

    view = souk_view_new(r, "test_pid");
    cJSON_AddNumberToObject(view, "pid", (double) getpid());
    return 200;
}


/*
 * Sleeps ms milliseconds, then answers. The sleep resumes after a signal
 * (SIGTERM, SIGUSR1) so the tests can check that a graceful stop lets an
 * in-flight request finish rather than cutting it short. The warning line is
 * how a test knows the request is in flight without guessing a delay.
 */
static int
testkit_slow(souk_request_t *r, void *data)
{
    long             ms;
    const char      *arg;
    cJSON           *view;
    struct timespec  ts;

    (void) data;

    arg = souk_request_query(r, "ms");
    ms = (arg != NULL) ? strtol(arg, NULL, 10) : 100;
    if (ms < 0) {
        ms = 0;
    }
    if (ms > TESTKIT_SLOW_MAX_MS) {
        ms = TESTKIT_SLOW_MAX_MS;
    }

    souk_log(r, SOUK_LOG_WARN, "testkit slow request sleeping %ld ms", ms);

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
        /* the remaining time is back in ts */
    }

    view = souk_view_new(r, "test_slow");
    cJSON_AddNumberToObject(view, "slept_ms", (double) ms);
    cJSON_AddNumberToObject(view, "pid", (double) getpid());
    return 200;
}


/* Kills the worker mid-request, as a plugin bug would. */
static int
testkit_crash(souk_request_t *r, void *data)
{
    (void) r;
    (void) data;

    abort();
}


static int
testkit_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/test/pid", testkit_pid, NULL)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }

    if (souk_route_add(ctx, SOUK_GET, "/test/slow", testkit_slow, NULL)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }

    return souk_route_add(ctx, SOUK_GET, "/test/crash", testkit_crash, NULL);
}
