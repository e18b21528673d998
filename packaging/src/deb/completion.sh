#!/usr/bin/env bash
# Writes usr/share/bash-completion/completions/floatd: picocli's AutoComplete script for every subcommand
# (floatd generate-completion), without its #! line (bash-completion sources the file; it is not run).
# usage: completion.sh JAVA JAR OUT
set -euo pipefail
java=$1 jar=$2 out=$3
mkdir -p "$(dirname "$out")"
"$java" -XX:TieredStopAtLevel=1 -Xshare:auto -jar "$jar" generate-completion | sed '1{/^#!/d}' > "$out"
grep -q '^complete .* floatd' "$out"
