/* Souk public API: how a handler answers. */
#ifndef SOUK_RESPONSE_H
#define SOUK_RESPONSE_H

#include <cjson/cJSON.h>
#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A handler answers with a view model and a template name, and returns the
 * HTTP status. The core renders the model as JSON when the client asked for
 * JSON and as HTML otherwise, after the filter hook "view.<template>" ran.
 *
 * souk_view_new creates the model, an empty JSON object owned by the request
 * (the core deletes it after the response). Calling it again replaces the
 * previous model. Never returns NULL.
 */
SOUK_API cJSON *souk_view_new(souk_request_t *r, const char *tmpl);
/* The current model, or NULL when the handler set none. */
SOUK_API cJSON *souk_view(souk_request_t *r);
SOUK_API const char *souk_view_template(const souk_request_t *r);

/*
 * Adds a response header. Refuses (SOUK_ERROR) a name that is not a token or
 * a value containing CR, LF or NUL, so a header can never be split.
 */
SOUK_API int souk_response_header(souk_request_t *r, const char *name,
    const char *value);

/* Sets a Location header and returns status (301, 302, 303, 307 or 308). */
SOUK_API int souk_redirect(souk_request_t *r, int status,
    const char *location);

/*
 * Sends the browser to another origin (a payment provider's hosted page)
 * after a form post: a 200 page that refreshes to url at once, with a
 * link. A 303 would do it, but the pages' Content-Security-Policy has
 * form-action 'self', which browsers apply to the redirects that follow a
 * form's post. url must be absolute http(s) without CR/LF. Returns 200, or
 * SOUK_ERROR for a bad url.
 */
SOUK_API int souk_redirect_offsite(souk_request_t *r, const char *url);

/*
 * An error answer: records a message for the client and returns status, so
 * a handler can `return souk_error(r, 404, "no such product");`. The core
 * renders it in the form the client asked for.
 */
SOUK_API int souk_error(souk_request_t *r, int status, const char *fmt, ...)
    SOUK_PRINTF(3, 4);

/*
 * A raw body instead of a rendered model (files, feeds). The bytes must live
 * as long as the request (use the pool). Returns SOUK_OK.
 */
SOUK_API int souk_response_body(souk_request_t *r, const char *content_type,
    const char *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_RESPONSE_H */
