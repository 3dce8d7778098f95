/* The staff side of orders: its routes (back office pages and the staff
 * JSON API) and the back office's menu entry. */
#include <string.h>

#include "staff.h"

#define ORD_CHANGE_ID  "{id:[1-9][0-9]{0,17}}"

typedef struct {
    unsigned         methods;
    const char      *pattern;
    souk_handler_pt  handler;
    const char      *perm;      /* the core checks it; the handler more */
    const char      *name;
} ord_route_t;

static const ord_route_t  ord_staff_routes[] = {
    /* the back office: handlers guard (303 to the log-in for browsers) */
    { SOUK_GET, "/admin/orders", ord_bo_list, NULL, "orders.admin_list" },
    { SOUK_GET, "/admin/orders/picklist", ord_bo_picklist, NULL,
      "orders.admin_picklist" },
    { SOUK_GET, "/admin/orders/" ORD_NUMBER_RE, ord_bo_show, NULL,
      "orders.admin_order" },
    { SOUK_GET, "/admin/orders/" ORD_NUMBER_RE "/packing-slip", ord_bo_slip,
      NULL, "orders.admin_slip" },
    { SOUK_POST, "/admin/orders/" ORD_NUMBER_RE "/transition",
      ord_bo_transition, NULL, NULL },
    { SOUK_POST, "/admin/orders/" ORD_NUMBER_RE "/ship", ord_bo_ship, NULL,
      NULL },
    { SOUK_POST, "/admin/orders/" ORD_NUMBER_RE "/notes", ord_bo_note, NULL,
      NULL },
    { SOUK_POST, "/admin/orders/" ORD_NUMBER_RE "/changes/" ORD_CHANGE_ID,
      ord_bo_change, NULL, NULL },
    /* the staff API: the core answers 401/403 without orders.view */
    { SOUK_GET, "/api/v1/staff/orders", ord_api_list, "orders.view", NULL },
    { SOUK_GET, "/api/v1/staff/orders/" ORD_NUMBER_RE, ord_api_show,
      "orders.view", NULL },
    { SOUK_POST, "/api/v1/staff/orders/" ORD_NUMBER_RE "/transitions",
      ord_api_transition, "orders.view", NULL },
    { SOUK_POST, "/api/v1/staff/orders/" ORD_NUMBER_RE "/ship", ord_api_ship,
      "orders.view", NULL },
    { SOUK_POST, "/api/v1/staff/orders/" ORD_NUMBER_RE "/notes",
      ord_api_note, "orders.view", NULL },
    { SOUK_POST, "/api/v1/staff/change-requests/" ORD_CHANGE_ID,
      ord_api_change, "orders.view", NULL },
};

static void
ord_nav_item(souk_request_t *r, souk_buf_t *out, const char *path,
    const char *label, int exact)
{
    const char  *here = souk_request_path(r);
    size_t       n = strlen(path);
    int          current;

    current = exact ? strcmp(here, path) == 0
                    : strncmp(here, path, n) == 0
                      && (here[n] == '\0' || here[n] == '/')
                      && strncmp(here, "/admin/orders/picklist", 22) != 0
                      && strncmp(here, "/admin/orders/setup", 19) != 0;
    souk_buf_puts(out, "<li><a href=\"");
    souk_buf_append_html(out, souk_psprintf(souk_request_pool(r), "%s%s",
                                            souk_site_base_path(r), path));
    souk_buf_puts(out, current ? "\" aria-current=\"page\">" : "\">");
    souk_buf_append_html(out, label);
    souk_buf_puts(out, "</a></li>\n");
}

static int
ord_staff_nav(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    (void) model;
    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "orders.view")) {
        return SOUK_OK;
    }
    ord_nav_item(r, out, "/admin/orders", "Orders", 0);
    ord_nav_item(r, out, "/admin/orders/picklist", "Pick list", 1);
    return SOUK_OK;
}

/* The dashboard's count of orders waiting for the warehouse. */
static int
ord_staff_dashboard(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    souk_stmt_t  *st;
    int64_t       to_fulfil = 0, open = 0;

    (void) model;
    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "orders.view")) {
        return SOUK_OK;
    }
    st = souk_db_row(souk_db(r), "SELECT COUNT(*) FROM orders WHERE "
                     "site_id = ? AND status IN ('paid', 'picking', "
                     "'packed')", "t", souk_site_id(r));
    if (st != NULL) {
        to_fulfil = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
    }
    st = souk_db_row(souk_db(r), "SELECT COUNT(*) FROM order_change_requests "
                     "c JOIN orders o ON o.id = c.order_id WHERE o.site_id = "
                     "? AND c.status = 'open'", "t", souk_site_id(r));
    if (st != NULL) {
        open = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
    }
    souk_buf_puts(out, "<section class=\"admin-panel orders-panel\" "
                  "aria-labelledby=\"orders-panel-title\">\n<h2 "
                  "id=\"orders-panel-title\">Orders</h2>\n<ul>\n");
    souk_buf_printf(out, "<li><a href=\"%s/admin/orders?status=paid\">"
                    "<strong id=\"orders-to-fulfil\">%lld</strong> to pick, "
                    "pack or ship</a></li>\n", souk_site_base_path(r),
                    (long long) to_fulfil);
    souk_buf_printf(out, "<li><strong id=\"orders-open-changes\">%lld"
                    "</strong> open change requests</li>\n",
                    (long long) open);
    souk_buf_puts(out, "</ul>\n</section>\n");
    return SOUK_OK;
}

int
ord_staff_init(souk_plugin_ctx_t *ctx)
{
    const ord_route_t  *rt;
    size_t              i;

    for (i = 0; i < sizeof(ord_staff_routes) / sizeof(ord_staff_routes[0]);
         i++)
    {
        rt = &ord_staff_routes[i];
        if (souk_route_add(ctx, rt->methods, rt->pattern, rt->handler, NULL)
            != SOUK_OK
            || (rt->name != NULL && souk_route_name(ctx, rt->name)
                                    != SOUK_OK)
            || (rt->perm != NULL && souk_route_permission(ctx, rt->perm)
                                    != SOUK_OK))
        {
            return SOUK_ERROR;
        }
    }
    if (souk_slot_add(ctx, "admin.nav", ord_staff_nav, NULL,
                      SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_slot_add(ctx, "admin.dashboard", ord_staff_dashboard, NULL,
                         SOUK_PRIO_MIDDLE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}
