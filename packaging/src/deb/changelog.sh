#!/usr/bin/env bash
# Writes usr/share/doc/floatd/changelog.Debian.gz: one entry for the version being built, dated by the build's
# timestamp (the mtime of every file in the package), compressed as Debian policy 12.7 asks (gzip -9n: no name,
# no timestamp, so the same build gives the same bytes).
# usage: changelog.sh MAVEN_VERSION TIMESTAMP(ISO-8601) OUT
set -euo pipefail
maven_version=$1 timestamp=$2 out=$3
# the version jdeb writes into the control file: a Maven qualifier after '-' sorts before the release ('~')
version=${maven_version/-/\~}
maintainer=$(sed -n 's/^Maintainer: //p' "$(dirname "$0")/control/control")
date=$(LC_ALL=C date -u -R -d "$timestamp")
mkdir -p "$(dirname "$out")"
{
  echo "floatd ($version) unstable; urgency=medium"
  echo
  echo "  * floatd $maven_version, built from the source tree; what changed is in the git history and"
  echo "    /usr/share/doc/floatd/README.md."
  echo
  echo " -- $maintainer  $date"
} | gzip -9n > "$out"
