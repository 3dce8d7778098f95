/* The admin pages' shared request side (souk/ui.h): the permission guard,
 * the page frame in the admin theme, and a message kept across a redirect. */
#include <stdlib.h>
#include <string.h>

#include <souk.h>

/* One key for every plugin: a message set by one plugin's form shows on
 * whichever admin page comes next. */
#define SK_UI_FLASH_KEY  "ui.flash"

/* The path and query the user asked for, for ?next= after logging in. */
static const char *
sk_ui_here(souk_request_t *r)
{
    const char  *q = souk_request_query_string(r);

    return souk_psprintf(souk_request_pool(r), "%s%s%s",
                         souk_request_path(r), q[0] != '\0' ? "?" : "", q);
}

SOUK_API int
souk_ui_guard(souk_request_t *r, const char *site, const char *perm)
{
    char  *next;
    int    rc;

    souk_view_theme(r, "admin");
    if (souk_user_id(r) == 0) {
        if (souk_request_wants_json(r)
            || souk_request_method(r) != SOUK_GET)
        {
            return souk_error(r, 401, "log in to use the admin");
        }
        next = souk_ui_url_append(NULL, souk_site_base_path(r), 0);
        next = souk_ui_url_append(next, "/admin/login?next=", 0);
        next = souk_ui_url_append(next, sk_ui_here(r), 1);
        rc = souk_redirect(r, 303, souk_pstrdup(souk_request_pool(r), next));
        free(next);
        return rc;
    }
    if (!(site != NULL ? souk_user_can_site(r, site, perm)
                       : souk_user_can(r, perm)))
    {
        return souk_error(r, 403, "your account may not use this page");
    }
    return 0;
}

SOUK_API void
souk_ui_flash_next(souk_request_t *r, const char *kind, const char *msg)
{
    souk_session_set(r, SK_UI_FLASH_KEY,
                     souk_psprintf(souk_request_pool(r), "%s\t%s", kind,
                                   msg));
}

SOUK_API cJSON *
souk_ui_page(souk_request_t *r, const char *tmpl, const char *heading)
{
    cJSON       *m;
    const char  *v, *tab;

    souk_view_theme(r, "admin");
    m = souk_view_new(r, tmpl);
    souk_ui_page_init(m, heading, souk_csrf_token(r));
    /* the message kept by the form that redirected here, shown once */
    if (souk_session_active(r)
        && (v = souk_session_get(r, SK_UI_FLASH_KEY)) != NULL
        && (tab = strchr(v, '\t')) != NULL)
    {
        souk_ui_flash(m, souk_pstrndup(souk_request_pool(r), v,
                                       (size_t) (tab - v)), tab + 1);
        souk_session_set(r, SK_UI_FLASH_KEY, "");
    }
    return m;
}
