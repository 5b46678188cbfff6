#!/bin/sh
# govuk_css.sh DIR -- GOV.UK Frontend's compiled CSS from the npm package in DIR,
# with its @font-face rules removed: the GDS Transport font belongs to GOV.UK
# alone, and without the rules no browser asks for it (system fonts are used).
set -eu
css=$(ls "$1"/dist/govuk/govuk-frontend.min.css 2>/dev/null || true)
[ -n "$css" ] || { echo "govuk_css.sh: no govuk-frontend.min.css under $1 (run npm ci)" >&2; exit 1; }
sed -e 's/@font-face{[^}]*}//g' -e 's#/\*[^*]*sourceMappingURL[^*]*\*/##' "$css"
