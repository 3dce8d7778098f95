/* Fixture plugin "benchkit": the page scripts/bench measures with and
 * without a signed-in session, and the route that signs the bench in. */

#include <stdio.h>

#include <souk.h>

/* The bench's one account; the fixture is never loaded outside the bench. */
#define BENCHKIT_EMAIL     "bench@example.test"
#define BENCHKIT_PASSWORD  "bench-password-not-secret"
#define BENCHKIT_ITEMS     10

static int benchkit_init(souk_plugin_ctx_t *ctx);

SOUK_PLUGIN(benchkit,
    .version = "0.1.0",
    .init = benchkit_init,
    .summary = "Bench fixture: /bench/page with or without a session");


/*
 * The measured page. Every request asks who is signed in: without a
 * session cookie that is answered from the request alone; with one, the
 * session row is read (and its expiry slid) and then the user's row, which
 * is the cost the bench reports.
 */
static int
benchkit_page(souk_request_t *r, void *data)
{
    int          i;
    char         name[32];
    cJSON       *view, *items;
    int64_t      uid;
    const char  *email;

    (void) data;

    uid = souk_user_id(r);
    email = (uid > 0) ? souk_user_email(r, uid) : NULL;

    view = souk_view_new(r, "bench_page");
    cJSON_AddBoolToObject(view, "signed_in", uid > 0);
    cJSON_AddNumberToObject(view, "user_id", (double) uid);
    cJSON_AddStringToObject(view, "email", email != NULL ? email : "");

    /* The same small catalogue either way, so only the session differs. */
    items = cJSON_AddArrayToObject(view, "items");
    for (i = 1; i <= BENCHKIT_ITEMS; i++) {
        snprintf(name, sizeof(name), "Item %d", i);
        cJSON_AddItemToArray(items, cJSON_CreateString(name));
    }
    return 200;
}


/* Signs the bench's account in (creating it once), setting the cookie. */
static int
benchkit_login(souk_request_t *r, void *data)
{
    cJSON    *view;
    int64_t   uid;

    (void) data;

    uid = souk_user_find(r, BENCHKIT_EMAIL);
    if (uid == 0) {
        uid = souk_user_create(r, BENCHKIT_EMAIL, BENCHKIT_PASSWORD,
                               "customer");
    }
    if (uid <= 0) {
        return souk_error(r, 500, "could not create the bench account");
    }
    if (souk_session_login(r, uid) != SOUK_OK) {
        return souk_error(r, 500, "could not start the bench session");
    }

    view = souk_view_new(r, "bench_login");
    cJSON_AddNumberToObject(view, "user_id", (double) uid);
    return 200;
}


static int
benchkit_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/bench/page", benchkit_page, NULL)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }

    /* A fixture's sign-in: no form, so no CSRF token to send. */
    if (souk_route_add(ctx, SOUK_POST, "/bench/login", benchkit_login, NULL)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_route_flags(ctx, SOUK_ROUTE_NO_CSRF);
}
