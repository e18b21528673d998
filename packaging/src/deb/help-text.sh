#!/usr/bin/env bash
# Writes floatd --help and every subcommand's --help into one text file (usr/share/doc/floatd/floatd-help.txt).
# usage: help-text.sh JAVA JAR OUT
set -euo pipefail
java=$1 jar=$2 out=$3
floatd() { "$java" --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -Xshare:auto -jar "$jar" "$@"; }
top=$(floatd --help)
{
  echo "floatd $(floatd --version | sed -n '1s/^floatd //p')"
  echo
  echo '$ floatd --help'
  echo "$top"
  for cmd in $(echo "$top" | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | grep -vx help); do
    echo
    echo "\$ floatd help $cmd"
    floatd help "$cmd"
  done
} > "$out"
