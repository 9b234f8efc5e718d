#!/usr/bin/env bash
# ensure-packages.sh PKG...: installs the Debian packages that are missing (as root, as CI runs), or says which to
# install. Exits non-zero, after printing "0 passed, 1 failed" so a test run still ends with a count, when it cannot.
missing=()
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    && exit 0
  echo "apt-get install failed"
else
  echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
fi
echo "0 passed, 1 failed"
exit 1
