#!/usr/bin/env bash
# Writes usr/share/doc/floatd/changelog.Debian.gz: one entry for the version being built, dated by the build's
# timestamp (the mtime of every file in the package), compressed as Debian policy 12.7 asks (gzip -9n: no name,
# no timestamp, so the same build gives the same bytes).
# usage: changelog.sh MAVEN_VERSION TIMESTAMP(ISO-8601) OUT
set -euo pipefail
maven_version=$1 timestamp=$2 out=$3
# the version of the control file: jdeb's (a Maven qualifier after '-' becomes '~', which sorts before the
# release) and Debian revision 1 (a non-native package: its changelog is changelog.Debian.gz)
version=${maven_version/-/\~}-1
maintainer=$(sed -n 's/^Maintainer: //p' "$(dirname "$0")/control/control")
date=$(LC_ALL=C date -u -R -d "$timestamp")
mkdir -p "$(dirname "$out")"
{
  echo "floatd ($version) unstable; urgency=medium"
  echo
  echo "  * floatd $maven_version, packaged by its own build (jdeb). What changed is in"
  echo "    the source history; the documentation is /usr/share/doc/floatd/README.md."
  echo
  echo " -- $maintainer  $date"
} | gzip -9n > "$out"
