#!/usr/bin/env bash
# Strips the ELF symbol tables of the jlink runtime's launchers and libraries, and their .comment and .note sections
# (strip --remove-section=.comment --remove-section=.note --strip-unneeded, as dh_strip does for Debian's own openjdk
# packages): jlink's --strip-debug removes Java debug attributes only. 6 MB less, and lintian's
# unstripped-binary-or-object and binary-has-unneeded-section are gone. The runtime's CDS archive does not depend on them (it is checked
# by the JVM's version, and the tests map it with -Xshare:on). Without strip (binutils) on PATH: a warning, and the
# runtime is shipped as jlink made it.
# usage: strip-runtime.sh RUNTIME
set -euo pipefail
runtime=$1
if ! command -v strip >/dev/null 2>&1; then
  echo "[WARNING] strip (binutils) not found: the bundled runtime keeps its symbol tables" >&2
  exit 0
fi
find "$runtime" -type f \( -name '*.so' -o -path "$runtime/bin/*" -o -name jspawnhelper -o -name jexec \) \
  -exec strip --remove-section=.comment --remove-section=.note --strip-unneeded {} +
