/* The hello plugin: a home page, a greeting, and an echo of what the core
 * parsed, used by the integration tests to see through the whole stack. */
#include <string.h>

#include <souk.h>

#define HELLO_DEFAULT  "Hello, world!"

static int hello_init(souk_plugin_ctx_t *ctx);

SOUK_PLUGIN(hello,
    .version = "0.1.0",
    .init = hello_init,
    .summary = "Greets visitors and echoes requests (the example plugin)");

static int
hello_home(souk_request_t *r, void *data)
{
    cJSON  *m, *links, *link;

    (void) data;
    m = souk_view_new(r, "home");
    cJSON_AddStringToObject(m, "title", "Souk");
    cJSON_AddStringToObject(m, "site", souk_site_id(r));
    links = cJSON_AddArrayToObject(m, "links");
    link = cJSON_CreateObject();
    cJSON_AddStringToObject(link, "href", "/hello");
    cJSON_AddStringToObject(link, "title", "Hello");
    cJSON_AddItemToArray(links, link);
    link = cJSON_CreateObject();
    cJSON_AddStringToObject(link, "href", "/hello/souk");
    cJSON_AddStringToObject(link, "title", "Hello, souk");
    cJSON_AddItemToArray(links, link);
    return 200;
}

static int
hello_greet(souk_request_t *r, void *data)
{
    const char  *greeting = souk_setting(r, "hello.greeting");
    cJSON       *m;

    (void) data;
    m = souk_view_new(r, "hello");
    cJSON_AddStringToObject(m, "message",
                            greeting != NULL ? greeting : HELLO_DEFAULT);
    cJSON_AddStringToObject(m, "site", souk_site_id(r));
    return 200;
}

static int
hello_name(souk_request_t *r, void *data)
{
    const char  *name = souk_request_param(r, "name");
    cJSON       *m;

    (void) data;
    if (name == NULL) {
        return souk_error(r, 404, "no name given");
    }
    /* The route's constraint already limits the name to [A-Za-z0-9_-]. */
    m = souk_view_new(r, "hello");
    cJSON_AddStringToObject(m, "message",
        souk_psprintf(souk_request_pool(r), "Hello, %s!", name));
    cJSON_AddStringToObject(m, "site", souk_site_id(r));
    return 200;
}

/* An object of the pairs of one kind; a repeated name keeps its first
 * value, as souk_request_query and friends do. */
static cJSON *
hello_pairs(souk_request_t *r, const char *kind)
{
    const souk_kv_t  *kv;
    cJSON            *o = cJSON_CreateObject();
    size_t            i, n;

    kv = souk_request_pairs(r, kind, &n);
    for (i = 0; i < n; i++) {
        if (!cJSON_HasObjectItem(o, kv[i].name)) {
            cJSON_AddStringToObject(o, kv[i].name, kv[i].value);
        }
    }
    return o;
}

/* Every pair of the given kind appended to list as {kind, name, value}:
 * Mustache cannot walk an object's keys, so the page lists these. */
static void
hello_fields(souk_request_t *r, const char *kind, cJSON *list)
{
    const souk_kv_t  *kv;
    cJSON            *o;
    size_t            i, n;

    kv = souk_request_pairs(r, kind, &n);
    for (i = 0; i < n; i++) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", kind);
        cJSON_AddStringToObject(o, "name", kv[i].name);
        cJSON_AddStringToObject(o, "value", kv[i].value);
        cJSON_AddItemToArray(list, o);
    }
}

static void
hello_upload(cJSON *list, const souk_upload_t *u)
{
    cJSON  *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "name", u->name);
    cJSON_AddStringToObject(o, "filename", u->filename);
    cJSON_AddStringToObject(o, "content_type", u->content_type);
    cJSON_AddNumberToObject(o, "size", (double) u->len);
    cJSON_AddItemToArray(list, o);
}

static cJSON *
hello_uploads(souk_request_t *r)
{
    const souk_upload_t *u;
    cJSON               *list = cJSON_CreateArray();
    size_t               i, n;

    u = souk_request_uploads(r, &n);
    for (i = 0; i < n; i++) {
        hello_upload(list, &u[i]);
    }
    return list;
}

static int
hello_echo(souk_request_t *r, void *data)
{
    const cJSON  *json = souk_request_json(r);
    cJSON        *m, *fields;

    (void) data;
    m = souk_view_new(r, "echo");
    cJSON_AddStringToObject(m, "method", souk_request_method_name(r));
    cJSON_AddStringToObject(m, "path", souk_request_path(r));
    cJSON_AddItemToObject(m, "query", hello_pairs(r, "query"));
    cJSON_AddItemToObject(m, "form", hello_pairs(r, "form"));
    cJSON_AddItemToObject(m, "cookies", hello_pairs(r, "cookie"));
    cJSON_AddItemToObject(m, "uploads", hello_uploads(r));
    fields = cJSON_AddArrayToObject(m, "fields");
    hello_fields(r, "query", fields);
    hello_fields(r, "form", fields);
    hello_fields(r, "cookie", fields);
    cJSON_AddItemToObject(m, "json", json != NULL
                                     ? cJSON_Duplicate(json, 1)
                                     : cJSON_CreateNull());
    return 200;
}

static int
hello_mark_view(souk_request_t *r, cJSON *view, void *data)
{
    (void) r;
    (void) data;
    if (cJSON_IsObject(view) && !cJSON_HasObjectItem(view, "plugin")) {
        cJSON_AddStringToObject(view, "plugin", "hello");
    }
    return SOUK_OK;
}

static int
hello_footer(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    (void) r;
    (void) model;
    (void) data;
    souk_buf_puts(out, "<p class=\"hello-footer\">Served by the hello plugin"
                  "</p>");
    return SOUK_OK;
}

static int
hello_init(souk_plugin_ctx_t *ctx)
{
    /* Each route is named right after it is added, so templates can link
     * to it with {{url.hello.greet}} or {{name:url=hello.name}}. */
    if (souk_route_add(ctx, SOUK_GET, "/", hello_home, NULL) != SOUK_OK
        || souk_route_name(ctx, "hello.home") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/hello", hello_greet, NULL)
           != SOUK_OK
        || souk_route_name(ctx, "hello.greet") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/hello/{name:[A-Za-z0-9_-]{1,32}}",
                          hello_name, NULL) != SOUK_OK
        || souk_route_name(ctx, "hello.name") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/hello/echo", hello_echo, NULL)
           != SOUK_OK
        || souk_route_name(ctx, "hello.echo") != SOUK_OK
        /* The echo shows what arrived and changes nothing, so it takes no
         * CSRF token: the request-parsing tests post to it directly. */
        || souk_route_flags(ctx, SOUK_ROUTE_NO_CSRF) != SOUK_OK
        || souk_filter_add(ctx, "view.hello", hello_mark_view, NULL,
                           SOUK_PRIO_MIDDLE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_slot_add(ctx, "page.footer", hello_footer, NULL,
                         SOUK_PRIO_MIDDLE);
}
