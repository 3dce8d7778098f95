/* Souk public API: the one header a plugin includes. */
#ifndef SOUK_H
#define SOUK_H

#include <cjson/cJSON.h>

#include <souk/core.h>
#include <souk/pool.h>
#include <souk/buf.h>
#include <souk/request.h>
#include <souk/response.h>
#include <souk/route.h>
#include <souk/hook.h>
#include <souk/plugin.h>
#include <souk/site.h>
#include <souk/log.h>
#include <souk/db.h>
#include <souk/session.h>
#include <souk/outbox.h>
#include <souk/theme.h>
#include <souk/command.h>
#include <souk/job.h>
#include <souk/text.h>
#include <souk/html.h>
#include <souk/media.h>
#include <souk/ui.h>
#include <souk/money.h>
#include <souk/payment.h>

#define SOUK_VERSION "0.1.0"

#endif /* SOUK_H */
