#!/bin/sh
# Writes a plugin with `souk plugin new`, builds it against an installed
# Souk with nothing but pkg-config, and checks that soukd would load it.
#
# usage: out_of_tree.sh PREFIX SOUK_BIN
#   PREFIX    where Souk was installed (PREFIX/lib/pkgconfig/souk-plugin.pc)
#   SOUK_BIN  the souk command to test (usually PREFIX/bin/souk)
# Prints TAP; exits non-zero when a check fails.

if [ $# -ne 2 ]; then
    echo "usage: $0 PREFIX SOUK_BIN" >&2
    exit 2
fi
PREFIX=$1
SOUK=$2
T=$(mktemp -d /tmp/souk-oot.XXXXXX) || exit 1
cleanup() { rm -rf "$T"; }
trap cleanup EXIT

PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
# No installed configuration may leak in: check against empty settings.
SOUK_CONF="$T/none.conf"
: > "$SOUK_CONF"
export SOUK_CONF

n=0
failed=0
check() {
    # check DESCRIPTION COMMAND...: one TAP line; output shown on failure.
    desc=$1
    shift
    n=$((n + 1))
    if "$@" > "$T/out" 2>&1; then
        echo "ok $n - $desc"
    else
        echo "not ok $n - $desc"
        sed 's/^/#   /' "$T/out"
        failed=1
    fi
}
has() { grep -q -- "$1" "$T/check.out"; }

echo "1..10"
check "pkg-config finds souk-plugin" pkg-config --exists souk-plugin
check "souk plugin new greet" "$SOUK" plugin new greet "$T"
check "skeleton has its files" test -f "$T/greet/greet.c" \
    -a -f "$T/greet/Makefile" -a -f "$T/greet/README.md" \
    -a -d "$T/greet/migrations" -a -f "$T/greet/templates/greet.mustache" \
    -a -x "$T/greet/tests/test_greet.sh"
check "a second plugin new into the same dir is refused" \
    sh -c '! "$0" plugin new greet "$1"' "$SOUK" "$T"
check "an invalid name is refused" \
    sh -c '! "$0" plugin new Bad-Name "$1"' "$SOUK" "$T"
check "the skeleton builds with its Makefile" make -C "$T/greet"
"$SOUK" plugin check "$T/greet/greet.so" > "$T/check.out" 2>&1
rc=$?
sed 's/^/# /' "$T/check.out"
check "souk plugin check exits 0" test $rc -eq 0
check "it says the plugin would load" has '^ok: would load$'
check "it lists GET /greet" has 'route  *GET, HEAD  */greet$'
check "the skeleton's own test passes" \
    env SOUK="$SOUK" sh "$T/greet/tests/test_greet.sh"
exit $failed
