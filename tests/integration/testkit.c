/* Fixture plugin "testkit": routes the integration tests use to observe
 * workers (which pid answered, a slow request in flight, a crashing one),
 * a command (`souk testkit echo`) and a job (testkit.tick). */

#include <errno.h>
#include <stdio.h>
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


static void
testkit_sleep_ms(long ms)
{
    struct timespec  ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
        /* the remaining time is back in ts */
    }
}


/*
 * `souk testkit echo ARGS`: one line showing what a command request
 * carries: the site, the arguments (--site removed), the ticks the job
 * wrote for the site (a database read), and the request's identity.
 */
static int
testkit_echo(souk_request_t *r, int argc, char **argv, void *data)
{
    souk_stmt_t  *st;
    long long     ticks = -1;
    int           i;

    (void) data;

    st = souk_db_row(souk_db(r), "SELECT COUNT(*) FROM testkit_ticks WHERE "
                     "site = ?", "t", souk_site_id(r));
    if (st != NULL) {
        ticks = (long long) souk_stmt_int(st, 0);
        souk_stmt_reset(st);
    }
    printf("site=%s args=", souk_site_id(r));
    for (i = 0; i < argc; i++) {
        printf("%s%s", i > 0 ? "," : "", argv[i]);
    }
    printf(" ticks=%lld command=%d can=%d user=%lld session=%d base=[%s]\n",
           ticks, souk_request_is_command(r),
           souk_user_can(r, "testkit.admin"), (long long) souk_user_id(r),
           souk_session_start(r), souk_site_base_path(r));
    return argc > 0 && argv[0][0] == 'f' ? 1 : 0;
}


/*
 * testkit.tick, every second: a row per run (site, pid, start time), so a
 * test can count the runs per site and see that two hosts never share a
 * turn. Registered only with `testkit_jobs = yes` in [settings], so the
 * other suites' stacks run no job; the site setting testkit_tick_ms makes
 * each run take that long.
 */
static int
testkit_tick(souk_request_t *r, void *data)
{
    struct timespec  ts;
    const char      *ms = souk_setting(r, "testkit_tick_ms");
    long long        now;

    (void) data;

    clock_gettime(CLOCK_REALTIME, &ts);
    now = (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (souk_db_exec(souk_db(r), "INSERT INTO testkit_ticks (site, pid, "
                     "at_ms) VALUES (?, ?, ?)", "tii", souk_site_id(r),
                     (int64_t) getpid(), (int64_t) now) != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_ERROR, "testkit tick: %s",
                 souk_db_error(souk_db(r)));
        return SOUK_ERROR;
    }
    if (ms != NULL) {
        testkit_sleep_ms(strtol(ms, NULL, 10) % 5000);
    }
    return SOUK_OK;
}


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


/* The session as the core sees it; ?start=1 starts one first. */
static int
testkit_session(souk_request_t *r, void *data)
{
    cJSON       *view;
    const char  *start = souk_request_query(r, "start");
    int          active;

    (void) data;

    if (start != NULL && start[0] == '1') {
        souk_session_start(r);
    }
    active = souk_session_active(r);
    view = souk_view_new(r, "test_session");
    cJSON_AddBoolToObject(view, "active", active);
    cJSON_AddNumberToObject(view, "user", (double) souk_user_id(r));
    cJSON_AddStringToObject(view, "csrf", active ? souk_csrf_token(r) : "");
    cJSON_AddBoolToObject(view, "token_auth", souk_request_token_auth(r));
    return 200;
}


/* A state-changing form: the core checks its CSRF token first. */
static int
testkit_form(souk_request_t *r, void *data)
{
    cJSON  *view;

    (void) data;

    view = souk_view_new(r, "test_form");
    cJSON_AddBoolToObject(view, "done", 1);
    cJSON_AddNumberToObject(view, "user", (double) souk_user_id(r));
    return 200;
}


static int
testkit_login(souk_request_t *r, void *data)
{
    int64_t  uid;
    cJSON   *view;

    (void) data;

    uid = souk_user_authenticate(r, souk_request_form(r, "email"),
                                 souk_request_form(r, "password"));
    if (uid == SOUK_DECLINED) {
        return souk_error(r, 429, "too many failed logins; wait a while");
    }
    if (uid <= 0) {
        return souk_error(r, 401, "wrong email or password");
    }
    if (souk_session_login(r, uid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    view = souk_view_new(r, "test_login");
    cJSON_AddNumberToObject(view, "user", (double) uid);
    return 200;
}


/* A new API token for the signed-in user. */
static int
testkit_token(souk_request_t *r, void *data)
{
    const char  *tok;
    cJSON       *view;

    (void) data;

    tok = souk_api_token_create(r, souk_user_id(r), "testkit", NULL);
    if (tok == NULL) {
        return souk_error(r, 401, "sign in first");
    }
    view = souk_view_new(r, "test_token");
    cJSON_AddStringToObject(view, "token", tok);
    return 200;
}


static int
testkit_session_routes(souk_plugin_ctx_t *ctx)
{
    static const char *const  staff[] = { "testkit.admin", NULL };

    if (souk_permission_declare(ctx, "testkit.admin", "Open /test/admin")
        != SOUK_OK
        || souk_role_declare(ctx, "tester", staff) != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/test/session", testkit_session,
                          NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/test/form", testkit_form, NULL)
           != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/test/login", testkit_login,
                          NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/test/token", testkit_token,
                          NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/test/admin", testkit_form, NULL)
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_route_permission(ctx, "testkit.admin");
}


/* A payment provider for the method named by setting testkit_pay: the
 * registry's tests claim a method another plugin serves (refused) or a
 * free one (offered at checkout). */
static souk_pay_provider_t  testkit_pay = {
    .name = "Testkit pay", .pay_timing = "before",
};

static int
testkit_init(souk_plugin_ctx_t *ctx)
{
    const char  *pay = souk_plugin_setting(ctx, "testkit_pay");

    if (pay != NULL) {
        testkit_pay.method = pay;
        if (souk_pay_provider_add(ctx, &testkit_pay) != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    if (testkit_session_routes(ctx) != SOUK_OK) {
        return SOUK_ERROR;
    }

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

    if (souk_command_add(ctx, "testkit", "echo", "[ARGS]", "print the "
                         "site, the arguments and a database value",
                         testkit_echo, NULL) != SOUK_OK
        || (souk_plugin_setting(ctx, "testkit_jobs") != NULL
            && souk_job_add(ctx, "testkit.tick", 1, testkit_tick, NULL)
               != SOUK_OK))
    {
        return SOUK_ERROR;
    }

    return souk_route_add(ctx, SOUK_GET, "/test/crash", testkit_crash, NULL);
}
