/* Calls to Stripe's API through libcurl: form bodies, the site's
 * settings, timeouts, retries with back-off under one Idempotency-Key,
 * and Stripe's error answers. Logs method, path and status only: never
 * the secret key, the headers or the bodies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "stripe.h"

#define STRIPE_ANSWER_MAX  (1024 * 1024)

int
stripe_http_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK
           ? SOUK_OK : SOUK_ERROR;
}

void
stripe_http_fini(void)
{
    curl_global_cleanup();
}

/* ---- form bodies ---- */

void
stripe_form_init(stripe_form_t *f, souk_request_t *r)
{
    souk_buf_init(&f->b, souk_request_pool(r), 512);
}

/* application/x-www-form-urlencoded: unreserved bytes as they are,
 * everything else (brackets included) as %XX. */
static void
stripe_form_escape(souk_buf_t *b, const char *s)
{
    static const char  hex[] = "0123456789ABCDEF";
    char               e[3];

    for (; *s != '\0'; s++) {
        unsigned char  c = (unsigned char) *s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
            || c == '~')
        {
            souk_buf_append(b, s, 1);
            continue;
        }
        e[0] = '%';
        e[1] = hex[c >> 4];
        e[2] = hex[c & 15];
        souk_buf_append(b, e, 3);
    }
}

void
stripe_form_add(stripe_form_t *f, const char *key, const char *value)
{
    if (f->b.len > 0) {
        souk_buf_append(&f->b, "&", 1);
    }
    stripe_form_escape(&f->b, key);
    souk_buf_append(&f->b, "=", 1);
    stripe_form_escape(&f->b, value != NULL ? value : "");
}

void
stripe_form_addi(stripe_form_t *f, const char *key, int64_t value)
{
    char  n[24];

    snprintf(n, sizeof(n), "%lld", (long long) value);
    stripe_form_add(f, key, n);
}

/* ---- settings ---- */

static long
stripe_setting_num(souk_request_t *r, const char *key, long def, long min,
    long max)
{
    const char  *s = souk_setting(r, key);
    char        *end;
    long         v;

    if (s == NULL || s[0] == '\0') {
        return def;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        souk_log(r, SOUK_LOG_WARN, "stripe: setting %s = \"%s\" is not a "
                 "number from %ld to %ld; using %ld", key, s, min, max, def);
        return def;
    }
    return v;
}

int
stripe_conf(souk_request_t *r, stripe_conf_t *cf, char *why, size_t whylen)
{
    const char  *base = souk_setting(r, "stripe.api_base");
    size_t       n;

    cf->key = souk_setting(r, "stripe.secret_key");
    if (cf->key == NULL || cf->key[0] == '\0') {
        souk_log(r, SOUK_LOG_WARN, "stripe: stripe.secret_key is not set "
                 "for this site");
        snprintf(why, whylen, "card payments are not set up");
        return SOUK_DECLINED;
    }
    if (base == NULL || base[0] == '\0') {
        base = "https://api.stripe.com";
    }
    n = strlen(base);
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    cf->base = souk_pstrndup(souk_request_pool(r), base, n);
    cf->timeout_ms = stripe_setting_num(r, "stripe.timeout_ms", 10000, 100,
                                        120000);
    cf->retries = (int) stripe_setting_num(r, "stripe.retries", 2, 0, 5);
    return SOUK_OK;
}

/* ---- one request ---- */

typedef struct {
    souk_buf_t  b;
    int         too_big;
} stripe_answer_t;

static size_t
stripe_http_write(char *data, size_t size, size_t n, void *arg)
{
    stripe_answer_t  *a = arg;

    if (a->b.len + size * n > STRIPE_ANSWER_MAX) {
        a->too_big = 1;
        return 0;
    }
    souk_buf_append(&a->b, data, size * n);
    return size * n;
}

static struct curl_slist *
stripe_http_headers(souk_request_t *r, const stripe_conf_t *cf,
    const char *idem)
{
    struct curl_slist  *h = NULL;
    char               *auth;

    auth = souk_psprintf(souk_request_pool(r), "Authorization: Bearer %s",
                         cf->key);
    h = curl_slist_append(h, auth);
    /* curl copied it: no copy of the key stays in the request's pool. */
    sodium_memzero(auth, strlen(auth));
    h = curl_slist_append(h, "Accept: application/json");
    if (idem != NULL && idem[0] != '\0') {
        h = curl_slist_append(h, souk_psprintf(souk_request_pool(r),
                                               "Idempotency-Key: %s", idem));
    }
    return h;
}

/* The list holds a copy of the key: wiped before it goes back to malloc. */
static void
stripe_http_headers_free(struct curl_slist *h)
{
    struct curl_slist  *l;

    for (l = h; l != NULL; l = l->next) {
        sodium_memzero(l->data, strlen(l->data));
    }
    curl_slist_free_all(h);
}

/* One try. *status gets the HTTP status, 0 when nothing came back. */
static CURLcode
stripe_http_once(souk_request_t *r, const stripe_conf_t *cf,
    const char *method, const char *url, const char *form,
    struct curl_slist *h, stripe_answer_t *a, long *status)
{
    CURL      *c = curl_easy_init();
    CURLcode   rc;

    *status = 0;
    souk_buf_init(&a->b, souk_request_pool(r), 1024);
    a->too_big = 0;
    if (c == NULL) {
        return CURLE_FAILED_INIT;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cf->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     cf->timeout_ms < 5000 ? cf->timeout_ms : 5000L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, stripe_http_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Souk-Stripe/1.0");
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form != NULL ? form : "");
    }
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    }
    curl_easy_cleanup(c);
    return rc;
}

/* 0.25 s, 0.5 s, 1 s ... at most 2 s between tries. */
static void
stripe_http_backoff(int attempt)
{
    long             ms = 250L << (attempt < 3 ? attempt : 3);
    struct timespec  ts;

    if (ms > 2000) {
        ms = 2000;
    }
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Stripe's error.message, or a fallback naming the status. */
static int
stripe_http_refusal(const char *body, long status, char *why, size_t whylen)
{
    cJSON        *root = cJSON_Parse(body);
    const cJSON  *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON  *msg = cJSON_GetObjectItemCaseSensitive(err, "message");

    if (cJSON_IsString(msg) && msg->valuestring[0] != '\0') {
        snprintf(why, whylen, "%s", msg->valuestring);
    } else {
        snprintf(why, whylen, "the card gateway refused the request "
                 "(HTTP %ld)", status);
    }
    cJSON_Delete(root);
    return SOUK_DECLINED;
}

static int
stripe_http_answer(souk_request_t *r, const stripe_answer_t *a, long status,
    cJSON **answer, char *why, size_t whylen)
{
    cJSON  *root;

    if (status >= 400) {
        return stripe_http_refusal(a->b.data, status, why, whylen);
    }
    root = cJSON_ParseWithLength(a->b.data, a->b.len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        snprintf(why, whylen, "the card gateway answered something that is "
                 "not JSON");
        return SOUK_ERROR;
    }
    *answer = souk_pool_json(souk_request_pool(r), root);
    return SOUK_OK;
}

int
stripe_call(souk_request_t *r, const stripe_conf_t *cf, const char *method,
    const char *path, const char *form, const char *idem, cJSON **answer,
    char *why, size_t whylen)
{
    const char         *url = souk_psprintf(souk_request_pool(r), "%s%s",
                                            cf->base, path);
    struct curl_slist  *h = stripe_http_headers(r, cf, idem);
    stripe_answer_t     a;
    CURLcode            rc = CURLE_OK;
    long                status = 0;
    int                 attempt;

    *answer = NULL;
    for (attempt = 0; attempt <= cf->retries; attempt++) {
        if (attempt > 0) {
            stripe_http_backoff(attempt - 1);
        }
        rc = stripe_http_once(r, cf, method, url, form, h, &a, &status);
        if (rc == CURLE_OK) {
            souk_log(r, SOUK_LOG_INFO, "stripe: %s %s -> %ld (try %d)",
                     method, path, status, attempt + 1);
        } else {
            souk_log(r, SOUK_LOG_WARN, "stripe: %s %s failed: %s (try %d)",
                     method, path, curl_easy_strerror(rc), attempt + 1);
        }
        /* Only what may be passing is tried again: the network, Stripe
         * being busy (429) or down (5xx). A 4xx answer will not change. */
        if (rc == CURLE_OK && status != 429 && status < 500) {
            break;
        }
    }
    stripe_http_headers_free(h);
    if (rc != CURLE_OK) {
        snprintf(why, whylen, "the card gateway could not be reached (%s)",
                 a.too_big ? "answer too large" : curl_easy_strerror(rc));
        return SOUK_ERROR;
    }
    if (status == 429 || status >= 500) {
        snprintf(why, whylen, "the card gateway is not answering (HTTP %ld)",
                 status);
        return SOUK_ERROR;
    }
    return stripe_http_answer(r, &a, status, answer, why, whylen);
}
