/* Souk public API: work that runs on a schedule rather than on a request. */
#ifndef SOUK_JOB_H
#define SOUK_JOB_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Scheduled listings, price lists, reminders, hold expiry, SLA timers.
 * soukd's master supervises one jobs process (`[server] jobs = yes`, the
 * default) that loads the plugins as a worker does and, about once a
 * second, runs each job that is due, once per site the plugin is on for,
 * with a request bound to that site (as a command's: no session, no
 * client; souk_request_is_command is true). A lease row in the database
 * (souk_jobs) makes one run happen on one host only, however many soukd
 * hosts share the database. A job that fails (SOUK_ERROR) is logged and
 * runs again at its next turn. `souk job list` shows the jobs and their
 * last runs; `souk job run NAME [--site ID]` runs one now.
 *
 * A job does its own souk_db_tx and must be safe to run twice (a host may
 * die after the work and before the lease row says it finished).
 */
typedef int (*souk_job_pt)(souk_request_t *r, void *data);

/*
 * Registers a job named "PLUGIN.WHAT" run every every_seconds (>= 1).
 * Only from init. SOUK_ERROR (logged, refusing the plugin) for a taken
 * name.
 */
SOUK_API int souk_job_add(souk_plugin_ctx_t *ctx, const char *name,
    unsigned every_seconds, souk_job_pt fn, void *data);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_JOB_H */
