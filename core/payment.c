/* Payment providers: one plugin per method, and the payment state machine
 * every provider and the payments plugin agree on. */
#include <stdio.h>
#include <string.h>

#include "souk_core.h"

#define SK_PAY_MAX 64

/* Process-wide like the jobs (core/job.c): an entry counts only while its
 * plugin is loaded in its runtime and its init succeeded (or is running),
 * so a refused plugin's claim disappears with it. */
typedef struct {
    const souk_pay_provider_t  *p;
    const sk_runtime_t         *rt;
    const sk_plugin_t          *plugin;
    unsigned                    owner;
} sk_pay_entry_t;

static sk_pay_entry_t  sk_pays[SK_PAY_MAX];
static size_t          sk_npays;

static int
sk_pay_live(const sk_pay_entry_t *e, const sk_runtime_t *rt,
    const sk_plugin_t *loading)
{
    const sk_plugin_t  *p;

    if (e->rt != rt || e->owner >= rt->nplugins) {
        return 0;
    }
    p = rt->plugins[e->owner];
    return p == e->plugin && (p->inited || p == loading);
}

static int
sk_pay_method_ok(const char *m)
{
    size_t  i;

    if (m == NULL || m[0] < 'a' || m[0] > 'z' || strlen(m) > 32) {
        return 0;
    }
    for (i = 1; m[i] != '\0'; i++) {
        if (!((m[i] >= 'a' && m[i] <= 'z') || (m[i] >= '0' && m[i] <= '9')
              || m[i] == '_'))
        {
            return 0;
        }
    }
    return 1;
}

SOUK_API int
souk_pay_provider_add(souk_plugin_ctx_t *ctx, const souk_pay_provider_t *p)
{
    char    why[256];
    size_t  i;

    if (sk_registry_check(ctx, "souk_pay_provider_add") != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (p == NULL || !sk_pay_method_ok(p->method) || p->name == NULL
        || p->pay_timing == NULL
        || (strcmp(p->pay_timing, "before") != 0
            && strcmp(p->pay_timing, "on_delivery") != 0)
        || (p->offsite && (p->start == NULL || p->webhook == NULL)))
    {
        return sk_registry_fail(ctx, "souk_pay_provider_add needs a method "
                                "([a-z][a-z0-9_]*), a name, pay_timing "
                                "\"before\" or \"on_delivery\", and start "
                                "and webhook for an off-site provider");
    }
    for (i = 0; i < sk_npays; i++) {
        if (sk_pay_live(&sk_pays[i], ctx->rt, ctx->plugin)
            && strcmp(sk_pays[i].p->method, p->method) == 0)
        {
            snprintf(why, sizeof(why), "payment method \"%s\" is already "
                     "served by plugin %s", p->method,
                     sk_pays[i].plugin->name);
            return sk_registry_fail(ctx, why);
        }
    }
    if (sk_npays == SK_PAY_MAX) {
        return sk_registry_fail(ctx, "too many payment providers");
    }
    sk_pays[sk_npays].p = p;
    sk_pays[sk_npays].rt = ctx->rt;
    sk_pays[sk_npays].plugin = ctx->plugin;
    sk_pays[sk_npays].owner = ctx->plugin->idx;
    sk_npays++;
    return SOUK_OK;
}

static int
sk_pay_on(souk_request_t *r, const sk_pay_entry_t *e)
{
    return r != NULL && r->enabled != NULL && sk_pay_live(e, r->rt, NULL)
           && r->enabled[e->owner];
}

SOUK_API const souk_pay_provider_t *
souk_pay_provider(souk_request_t *r, const char *method)
{
    size_t  i;

    for (i = 0; method != NULL && i < sk_npays; i++) {
        if (sk_pay_on(r, &sk_pays[i])
            && strcmp(sk_pays[i].p->method, method) == 0)
        {
            return sk_pays[i].p;
        }
    }
    return NULL;
}

SOUK_API const souk_pay_provider_t *
souk_pay_provider_at(souk_request_t *r, size_t at)
{
    size_t  i;

    for (i = 0; i < sk_npays; i++) {
        if (sk_pay_on(r, &sk_pays[i]) && at-- == 0) {
            return sk_pays[i].p;
        }
    }
    return NULL;
}

/* from → to, the only moves there are. */
static const char *const sk_pay_moves[][2] = {
    { SOUK_PAY_PENDING, SOUK_PAY_AUTHORIZED },
    { SOUK_PAY_PENDING, SOUK_PAY_CAPTURED },
    { SOUK_PAY_PENDING, SOUK_PAY_FAILED },
    { SOUK_PAY_PENDING, SOUK_PAY_VOIDED },
    { SOUK_PAY_AUTHORIZED, SOUK_PAY_CAPTURED },
    { SOUK_PAY_AUTHORIZED, SOUK_PAY_FAILED },
    { SOUK_PAY_AUTHORIZED, SOUK_PAY_VOIDED },
    { SOUK_PAY_CAPTURED, SOUK_PAY_PARTIALLY_REFUNDED },
    { SOUK_PAY_CAPTURED, SOUK_PAY_REFUNDED },
    { SOUK_PAY_PARTIALLY_REFUNDED, SOUK_PAY_PARTIALLY_REFUNDED },
    { SOUK_PAY_PARTIALLY_REFUNDED, SOUK_PAY_REFUNDED },
};

SOUK_API int
souk_pay_move_ok(const char *from, const char *to)
{
    size_t  i;

    if (from == NULL || to == NULL) {
        return 0;
    }
    for (i = 0; i < sizeof(sk_pay_moves) / sizeof(sk_pay_moves[0]); i++) {
        if (strcmp(sk_pay_moves[i][0], from) == 0
            && strcmp(sk_pay_moves[i][1], to) == 0)
        {
            return 1;
        }
    }
    return 0;
}

SOUK_API int
souk_pay_state_ok(const char *s)
{
    static const char *const  states[] = { SOUK_PAY_PENDING,
        SOUK_PAY_AUTHORIZED, SOUK_PAY_CAPTURED, SOUK_PAY_PARTIALLY_REFUNDED,
        SOUK_PAY_REFUNDED, SOUK_PAY_FAILED, SOUK_PAY_VOIDED };
    size_t                    i;

    for (i = 0; s != NULL && i < sizeof(states) / sizeof(states[0]); i++) {
        if (strcmp(states[i], s) == 0) {
            return 1;
        }
    }
    return 0;
}
