#!/bin/sh
# deps.sh -- install the Debian packages Powerhouse needs to build and test.
# Idempotent and quiet when everything is present. As root it runs apt-get;
# otherwise it prints the exact command to run.
set -eu

# nginx: tests/e2e/proxy.t runs deploy/nginx.conf in front of serve (bench/pages.sh uses it too;
# Debian 12's nginx-light is only a transitional package for nginx).
PKGS="build-essential pkg-config clang libclang-rt-14-dev libcjson-dev libsqlite3-dev zlib1g-dev \
libmicrohttpd-dev libsodium-dev libpq-dev libstemmer-dev libcurl4-openssl-dev postgresql valgrind perl python3 sqlite3 gzip curl nodejs chromium \
nginx python3-aiosmtpd"

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
# npm comes with some nodejs builds and is its own Debian package otherwise.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "deps.sh: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "deps.sh: missing Debian packages:$missing" >&2
  echo "run: sudo apt-get install -y$missing" >&2
  exit 1
fi
