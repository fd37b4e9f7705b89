#!/usr/bin/env bash
# Sets up what the test suite needs, for `npm test` and `.ci/run` alike: the Debian packages in
# scripts/test-deps.txt (installed with apt-get when run as root or with password-less sudo), a
# running PostgreSQL when one is installed, and the fixture images (test/fixtures/build.sh).
# When something cannot be installed it says exactly what is missing and how to get it, and fails.
# Idempotent and quick when everything is in place. PORTCULLIS_SKIP_SETUP=1 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${PORTCULLIS_SKIP_SETUP:-}" = 1 ] && exit 0

say() { printf 'setup: %s\n' "$*" >&2; }
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/test-deps.txt | grep -v '^$')

if ! command -v dpkg-query >/dev/null 2>&1; then
  say "this is not a Debian-based machine (no dpkg-query): install the equivalents of these Debian packages yourself:"
  say "  ${packages[*]}"
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n)
  else
    say "missing Debian packages: ${missing[*]}"
    say "install them with:  sudo apt-get install --no-install-recommends ${missing[*]}"
    say "(then run the tests again; this script installs them itself when run as root or with password-less sudo)"
    exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! { "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    say "apt-get could not install: ${missing[*]} (see the messages above); install them and run the tests again"
    exit 1
  fi
fi

# The PostgreSQL backend tests use the machine's server when one runs or can be started; without
# one they run on the embedded database only (and say so).
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    for v in /etc/postgresql/*; do
      [ -d "$v/main" ] && { pg_ctlcluster --skip-systemctl-redirect "$(basename "$v")" main start || true; }
    done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || say "no PostgreSQL on 127.0.0.1:5432: the PostgreSQL backend tests will run on the embedded database only"
fi

# The real fixture images (cached; a no-op when nothing changed).
if ! bash test/fixtures/build.sh; then
  say "building the fixture images failed (messages above; logs in test/fixtures/cache/*.log)"
  exit 1
fi
