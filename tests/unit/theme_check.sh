#!/bin/sh
# `souk theme check`: each kind of problem is reported with its position,
# and the shipped themes pass (TAP).
set -u
souk="${top_builddir:-.}/souk"
src="${top_srcdir:-.}"
T=$(mktemp -d /tmp/souk-theme-check.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() {   # ok COND-EXIT-STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
        echo "not ok $n - $2"; fail=1; fi
}
has() { grep -qF -- "$1" "$T/out"; echo $?; }

mkdir -p "$T/themes" "$T/plugins/demo/templates"
cp -r "$src/themes/base" "$T/themes/"
mkdir -p "$T/themes/bad/partials" "$T/themes/bad/templates" \
    "$T/themes/bad/plugins/demo"
echo '{"id":"bad","parent":"base","contract":1}' > "$T/themes/bad/theme.json"
printf '%s\n' '{{! contract: 1 }}' \
    '<p>{{{request.query.q}}} {{{slot.page.footer}}}' '{{> nowhere}}' \
    '{{#product}}{{{description_html}}}{{/product}}' \
    '{{{product.description_html}}} {{{product.summary}}}' \
    > "$T/themes/bad/partials/header.mustache"
printf '{{x:nosuch}}\n' > "$T/themes/bad/templates/home.mustache"
printf '{{< nolayout}}{{/nolayout}}\n' \
    > "$T/themes/bad/templates/other.mustache"
printf '{{! contract: 1 }}\n<p>{{greeting}}</p>\n' \
    > "$T/plugins/demo/templates/hi.mustache"
printf '<p>{{greeting}}</p>\n' > "$T/themes/bad/plugins/demo/hi.mustache"
mkdir -p "$T/themes/c1" "$T/themes/c2"
echo '{"id":"c1","parent":"c2","contract":1}' > "$T/themes/c1/theme.json"
echo '{"id":"c2","parent":"c1","contract":1}' > "$T/themes/c2/theme.json"
printf '[server]\ntheme_dir = themes\nplugin_data_dir = plugins\n' \
    > "$T/souk.conf"

"$souk" -c "$T/souk.conf" theme check bad > "$T/out" 2>&1
ok "$([ $? -eq 1 ]; echo $?)" "a theme with problems exits 1"
ok "$(has 'header.mustache:2:4: raw output of "request.query.q"')" \
    "raw output of a field not meant to be raw, with its position"
ok "$([ "$(grep -c 'slot.page.footer' "$T/out")" -eq 0 ]; echo $?)" \
    "slot.* may be raw"
ok "$([ "$(grep -c 'description_html' "$T/out")" -eq 0 ]; echo $?)" \
    "description_html (sanitised when saved) may be raw, also dotted"
ok "$(has 'header.mustache:5:32: raw output of "product.summary"')" \
    "other dotted fields may not: $(grep summary "$T/out")"
ok "$(has 'header.mustache:3:1: missing partial "nowhere"')" "missing partial"
ok "$(has 'home.mustache:1:1: unknown modifier "nosuch"')" "unknown modifier"
ok "$(has 'other.mustache:1:1: missing parent (broken inheritance)')" \
    "missing parent layout"
ok "$(has 'demo/hi.mustache:1:1: forked an older template contract')" \
    "an override that forked an older contract of a plugin's template"
ok "$(has '6 problems')" "the summary counts them: $(tail -1 "$T/out")"

"$souk" -c "$T/souk.conf" theme check c1 > "$T/out" 2>&1
ok "$([ $? -eq 1 ]; echo $?)" "a parent cycle exits 1"
ok "$(has 'broken inheritance')" "and says broken inheritance"

for theme in "$src"/themes/*/; do
    "$souk" -c "$T/souk.conf" theme check "${theme%/}" > "$T/out" 2>&1
    ok $? "shipped theme $(basename "$theme") passes: $(tail -1 "$T/out")"
done
echo "1..$n"
exit $fail
