#!/bin/sh
# Builds the rendering bench (tests/load/render_bench.c) against a build
# dir's core/libsoukcore.a and runs it on the source tree's themes.
#
#   tests/load/render_bench.sh BUILD_DIR [-t SECONDS] [-m MAX_RATIO] ...
#
# Prints renders/s of the base theme's home page with a 50-product listing,
# cJSON_PrintUnformatted of the same model, and their ratio (target <= 2).
# Options after BUILD_DIR go to render_bench (see the comment at its top).
# Use an optimised build (scripts/bench makes build-bench/ with -O2).
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [options]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd) || exit 2
shift
LIB=$BUILD/core/libsoukcore.a
[ -f "$LIB" ] || { echo "render_bench: $LIB is missing (make first)" >&2; exit 2; }
BIN=$BUILD/tests/load/render_bench
mkdir -p "$(dirname "$BIN")"
if [ ! -x "$BIN" ] || [ "$SRC/tests/load/render_bench.c" -nt "$BIN" ] ||
   [ "$LIB" -nt "$BIN" ]; then
    ${CC:-cc} -std=gnu11 -O2 -g -Wall -Wextra -o "$BIN" \
        -I"$SRC/core/include" -I"$SRC/core" \
        $(pkg-config --cflags libcjson) \
        "$SRC/tests/load/render_bench.c" "$LIB" \
        $(pkg-config --libs fcgi libpcre2-8 libcjson libsodium inih) -ldl ||
        exit 2
fi
exec "$BIN" "$@" "$SRC/themes"
