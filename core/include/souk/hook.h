/* Souk public API: actions, filters and slots. */
#ifndef SOUK_HOOK_H
#define SOUK_HOOK_H

#include <cjson/cJSON.h>
#include <souk/buf.h>
#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Lower runs first. Ties go by plugin load order, then registration order. */
#define SOUK_PRIO_FIRST    0
#define SOUK_PRIO_EARLY   25
#define SOUK_PRIO_MIDDLE  50
#define SOUK_PRIO_LATE    75
#define SOUK_PRIO_LAST   100

/*
 * Actions say that something happened ("order.placed", "request.begin").
 * Run mode: every callback of the plugins enabled for the request's site, in
 * order; the first SOUK_ERROR stops the run and is returned, so an event
 * fired inside a transaction can make it roll back. Others return SOUK_OK.
 */
typedef int (*souk_action_pt)(souk_request_t *r, const cJSON *event,
    void *data);

/*
 * Filters change a value in place: a view model ("view.product") or any
 * cJSON value. Run mode: all in order; the first SOUK_ERROR stops the run and
 * is returned.
 */
typedef int (*souk_filter_pt)(souk_request_t *r, cJSON *value, void *data);

/*
 * Slots are named places on a page ("slot.product.after_price") where
 * plugins append HTML to out. Run mode: all in order; a callback that returns
 * SOUK_ERROR is logged and its partial output dropped, the others still show.
 * Output is raw HTML: escape what you did not write (souk_buf_append_html).
 */
typedef int (*souk_slot_pt)(souk_request_t *r, souk_buf_t *out,
    const cJSON *model, void *data);

/* Registration, only from a plugin's init. Returns SOUK_OK or SOUK_ERROR. */
SOUK_API int souk_action_add(souk_plugin_ctx_t *ctx, const char *name,
    souk_action_pt fn, void *data, int prio);
SOUK_API int souk_filter_add(souk_plugin_ctx_t *ctx, const char *name,
    souk_filter_pt fn, void *data, int prio);
SOUK_API int souk_slot_add(souk_plugin_ctx_t *ctx, const char *name,
    souk_slot_pt fn, void *data, int prio);

/* Running, from request handling. See the run modes above. */
SOUK_API int souk_action_run(souk_request_t *r, const char *name,
    const cJSON *event);
SOUK_API int souk_filter_run(souk_request_t *r, const char *name,
    cJSON *value);
/* Appends the slot's output to out; returns the number of callbacks run. */
SOUK_API int souk_slot_render(souk_request_t *r, const char *name,
    const cJSON *model, souk_buf_t *out);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_HOOK_H */
