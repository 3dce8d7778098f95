#!/bin/sh
# Builds the rendering bench (tests/load/render_bench.c, a check program of
# the build) in a build dir and runs it on the source tree's themes.
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
# Quiet unless the build fails (a regenerated Makefile re-runs configure,
# which is chatty).
LOG=$(mktemp /tmp/render-bench-make.XXXXXX)
if ! make -C "$BUILD" -s tests/load/render_bench >"$LOG" 2>&1; then
    cat "$LOG" >&2
    rm -f "$LOG"
    exit 2
fi
rm -f "$LOG"
exec "$BUILD/tests/load/render_bench" "$@" "$SRC/themes"
