/* Unit tests for hooks: order, run modes, owners and the listing. */
#include "../../core/pool.c"
#include "../../core/buf.c"
#include "../../core/hook.c"

#include "tap.h"

static int                 log_calls;
static const sk_plugin_t  *log_plugin;

/* The real souk_log lives in core/log.c; here it records who was blamed. */
SOUK_API void
souk_log(souk_request_t *r, int level, const char *fmt, ...)
{
    (void) level;
    (void) fmt;
    log_calls++;
    log_plugin = r->cur_plugin;
}

static char         trace[512];
static const char  *tr = trace;      /* is_str wants a pointer */

/* Each callback's data is its label; the trace shows label@plugin. */
static void
note(souk_request_t *r, const char *label)
{
    size_t  n = strlen(trace);

    snprintf(trace + n, sizeof(trace) - n, "%s%s@%s", n ? " " : "", label,
             r->cur_plugin ? r->cur_plugin->name : "-");
}

static int
act_ok(souk_request_t *r, const cJSON *event, void *data)
{
    (void) event;
    note(r, data);
    return SOUK_OK;
}

static int
act_fail(souk_request_t *r, const cJSON *event, void *data)
{
    (void) event;
    note(r, data);
    return SOUK_ERROR;
}

static int
act_declined(souk_request_t *r, const cJSON *event, void *data)
{
    (void) event;
    note(r, data);
    return SOUK_DECLINED;
}

static int
filt_add(souk_request_t *r, cJSON *value, void *data)
{
    note(r, data);
    cJSON_AddItemToArray(value, cJSON_CreateString(data));
    return SOUK_OK;
}

static int
filt_fail(souk_request_t *r, cJSON *value, void *data)
{
    (void) value;
    note(r, data);
    return SOUK_ERROR;
}

static int
slot_ok(souk_request_t *r, souk_buf_t *out, const cJSON *model, void *data)
{
    (void) model;
    souk_buf_printf(out, "<%s>", (const char *) data);
    note(r, data);
    return SOUK_OK;
}

static int
slot_fail(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    size_t  i;

    (void) model;
    /* Enough to make the buffer grow, so truncation must survive a move. */
    for (i = 0; i < 100; i++) {
        souk_buf_puts(out, "<partial output that must not show>");
    }
    note(r, data);
    return SOUK_ERROR;
}

static sk_plugin_t      plugins[4] = {
    { .name = "p0" }, { .name = "p1" }, { .name = "p2" }, { .name = "p3" },
};
static sk_runtime_t     rt;
static souk_request_t   req;
static unsigned char    en[SK_PLUGIN_MAX];

#define ADD(kind, name, owner, prio, fn, label)                              \
    sk_hooks_add(rt.hooks, kind, name, owner, prio, (void (*)(void)) (fn),   \
                 (void *) (label))

static void
reset(void)
{
    trace[0] = '\0';
    memset(en, 1, sizeof(en));
    req.enabled = en;
    req.rt = &rt;
    req.cur_plugin = NULL;
}

static void
test_order(void)
{
    const sk_plugin_t  *sentinel = &plugins[3];

    /* Registered out of order on purpose: prio, then owner, then seq. */
    ADD(SK_HOOK_ACTION, "order.placed", 2, 50, act_ok, "c");
    ADD(SK_HOOK_ACTION, "order.placed", 1, 50, act_ok, "b1");
    ADD(SK_HOOK_ACTION, "order.placed", 0, 75, act_ok, "late");
    ADD(SK_HOOK_ACTION, "order.placed", 1, 50, act_ok, "b2");
    ADD(SK_HOOK_ACTION, "order.placed", 0, 10, act_ok, "early");
    ADD(SK_HOOK_ACTION, "order.placed", 3, -5, act_ok, "neg");
    sk_hooks_sort(rt.hooks);

    reset();
    req.cur_plugin = sentinel;
    is_int(souk_action_run(&req, "order.placed", NULL), SOUK_OK,
           "action run returns SOUK_OK");
    is_str(tr, "neg@p3 early@p0 b1@p1 b2@p1 c@p2 late@p0",
           "prio first, then owner, then registration order; cur_plugin set");
    ok(req.cur_plugin == sentinel, "cur_plugin restored after the run");

    reset();
    en[1] = 0;
    souk_action_run(&req, "order.placed", NULL);
    is_str(tr, "neg@p3 early@p0 c@p2 late@p0", "disabled owner skipped");

    reset();
    req.enabled = NULL;
    souk_action_run(&req, "order.placed", NULL);
    is_str(tr, "", "no site (enabled NULL): nothing runs");

    reset();
    req.rt = NULL;
    sk_hooks_run_action(rt.hooks, &req, "order.placed", NULL);
    is_str(tr, "neg@- early@- b1@- b2@- c@- late@-",
           "without a runtime cur_plugin is NULL, callbacks still run");
}

static void
test_action_stop(void)
{
    ADD(SK_HOOK_ACTION, "tx", 0, 10, act_ok, "a");
    ADD(SK_HOOK_ACTION, "tx", 0, 20, act_declined, "d");
    ADD(SK_HOOK_ACTION, "tx", 1, 30, act_fail, "f");
    ADD(SK_HOOK_ACTION, "tx", 2, 40, act_ok, "never");
    reset();
    is_int(souk_action_run(&req, "tx", NULL), SOUK_ERROR,
           "first SOUK_ERROR is returned");
    is_str(tr, "a@p0 d@p0 f@p1", "the run stops at the error; DECLINED "
           "does not stop it");
    ok(req.cur_plugin == NULL, "cur_plugin restored after an error");
    reset();
    en[1] = 0;
    is_int(souk_action_run(&req, "tx", NULL), SOUK_OK,
           "with the failing owner disabled the run succeeds");
    is_str(tr, "a@p0 d@p0 never@p2", "and reaches the end");
    reset();
    is_int(souk_action_run(&req, "no.such.hook", NULL), SOUK_OK,
           "a name without callbacks is SOUK_OK");
}

static void
test_filter(void)
{
    cJSON  *v = cJSON_CreateArray();
    char   *s;

    ADD(SK_HOOK_FILTER, "view.home", 1, 50, filt_add, "y");
    ADD(SK_HOOK_FILTER, "view.home", 0, 50, filt_add, "x");
    ADD(SK_HOOK_FILTER, "view.home", 0, 90, filt_fail, "bad");
    ADD(SK_HOOK_FILTER, "view.home", 0, 95, filt_add, "z");
    ADD(SK_HOOK_ACTION, "view.home", 0, 0, act_ok, "action");
    reset();
    is_int(souk_filter_run(&req, "view.home", v), SOUK_ERROR,
           "filter run returns the first SOUK_ERROR");
    s = cJSON_PrintUnformatted(v);
    is_str(s, "[\"x\",\"y\"]", "filters changed the value in order, then "
           "stopped");
    free(s);
    is_str(tr, "x@p0 y@p1 bad@p0", "an action of the same name is not a "
           "filter");
    cJSON_Delete(v);
}

static void
test_slot(void)
{
    souk_buf_t  out;
    int         n;

    ADD(SK_HOOK_SLOT, "slot.footer", 0, 10, slot_ok, "a");
    ADD(SK_HOOK_SLOT, "slot.footer", 1, 20, slot_fail, "broken");
    ADD(SK_HOOK_SLOT, "slot.footer", 2, 30, slot_ok, "c");
    reset();
    souk_buf_init(&out, req.pool, 16);
    souk_buf_puts(&out, "[");
    log_calls = 0;
    n = souk_slot_render(&req, "slot.footer", NULL, &out);
    is_int(n, 2, "slot returns the callbacks whose output shows");
    is_str(out.data, "[<a><c>", "failed callback's partial output dropped");
    is_int((int) out.len, (int) strlen("[<a><c>"), "length matches the text");
    is_str(tr, "a@p0 broken@p1 c@p2", "the others still run");
    is_int(log_calls, 1, "the failure is logged once");
    ok(log_plugin == &plugins[1], "the log line blames the failing plugin");
    ok(req.cur_plugin == NULL, "cur_plugin restored after a slot");

    reset();
    en[0] = 0;
    souk_buf_init(&out, req.pool, 16);
    n = souk_slot_render(&req, "slot.footer", NULL, &out);
    is_str(out.data, "<c>", "disabled owner's slot output absent");
    is_int(n, 1, "and not counted");
    reset();
    is_int(souk_slot_render(&req, "slot.none", NULL, &out), 0,
           "unknown slot renders nothing");
}

static char  listing[1024];
static int   nlisted;

static void
list_hook(void *arg, const char *name, int kind, int prio, unsigned owner,
    unsigned seq)
{
    size_t  n = strlen(listing);

    (void) arg;
    (void) seq;
    nlisted++;
    snprintf(listing + n, sizeof(listing) - n, "%s/%d/%d/%u\n", name, kind,
             prio, owner);
}

static void
test_each_and_remove(void)
{
    sk_hooks_t     *saved = rt.hooks;
    unsigned char   e2[SK_PLUGIN_MAX] = { 1, 0, 1 };
    const char     *l = listing;

    rt.hooks = sk_hooks_create();
    ADD(SK_HOOK_SLOT, "b.slot", 1, 5, slot_ok, "s");
    ADD(SK_HOOK_ACTION, "a.act", 2, 50, act_ok, "a2");
    ADD(SK_HOOK_ACTION, "a.act", 0, 50, act_ok, "a0");
    ADD(SK_HOOK_FILTER, "a.act", 1, 0, filt_add, "f");
    sk_hooks_each(rt.hooks, NULL, list_hook, NULL);
    is_str(l, "a.act/1/50/0\na.act/1/50/2\na.act/2/0/1\nb.slot/3/5/1\n",
           "each: by name (then kind), in run order");
    listing[0] = '\0';
    sk_hooks_each(rt.hooks, e2, list_hook, NULL);
    is_str(l, "a.act/1/50/0\na.act/1/50/2\n", "each skips disabled owners");

    sk_hooks_remove_owner(rt.hooks, 1);
    listing[0] = '\0';
    nlisted = 0;
    sk_hooks_each(rt.hooks, NULL, list_hook, NULL);
    is_int(nlisted, 2, "remove_owner drops that owner's callbacks");
    is_str(l, "a.act/1/50/0\na.act/1/50/2\n", "emptied hooks are not listed");
    reset();
    souk_action_run(&req, "a.act", NULL);
    is_str(tr, "a0@p0 a2@p2", "others still run after remove_owner");
    ok(ADD(SK_HOOK_SLOT, "b.slot", 1, 5, slot_ok, "s") == SOUK_OK,
       "a removed hook name can be registered again");

    is_int(ADD(SK_HOOK_ACTION, "x", 0, 0, NULL, "n"), SOUK_ERROR,
           "NULL callback refused");
    is_int(ADD(SK_HOOK_ACTION, "", 0, 0, act_ok, "n"), SOUK_ERROR,
           "empty name refused");
    is_int(ADD(9, "x", 0, 0, act_ok, "n"), SOUK_ERROR, "bad kind refused");
    is_int(ADD(SK_HOOK_ACTION, "x", SK_PLUGIN_MAX, 0, act_ok, "n"),
           SOUK_ERROR, "owner out of range refused");
    sk_hooks_destroy(rt.hooks);
    rt.hooks = saved;
}

static void
test_many_names(void)
{
    char  name[32];
    int   i, found = 0;

    /* Enough names to make the table grow several times. */
    for (i = 0; i < 500; i++) {
        snprintf(name, sizeof(name), "hook.%d", i);
        ADD(SK_HOOK_ACTION, name, (unsigned) (i % 4), i % 7, act_ok, "m");
    }
    for (i = 0; i < 500; i++) {
        reset();
        snprintf(name, sizeof(name), "hook.%d", i);
        souk_action_run(&req, name, NULL);
        found += strcmp(trace, "m@p0") == 0 || strcmp(trace, "m@p1") == 0
                 || strcmp(trace, "m@p2") == 0 || strcmp(trace, "m@p3") == 0;
    }
    is_int(found, 500, "every one of 500 names still found after growth");
}

int
main(void)
{
    size_t  i;

    for (i = 0; i < 4; i++) {
        plugins[i].idx = (unsigned) i;
        rt.plugins[i] = &plugins[i];
    }
    rt.nplugins = 4;
    rt.hooks = sk_hooks_create();
    ok(rt.hooks != NULL, "hooks created");
    req.pool = sk_pool_create(65536);

    test_order();
    test_action_stop();
    test_filter();
    test_slot();
    test_each_and_remove();
    test_many_names();

    sk_hooks_destroy(rt.hooks);
    sk_pool_destroy(req.pool);
    return done_testing();
}
