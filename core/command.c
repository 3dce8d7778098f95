/* Plugin commands for the `souk` tool: registration and look-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk_core.h"

#define SK_COMMANDS_MAX  256
#define SK_WORD_MAX      32

/*
 * The `souk` tool's own verbs (core/souk.c's table, plus help and
 * version). A plugin may not take them, or `souk site ...` would depend on
 * which plugins happen to be loaded. Keep in step with core/souk.c.
 */
static const char *const  sk_builtin_verbs[] = {
    "help", "version", "plugins", "plugin", "sites", "routes", "hooks",
    "render", "theme", "migrate", "site", "user", "outbox", "job", NULL
};

/*
 * Registered only while a plugin's init runs, one process-wide table like
 * the permissions (core/auth.c). An entry belongs to the runtime and the
 * plugin object that made it; look-ups see only entries of plugins whose
 * init succeeded, which is what unwinds a refused plugin's commands.
 */
typedef struct {
    sk_command_t         cmd;
    const sk_runtime_t  *rt;
    const sk_plugin_t   *plugin;
} sk_command_entry_t;

static sk_command_entry_t  sk_commands[SK_COMMANDS_MAX];
static size_t              sk_ncommands;

int
sk_command_builtin(const char *verb)
{
    size_t  i;

    for (i = 0; sk_builtin_verbs[i] != NULL; i++) {
        if (strcmp(sk_builtin_verbs[i], verb) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Live: of this runtime, and its plugin loaded (or being loaded by ctx). */
static int
sk_command_live(const sk_command_entry_t *e, const sk_runtime_t *rt,
    const sk_plugin_t *loading)
{
    const sk_plugin_t  *p;

    if (e->rt != rt || e->cmd.owner >= rt->nplugins) {
        return 0;
    }
    p = rt->plugins[e->cmd.owner];
    return p == e->plugin && (p->inited || p == loading);
}

static int
sk_command_word_ok(const char *w)
{
    size_t  i;

    if (w == NULL || w[0] < 'a' || w[0] > 'z') {
        return 0;
    }
    for (i = 1; w[i] != '\0'; i++) {
        if (i >= SK_WORD_MAX
            || !((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9')
                 || w[i] == '-' || w[i] == '_'))
        {
            return 0;
        }
    }
    return 1;
}

static int
sk_command_same(const sk_command_t *c, const char *verb, const char *noun)
{
    if (strcmp(c->verb, verb) != 0) {
        return 0;
    }
    if (c->noun == NULL || noun == NULL) {
        return c->noun == noun;
    }
    return strcmp(c->noun, noun) == 0;
}

static char *
sk_command_dup(const char *s)
{
    char  *d = strdup(s != NULL ? s : "");

    if (d == NULL) {
        abort();                /* start-up memory: nothing to go on with */
    }
    return d;
}

SOUK_API int
souk_command_add(souk_plugin_ctx_t *ctx, const char *verb, const char *noun,
    const char *usage, const char *summary, souk_command_pt fn, void *data)
{
    sk_command_entry_t  *e;
    char                 why[256];
    size_t               i;

    if (sk_registry_check(ctx, "souk_command_add") != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (fn == NULL || !sk_command_word_ok(verb)
        || (noun != NULL && !sk_command_word_ok(noun)))
    {
        return sk_registry_fail(ctx, "souk_command_add needs a verb and "
                                "noun of [a-z][a-z0-9_-]* (at most 32 "
                                "bytes) and a function");
    }
    if (sk_command_builtin(verb)) {
        snprintf(why, sizeof(why), "command \"%s\" is built into souk",
                 verb);
        return sk_registry_fail(ctx, why);
    }
    for (i = 0; i < sk_ncommands; i++) {
        e = &sk_commands[i];
        if (sk_command_live(e, ctx->rt, ctx->plugin)
            && sk_command_same(&e->cmd, verb, noun))
        {
            snprintf(why, sizeof(why), "command \"%s%s%s\" is taken by "
                     "plugin \"%s\"", verb, noun ? " " : "",
                     noun ? noun : "", e->plugin->name);
            return sk_registry_fail(ctx, why);
        }
    }
    if (sk_ncommands == SK_COMMANDS_MAX) {
        return sk_registry_fail(ctx, "too many plugin commands");
    }
    e = &sk_commands[sk_ncommands++];
    e->cmd.verb = sk_command_dup(verb);
    e->cmd.noun = noun != NULL ? sk_command_dup(noun) : NULL;
    e->cmd.usage = sk_command_dup(usage);
    e->cmd.summary = sk_command_dup(summary);
    e->cmd.fn = fn;
    e->cmd.data = data;
    e->cmd.owner = ctx->plugin->idx;
    e->rt = ctx->rt;
    e->plugin = ctx->plugin;
    return SOUK_OK;
}

const sk_command_t *
sk_command_find(const sk_runtime_t *rt, int argc, char **argv, int *used)
{
    const sk_command_t  *verb_only = NULL;
    size_t               i;

    if (argc < 1) {
        return NULL;
    }
    for (i = 0; i < sk_ncommands; i++) {
        const sk_command_t  *c = &sk_commands[i].cmd;

        if (!sk_command_live(&sk_commands[i], rt, NULL)
            || strcmp(c->verb, argv[0]) != 0)
        {
            continue;
        }
        if (c->noun == NULL) {
            verb_only = c;
        } else if (argc > 1 && strcmp(c->noun, argv[1]) == 0) {
            *used = 2;
            return c;
        }
    }
    if (verb_only != NULL) {
        *used = 1;
    }
    return verb_only;
}

size_t
sk_commands_count(const sk_runtime_t *rt)
{
    size_t  i, n = 0;

    for (i = 0; i < sk_ncommands; i++) {
        n += sk_command_live(&sk_commands[i], rt, NULL);
    }
    return n;
}

const sk_command_t *
sk_command_at(const sk_runtime_t *rt, size_t at)
{
    size_t  i;

    for (i = 0; i < sk_ncommands; i++) {
        if (sk_command_live(&sk_commands[i], rt, NULL) && at-- == 0) {
            return &sk_commands[i].cmd;
        }
    }
    return NULL;
}
