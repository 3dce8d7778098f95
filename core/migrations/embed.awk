# Turns core/migrations/*.sql into a C table (core/migrations_core.c) so the
# core's own migrations ship inside soukd and souk: nothing to install.
BEGIN {
    print "/* Generated from core/migrations/ by embed.awk: do not edit. */"
    print "#include \"migrate.h\""
    print ""
    print "const sk_migration_src_t  sk_core_migrations[] = {"
    open = 0
}
FNR == 1 {
    if (open) {
        print "    },"
    }
    n = split(FILENAME, parts, "/")
    printf "    { \"%s\",\n", parts[n]
    printf "      \"\"\n"
    open = 1
}
{
    line = $0
    gsub(/\\/, "\\\\", line)
    gsub(/"/, "\\\"", line)
    printf "      \"%s\\n\"\n", line
}
END {
    if (open) {
        print "    },"
    }
    print "    { 0, 0 }"
    print "};"
}
