/* Souk public API: the plugin descriptor and the context its init receives. */
#ifndef SOUK_PLUGIN_H
#define SOUK_PLUGIN_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SOUK_PLUGIN_MAGIC  0x4b554f53u   /* "SOUK" little-endian */
#define SOUK_ABI_MAJOR     1
#define SOUK_ABI_MINOR     0

/* The name of the one symbol a plugin exports. */
#define SOUK_PLUGIN_SYMBOL "souk_plugin_entry"

/*
 * The descriptor. Fill it with designated initialisers, starting with
 * SOUK_PLUGIN_ABI. The core refuses a descriptor whose magic or ABI major
 * differs from its own, or whose minor is newer than the core's. Fields added
 * later go at the end; the core treats anything past struct_size as absent.
 */
typedef struct souk_plugin_s {
    uint32_t            magic;
    uint16_t            abi_major;
    uint16_t            abi_minor;
    uint32_t            struct_size;
    const char         *name;         /* [a-z][a-z0-9_]*, unique */
    const char         *version;      /* the plugin's own, free form */
    const char *const  *requires;     /* NULL-terminated plugin names */
    /* Registers routes and hooks. SOUK_OK, or SOUK_ERROR (the core then
     * unwinds everything this plugin registered and refuses it). */
    int               (*init)(souk_plugin_ctx_t *ctx);
    /* Frees what init allocated; called in reverse load order. Optional. */
    void              (*fini)(souk_plugin_ctx_t *ctx);
    const char         *summary;      /* one line for `souk plugins` */
} souk_plugin_t;

#define SOUK_PLUGIN_ABI                                                      \
    .magic = SOUK_PLUGIN_MAGIC, .abi_major = SOUK_ABI_MAJOR,                 \
    .abi_minor = SOUK_ABI_MINOR, .struct_size = sizeof(souk_plugin_t)

/*
 * SOUK_PLUGIN(hello, .version = "1.0.0", .init = hello_init);
 * defines the exported descriptor for a plugin named "hello".
 */
#define SOUK_PLUGIN(id, ...)                                                 \
    SOUK_EXPORT const souk_plugin_t souk_plugin_entry = {                    \
        SOUK_PLUGIN_ABI, .name = #id, __VA_ARGS__ }

/* The plugin's name, as in its descriptor. */
SOUK_API const char *souk_plugin_name(const souk_plugin_ctx_t *ctx);
/* The folder the plugin's .so was loaded from. */
SOUK_API const char *souk_plugin_dir(const souk_plugin_ctx_t *ctx);
/* State the plugin keeps from init to fini (malloc'd by the plugin). */
SOUK_API void souk_plugin_data_set(souk_plugin_ctx_t *ctx, void *data);
SOUK_API void *souk_plugin_data(const souk_plugin_ctx_t *ctx);
/* An installation-wide setting ("hello.greeting"), or NULL. */
SOUK_API const char *souk_plugin_setting(const souk_plugin_ctx_t *ctx,
    const char *key);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_PLUGIN_H */
