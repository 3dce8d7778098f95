/* The admin plugin: the back office shell every plugin adds its pages to:
 * staff log-in, the dashboard, navigation and flash messages. */
#include <stdlib.h>
#include <string.h>

#include "admin.h"

static int admin_init(souk_plugin_ctx_t *ctx);

SOUK_PLUGIN(admin,
    .version = "0.1.0",
    .init = admin_init,
    .summary = "The back office: staff log-in, dashboard, sites, themes");

const char *
admin_url(souk_request_t *r, const char *path)
{
    return souk_psprintf(souk_request_pool(r), "%s%s",
                         souk_site_base_path(r), path);
}

/* ---------- log-in and log-out ---------- */

static const char *
admin_next(souk_request_t *r)
{
    const char  *next = souk_request_query(r, "next");

    return admin_next_ok(next) ? next : "/admin";
}

static int
admin_login_form(souk_request_t *r, int status, const char *email,
    const char *err_email, const char *err_pw, const char *err)
{
    cJSON  *m, *fields, *f;
    char   *action;

    m = souk_ui_page(r, "admin_login", "Staff log-in");
    fields = cJSON_CreateArray();
    f = souk_ui_field("email", "email", "Email", email, err_email);
    cJSON_ReplaceItemInObjectCaseSensitive(f, "required", cJSON_CreateTrue());
    cJSON_AddItemToArray(fields, f);
    f = souk_ui_field("password", "password", "Password", NULL, err_pw);
    cJSON_ReplaceItemInObjectCaseSensitive(f, "required", cJSON_CreateTrue());
    cJSON_AddItemToArray(fields, f);
    action = souk_ui_url_append(NULL, admin_url(r, "/admin/login?next="), 0);
    action = souk_ui_url_append(action, admin_next(r), 1);
    cJSON_AddItemToObject(m, "form", souk_ui_form("admin-login", action,
                                                "Log in",
                                                souk_csrf_token(r), fields,
                                                err));
    free(action);
    return status;
}

static int
admin_login(souk_request_t *r, void *data)
{
    const char  *email, *pw;
    int64_t      uid;

    (void) data;
    souk_view_theme(r, "admin");
    if (souk_request_method(r) != SOUK_POST) {
        if (souk_user_id(r) != 0 && souk_user_can(r, "admin.access")) {
            return souk_redirect(r, 303, admin_url(r, admin_next(r)));
        }
        return admin_login_form(r, 200, NULL, NULL, NULL, NULL);
    }
    email = souk_request_form(r, "email");
    pw = souk_request_form(r, "password");
    if (email == NULL || email[0] == '\0' || pw == NULL || pw[0] == '\0') {
        return admin_login_form(r, 422, email,
                                email == NULL || email[0] == '\0'
                                ? "Enter your email address." : NULL,
                                pw == NULL || pw[0] == '\0'
                                ? "Enter your password." : NULL,
                                "Check the fields marked below.");
    }
    uid = souk_user_authenticate(r, email, pw);
    if (uid == SOUK_DECLINED) {
        return admin_login_form(r, 429, email, NULL, NULL, "Too many "
                                "failed attempts: wait a few minutes, then "
                                "try again.");
    }
    if (uid == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (uid == 0) {
        return admin_login_form(r, 422, email, NULL, NULL,
                                "Wrong email or password.");
    }
    if (souk_session_login(r, uid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (!souk_user_can(r, "admin.access")) {
        return souk_error(r, 403, "this account has no access to the "
                          "admin");
    }
    return souk_redirect(r, 303, admin_url(r, admin_next(r)));
}

static int
admin_logout(souk_request_t *r, void *data)
{
    (void) data;
    if (souk_session_logout(r) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return souk_redirect(r, 303, admin_url(r, "/admin/login"));
}

/* ---------- the dashboard ---------- */

static int
admin_dashboard(souk_request_t *r, void *data)
{
    const char  *site = souk_site_id(r), *email;
    cJSON       *m, *info, *p, *d;
    int          rc, on = 0, total = 0;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "admin.access")) != 0) {
        return rc;
    }
    m = souk_ui_page(r, "admin_dashboard", "Dashboard");
    souk_ui_crumb(m, "Admin", NULL);
    d = cJSON_AddObjectToObject(m, "site");
    cJSON_AddStringToObject(d, "id", site);
    cJSON_AddStringToObject(d, "theme", souk_site_theme(r));
    cJSON_AddStringToObject(d, "href", admin_url(r, souk_psprintf(
                                souk_request_pool(r), "/admin/sites/%s",
                                site)));
    cJSON_AddBoolToObject(d, "manage", souk_user_can(r, "admin.sites"));
    info = souk_site_info(r, site);
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(info, "plugins"))
    {
        total++;
        on += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "enabled"));
    }
    cJSON_Delete(info);
    cJSON_AddNumberToObject(d, "plugins_on", on);
    cJSON_AddNumberToObject(d, "plugins_total", total);
    email = souk_user_email(r, souk_user_id(r));
    cJSON_AddStringToObject(m, "user", email != NULL ? email : "");
    return 200;
}

/* ---------- slots: navigation and the signed-in user ---------- */

static void
admin_nav_item(souk_request_t *r, souk_buf_t *out, const char *path,
    const char *label, int prefix)
{
    const char  *here = souk_request_path(r);
    size_t       n = strlen(path);
    int          cur = prefix ? strncmp(here, path, n) == 0
                                && (here[n] == '\0' || here[n] == '/')
                              : strcmp(here, path) == 0;

    souk_buf_puts(out, "<li><a href=\"");
    souk_buf_append_html(out, admin_url(r, path));
    if (cur) {
        souk_buf_puts(out, "\" aria-current=\"page\">");
    } else {
        souk_buf_puts(out, "\">");
    }
    souk_buf_append_html(out, label);
    souk_buf_puts(out, "</a></li>\n");
}

static int
admin_nav(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    (void) model;
    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "admin.access")) {
        return SOUK_OK;
    }
    admin_nav_item(r, out, "/admin", "Dashboard", 0);
    admin_nav_item(r, out, "/admin/sites", "Sites", 1);
    return SOUK_OK;
}

static int
admin_user(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    const char  *email;

    (void) model;
    (void) data;
    if (souk_user_id(r) == 0
        || (email = souk_user_email(r, souk_user_id(r))) == NULL)
    {
        return SOUK_OK;
    }
    souk_buf_puts(out, "<span class=\"admin-email\">");
    souk_buf_append_html(out, email);
    souk_buf_puts(out, "</span>\n<form class=\"admin-inline\" "
                    "method=\"post\" action=\"");
    souk_buf_append_html(out, admin_url(r, "/admin/logout"));
    souk_buf_puts(out, "\"><input type=\"hidden\" name=\"csrf_token\" "
                    "value=\"");
    souk_buf_append_html(out, souk_csrf_token(r));
    souk_buf_puts(out, "\"><button type=\"submit\">Log out</button>"
                    "</form>\n");
    return SOUK_OK;
}

/* ---------- init ---------- */

static const char *const  admin_staff_perms[] = { "admin.access", NULL };

static int
admin_route(souk_plugin_ctx_t *ctx, unsigned methods, const char *pattern,
    souk_handler_pt h, const char *name)
{
    if (souk_route_add(ctx, methods, pattern, h, NULL) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return name != NULL ? souk_route_name(ctx, name) : SOUK_OK;
}

#define ADMIN_SITE_RE  "/admin/sites/{site:[A-Za-z0-9][A-Za-z0-9_.-]*}"

static int
admin_init(souk_plugin_ctx_t *ctx)
{
    if (souk_permission_declare(ctx, "admin.access", "Open the admin")
        != SOUK_OK
        || souk_permission_declare(ctx, "admin.sites", "Turn a site's "
                                   "plugins on and off, pick its theme and "
                                   "edit the theme's settings") != SOUK_OK
        || souk_role_declare(ctx, "staff", admin_staff_perms) != SOUK_OK
        || admin_route(ctx, SOUK_GET, "/admin", admin_dashboard,
                       "admin.dashboard") != SOUK_OK
        || admin_route(ctx, SOUK_GET | SOUK_POST, "/admin/login",
                       admin_login, "admin.login") != SOUK_OK
        || admin_route(ctx, SOUK_POST, "/admin/logout", admin_logout,
                       "admin.logout") != SOUK_OK
        || admin_route(ctx, SOUK_GET, "/admin/sites", admin_sites_list,
                       "admin.sites") != SOUK_OK
        || admin_route(ctx, SOUK_GET, ADMIN_SITE_RE, admin_site_show,
                       "admin.site") != SOUK_OK
        || admin_route(ctx, SOUK_POST, ADMIN_SITE_RE "/plugins",
                       admin_site_plugins, NULL) != SOUK_OK
        || admin_route(ctx, SOUK_POST, ADMIN_SITE_RE "/theme",
                       admin_site_theme, NULL) != SOUK_OK
        || admin_route(ctx, SOUK_POST, ADMIN_SITE_RE "/settings",
                       admin_site_settings, NULL) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_slot_add(ctx, "admin.nav", admin_nav, NULL, SOUK_PRIO_FIRST)
           == SOUK_OK
           && souk_slot_add(ctx, "admin.user", admin_user, NULL,
                            SOUK_PRIO_MIDDLE) == SOUK_OK
           ? SOUK_OK : SOUK_ERROR;
}
