/* `souk plugin new NAME [DIR]`: writes a plugin skeleton that builds out of
 * tree with pkg-config and loads as it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "souk_core.h"
#include "plugin_int.h"
#include "cli.h"

/* One file of the skeleton; "@NAME@" in path and text becomes the name. */
typedef struct {
    const char  *path;
    mode_t       mode;
    const char  *text;
} sk_skel_t;

/*
 * Kept here rather than as files so the installed souk needs nothing else
 * to write a plugin. tests/integration/out_of_tree.sh builds and checks
 * exactly this text.
 */
static const sk_skel_t  sk_skel[] = {
    { "@NAME@.c", 0644,
        "/* The @NAME@ plugin: say here, in one sentence, what it is for. */"
        "\n"
        "#include <souk.h>\n"
        "\n"
        "static int @NAME@_init(souk_plugin_ctx_t *ctx);\n"
        "\n"
        "SOUK_PLUGIN(@NAME@,\n"
        "    .version = \"0.1.0\",\n"
        "    .init = @NAME@_init,\n"
        "    .summary = \"The @NAME@ plugin (one line for `souk plugins`)\");"
        "\n"
        "\n"
        "/* GET /@NAME@: fills a view model; the core renders it with the tem"
        "plate\n"
        " * @NAME@, or as JSON when the client asks for JSON. */\n"
        "static int\n"
        "@NAME@_page(souk_request_t *r, void *data)\n"
        "{\n"
        "    cJSON  *m;\n"
        "\n"
        "    (void) data;\n"
        "    m = souk_view_new(r, \"@NAME@\");\n"
        "    cJSON_AddStringToObject(m, \"title\", \"@NAME@\");\n"
        "    cJSON_AddStringToObject(m, \"site\", souk_site_id(r));\n"
        "    return 200;\n"
        "}\n"
        "\n"
        "/* Filter view.@NAME@: any plugin may change the model before it is"
        "\n"
        " * rendered; this one adds the greeting from the settings. */\n"
        "static int\n"
        "@NAME@_view(souk_request_t *r, cJSON *view, void *data)\n"
        "{\n"
        "    const char  *greeting = souk_setting(r, \"@NAME@.greeting\");\n"
        "\n"
        "    (void) data;\n"
        "    cJSON_AddStringToObject(view, \"greeting\",\n"
        "                            greeting != NULL ? greeting : \"Hello!\""
        ");\n"
        "    return SOUK_OK;\n"
        "}\n"
        "\n"
        "static int\n"
        "@NAME@_init(souk_plugin_ctx_t *ctx)\n"
        "{\n"
        "    if (souk_route_add(ctx, SOUK_GET, \"/@NAME@\", @NAME@_page, NULL"
        ")\n"
        "        != SOUK_OK)\n"
        "    {\n"
        "        return SOUK_ERROR;\n"
        "    }\n"
        "    return souk_filter_add(ctx, \"view.@NAME@\", @NAME@_view, NULL,"
        "\n"
        "                           SOUK_PRIO_MIDDLE);\n"
        "}\n" },
    { "README.md", 0644,
        "# @NAME@\n"
        "\n"
        "What it does, in a sentence or two.\n"
        "\n"
        "## Routes\n"
        "\n"
        "| method | pattern | view | model |\n"
        "| --- | --- | --- | --- |\n"
        "| GET | `/@NAME@` | `@NAME@` | `{\"title\", \"site\", \"greeting\"}`"
        " |\n"
        "\n"
        "## Hooks\n"
        "\n"
        "| kind | name | priority | what |\n"
        "| --- | --- | --- | --- |\n"
        "| filter | `view.@NAME@` | `SOUK_PRIO_MIDDLE` | adds `\"greeting\"` "
        "to the model |\n"
        "\n"
        "## Settings\n"
        "\n"
        "- `@NAME@.greeting` — the greeting on `/@NAME@` (default \"Hello!\")"
        "; a\n"
        "  `[site:ID]` value wins over the `[settings]` one.\n"
        "\n"
        "## Tables\n"
        "\n"
        "None yet: add migrations to `migrations/`.\n"
        "\n"
        "## Build and check\n"
        "\n"
        "    make                # needs souk-plugin.pc on PKG_CONFIG_PATH\n"
        "    souk plugin check ./@NAME@.so\n"
        "    make check          # runs tests/test_@NAME@.sh\n"
        "\n"
        "Install by copying `@NAME@.so` into the plugin_dir of souk.conf and "
        "adding\n"
        "`@NAME@` to `plugins` and to a site's `plugins`.\n" },
    { "Makefile", 0644,
        "# Builds @NAME@.so against an installed Souk, with pkg-config only."
        "\n"
        "PKG_CONFIG ?= pkg-config\n"
        "SOUK_CFLAGS := $(shell $(PKG_CONFIG) --cflags souk-plugin)\n"
        "SOUK_LIBS := $(shell $(PKG_CONFIG) --libs souk-plugin)\n"
        "CFLAGS ?= -O2 -g\n"
        "CFLAGS += -std=c11 -Wall -Wextra\n"
        "\n"
        "all: @NAME@.so\n"
        "\n"
        "@NAME@.so: @NAME@.c\n"
        "\t$(CC) $(CFLAGS) $(SOUK_CFLAGS) -o $@ @NAME@.c $(LDFLAGS) $(SOUK_LI"
        "BS)\n"
        "\n"
        "check: @NAME@.so\n"
        "\tsh tests/test_@NAME@.sh\n"
        "\n"
        "clean:\n"
        "\trm -f @NAME@.so\n"
        "\n"
        ".PHONY: all check clean\n" },
    { "migrations/001_init.sql", 0644,
        "-- Migrations of the @NAME@ plugin, run in file name order.\n"
        "-- This first one creates nothing; add CREATE TABLE statements here."
        "\n" },
    { "templates/@NAME@.mustache", 0644,
        "{{! The page of GET /@NAME@. The model is {\"title\", \"site\", \"gr"
        "eeting\"}. }}\n"
        "<section class=\"@NAME@\">\n"
        "  <h1>{{title}}</h1>\n"
        "  <p>{{greeting}}</p>\n"
        "</section>\n" },
    { "tests/test_@NAME@.sh", 0755,
        "#!/bin/sh\n"
        "# Builds the @NAME@ plugin and asks `souk plugin check` whether souk"
        "d would\n"
        "# load it. SOUK names the souk command (default: souk on the PATH)."
        "\n"
        "here=$(cd \"$(dirname \"$0\")/..\" && pwd) || exit 1\n"
        "SOUK=${SOUK:-souk}\n"
        "echo \"1..3\"\n"
        "if make -C \"$here\" >/dev/null; then\n"
        "    echo \"ok 1 - @NAME@.so builds\"\n"
        "else\n"
        "    echo \"not ok 1 - @NAME@.so builds\"\n"
        "    exit 1\n"
        "fi\n"
        "out=$(\"$SOUK\" plugin check \"$here/@NAME@.so\")\n"
        "rc=$?\n"
        "printf '%s\\n' \"$out\" | sed 's/^/# /'\n"
        "if [ $rc -eq 0 ] && printf '%s\\n' \"$out\" | grep -q '^ok: would lo"
        "ad$'; then\n"
        "    echo \"ok 2 - souk plugin check: would load\"\n"
        "else\n"
        "    echo \"not ok 2 - souk plugin check: would load\"\n"
        "    exit 1\n"
        "fi\n"
        "if printf '%s\\n' \"$out\" | grep -q 'route .*GET.* /@NAME@$'; then"
        "\n"
        "    echo \"ok 3 - registers GET /@NAME@\"\n"
        "else\n"
        "    echo \"not ok 3 - registers GET /@NAME@\"\n"
        "    exit 1\n"
        "fi\n" },
};

#define SK_SKEL_N  (sizeof(sk_skel) / sizeof(sk_skel[0]))

/* Writes text with every @NAME@ replaced by name. */
static int
sk_skel_put(FILE *f, const char *text, const char *name)
{
    const char  *at;

    while ((at = strstr(text, "@NAME@")) != NULL) {
        fwrite(text, 1, (size_t) (at - text), f);
        fputs(name, f);
        text = at + 6;
    }
    fputs(text, f);
    return ferror(f) ? SOUK_ERROR : SOUK_OK;
}

static int
sk_skel_write(const char *root, const sk_skel_t *sk, const char *name)
{
    const char  *at = strstr(sk->path, "@NAME@");
    char         path[4096];
    FILE        *f;
    int          rc, n;

    /* The skeleton's paths hold @NAME@ at most once. */
    if (at != NULL) {
        n = snprintf(path, sizeof(path), "%s/%.*s%s%s", root,
                     (int) (at - sk->path), sk->path, name, at + 6);
    } else {
        n = snprintf(path, sizeof(path), "%s/%s", root, sk->path);
    }
    if (n < 0 || (size_t) n >= sizeof(path)) {
        fprintf(stderr, "souk: %s: path too long\n", root);
        return SOUK_ERROR;
    }
    f = fopen(path, "wx");
    if (f == NULL) {
        fprintf(stderr, "souk: %s: %s\n", path, strerror(errno));
        return SOUK_ERROR;
    }
    rc = sk_skel_put(f, sk->text, name);
    if (fclose(f) != 0 || rc != SOUK_OK || chmod(path, sk->mode) != 0) {
        fprintf(stderr, "souk: %s: cannot write: %s\n", path,
                strerror(errno));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
sk_mkdir(const char *root, const char *sub)
{
    char  path[4096];
    int   n;

    n = snprintf(path, sizeof(path), "%s%s%s", root, sub[0] ? "/" : "", sub);
    if (n < 0 || (size_t) n >= sizeof(path) || mkdir(path, 0755) != 0) {
        fprintf(stderr, "souk: %s: %s\n", path, strerror(errno));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
sk_cli_plugin_new(sk_cli_t *cli, int argc, char **argv)
{
    struct stat  st;
    char         root[4096];
    size_t       i;

    (void) cli;
    if (argc < 1 || argc > 2) {
        fprintf(stderr, "usage: souk plugin new NAME [DIR]\n");
        return SK_CLI_USAGE;
    }
    if (!sk_plugin_name_valid(argv[0])) {
        fprintf(stderr, "souk: invalid plugin name \"%s\" (want "
                "[a-z][a-z0-9_]*, at most %d bytes)\n", argv[0],
                SK_PLUGIN_NAME_MAX);
        return SK_CLI_FAIL;
    }
    if ((size_t) snprintf(root, sizeof(root), "%s/%s",
                          argc == 2 ? argv[1] : ".", argv[0])
        >= sizeof(root) - 64)
    {
        fprintf(stderr, "souk: path too long\n");
        return SK_CLI_FAIL;
    }
    if (lstat(root, &st) == 0) {
        fprintf(stderr, "souk: %s already exists; not touching it\n", root);
        return SK_CLI_FAIL;
    }
    if (sk_mkdir(root, "") != SOUK_OK
        || sk_mkdir(root, "migrations") != SOUK_OK
        || sk_mkdir(root, "templates") != SOUK_OK
        || sk_mkdir(root, "tests") != SOUK_OK)
    {
        return SK_CLI_FAIL;
    }
    for (i = 0; i < SK_SKEL_N; i++) {
        if (sk_skel_write(root, &sk_skel[i], argv[0]) != SOUK_OK) {
            return SK_CLI_FAIL;
        }
    }
    printf("wrote %s: %s.c, Makefile, README.md, migrations/, templates/, "
           "tests/\nnext: cd %s && make && souk plugin check ./%s.so\n",
           root, argv[0], root, argv[0]);
    return SK_CLI_OK;
}
