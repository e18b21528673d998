#!/usr/bin/env bash
# Writes floatd.8.gz and floatd.conf.5.gz (gzip -9n, as Debian policy 12.3 asks) from ManPages.java, run in
# source-file mode by a JDK (the bundled runtime has no compiler) with the floatd jars on the class path.
# usage: man-pages.sh JDK_JAVA JAR OUTDIR TIMESTAMP VERSION EXAMPLE
set -euo pipefail
java=$1 jar=$2 out=$3 timestamp=$4 version=$5 example=$6
mkdir -p "$out"
"$java" --enable-native-access=ALL-UNNAMED -cp "$jar" "$(dirname "$0")/ManPages.java" "$out" "$timestamp" "$version" "$example"
for page in "$out"/floatd.8 "$out"/floatd.conf.5; do
  gzip -9nf "$page"
done
