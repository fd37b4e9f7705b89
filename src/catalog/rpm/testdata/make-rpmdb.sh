#!/usr/bin/env bash
# Rebuilds rpmdb.sqlite.gz (and Packages.gz) from three tiny packages built with rpmbuild and
# recorded with `rpm --justdb`. Needs rpm, rpmbuild, sqlite3 and db5.3_load (Debian: rpm,
# sqlite3, db5.3-util). Run from this directory.
set -euo pipefail
here=$(pwd)
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
mkdir -p "$top"/{SPECS,BUILD,RPMS,SOURCES,SRPMS,db}

spec() { # name version release extra-preamble install-script files
  cat > "$top/SPECS/$1.spec" <<SPEC
Name: $1
Version: $2
Release: $3
Summary: portcullis test package
License: MIT AND (Apache-2.0 OR BSD-3-Clause)
Vendor: Portcullis Test
BuildArch: x86_64
$4
%description
test package
%install
$5
%files
$6
SPEC
}
spec pc-alpha 1.2.3 5.fc39 'Provides: alpha-capability' \
  'mkdir -p %{buildroot}/usr/share/a %{buildroot}/usr/bin && echo a > %{buildroot}/usr/share/a/f && printf "#!/bin/sh\n" > %{buildroot}/usr/bin/pc-alpha && chmod 755 %{buildroot}/usr/bin/pc-alpha' \
  $'/usr/share/a/f\n/usr/bin/pc-alpha'
spec pc-beta 1.2.4 5.fc39 $'Epoch: 2\nRequires: alpha-capability\nRequires: /usr/bin/pc-alpha' \
  'mkdir -p %{buildroot}/usr/share/b && echo b > %{buildroot}/usr/share/b/f' '/usr/share/b/f'
# Enough files for a header larger than an SQLite page (overflow pages) and a Berkeley DB page.
spec pc-gamma 3.0 1.el9 '' \
  'mkdir -p %{buildroot}/usr/share/c && for i in $(seq 1 60); do echo $i > %{buildroot}/usr/share/c/file-number-$i.txt; done' '/usr/share/c'
for s in pc-alpha pc-beta pc-gamma; do
  rpmbuild --quiet --define "_topdir $top" -bb "$top/SPECS/$s.spec" >/dev/null 2>&1
done
rpm --dbpath "$top/db" --initdb
rpm --dbpath "$top/db" -i --nodeps --justdb --ignorearch --noscripts "$top"/RPMS/x86_64/*.rpm
sqlite3 "$top/db/rpmdb.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
gzip -9n < "$top/db/rpmdb.sqlite" > "$here/rpmdb.sqlite.gz"

# Berkeley DB hash `Packages` as rpm < 4.16 wrote it: header blobs under 4-byte native-endian
# instance keys, plus key 0 holding the next free instance number.
{
  printf 'VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\nHEADER=END\n'
  n=$(sqlite3 "$top/db/rpmdb.sqlite" 'select max(hnum) from Packages')
  le() { printf '%08x' "$1" | sed -E 's/(..)(..)(..)(..)/\4\3\2\1/'; }
  printf ' %s\n %s\n' "$(le 0)" "$(le $((n + 1)))"
  sqlite3 "$top/db/rpmdb.sqlite" 'select hnum, hex(blob) from Packages order by hnum' | while IFS='|' read -r h hex; do
    printf ' %s\n %s\n' "$(le "$h")" "$(tr 'A-F' 'a-f' <<<"$hex")"
  done
  printf 'DATA=END\n'
} > "$top/bdb.txt"
db5.3_load -f "$top/bdb.txt" "$top/Packages"
gzip -9n < "$top/Packages" > "$here/Packages.gz"
ls -l "$here"
