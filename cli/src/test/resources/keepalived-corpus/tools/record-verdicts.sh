#!/bin/bash
# Records keepalived's verdict on every configs/*.conf into verdicts.tsv (run as root, keepalived installed).
# For each file: copies configs/ to a temp dir with %SCRIPTS% replaced by an installed copy of scripts/,
# creates a network namespace with the interfaces the file's "! netns:" header names (veth pairs, addresses
# as given), runs `keepalived -t -f FILE` inside it and keeps the exit code and the lines it prints.
# Verdict (see ../README.md, "What keepalived's daemon does with each message"): every printed line is
# classified by the first row of the README's message table whose pattern matches it (after its
# "(file: Line N) " prefix); the file's verdict is the most severe class among its lines (accept < warn <
# refuse). A line no row matches, or an exit code the classes do not explain (4, 2 or 1 without a refuse
# line; 5 with accept lines only), makes the verdict "unknown": extend the table from keepalived's source.
# first_line is the first line of the verdict's class. OUTDIR=dir also writes every line per file there.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
# the message table: rows "| class | `regex` | ..." of the README (POSIX ERE, as bash's =~ reads it)
classes=(); patterns=()
while IFS=$'\t' read -r c re; do classes+=("$c"); patterns+=("$re"); done < <(
  sed -nE 's/^\| (accept|warn|refuse) \| `([^`]+)` \|.*/\1\t\2/p' "$here/README.md")
[ ${#classes[@]} -gt 0 ] || { echo "no message table in $here/README.md" >&2; exit 1; }
rank() { case $1 in accept) echo 0;; warn) echo 1;; refuse) echo 2;; *) echo 3;; esac; }
classify() { # one printed line -> its class
  local msg i
  msg=$(printf '%s' "$1" | sed -E 's/^\(([^)]*: )?Line [0-9]+\) //')
  for i in "${!patterns[@]}"; do
    if [[ $msg =~ ${patterns[$i]} ]]; then echo "${classes[$i]}"; return; fi
  done
  echo unknown
}
kd=${KEEPALIVED:-/usr/sbin/keepalived}
work=$(mktemp -d /tmp/kacorpus.XXXXXX)
chmod 755 "$work"
mkdir "$work/scripts"
cp "$here"/scripts/* "$work/scripts/"
chmod 755 "$work"/scripts/*
cp -r "$here/configs" "$work/configs"
find "$work/configs" -type f -exec sed -i "s#%SCRIPTS%#$work/scripts#g" {} +
out=${OUT:-$here/verdicts.tsv}
printf 'file\tverdict\texit\tfirst_line\n' > "$out"
n=0
for f in "$work"/configs/*.conf; do
  name=$(basename "$f")
  ns="kac$$-$n"; n=$((n+1))
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  k=0
  for spec in $(sed -n 's/^! netns: *//p' "$f" | head -1); do
    ifn=${spec%%=*}
    ip -n "$ns" link add "$ifn" type veth peer name "kp$k"
    ip -n "$ns" link set "$ifn" up
    ip -n "$ns" link set "kp$k" up
    if [ "$spec" != "$ifn" ]; then
      for a in $(echo "${spec#*=}" | tr ',' ' '); do ip -n "$ns" addr add "$a" dev "$ifn" nodad 2>/dev/null || ip -n "$ns" addr add "$a" dev "$ifn"; done
    fi
    k=$((k+1))
  done
  lines=$(cd "$(dirname "$f")" && ip netns exec "$ns" "$kd" -t -f "$f" 2>&1 >/dev/null)
  rc=$?
  note=
  if [ $rc -eq 143 ]; then
    # keepalived 2.2.7 -t kills itself (SIGTERM) after checking a script as a non-root user (the
    # parent-death check in its script security code assumes the daemon's process tree). Judge the
    # same file with those users made root instead, and say so.
    sed -E 's/^([[:space:]]*)(script_user|user)[[:space:]].*/\1\2 root/' "$f" > "$f.asroot"
    lines=$(cd "$(dirname "$f")" && ip netns exec "$ns" "$kd" -t -f "$f.asroot" 2>&1 >/dev/null)
    rc=$?
    lines=$(printf '%s\n' "$lines" | sed "s#$name.asroot#$name#g")
    note=" [judged with script users as root: keepalived -t exits 143 on this file]"
    rm -f "$f.asroot"
  fi
  ip netns del "$ns"
  lines=$(printf '%s\n' "$lines" | sed "s#$work/scripts#%SCRIPTS%#g; s#$work/configs/##g" | grep -v '^$')
  v=accept; first=
  while IFS= read -r l; do
    [ -z "$l" ] && continue
    c=$(classify "$l")
    if [ "$(rank "$c")" -gt "$(rank "$v")" ]; then v=$c; first=$l; fi
    [ -z "$first" ] && first=$l
  done <<< "$lines"
  case $rc in
    0|6) ;;
    5) [ "$v" = accept ] && { v=unknown; first="exit 5 with no warn or refuse line"; } ;;
    *) [ "$v" = refuse ] || { v=unknown; first="exit $rc with no refuse line: $first"; } ;;
  esac
  printf '%s\t%s\t%s\t%s%s\n' "$name" "$v" "$rc" "$first" "$note" >> "$out"
  if [ -n "${OUTDIR:-}" ]; then printf '%s\n' "$lines" > "$OUTDIR/$name.txt"; fi
  if [ -n "${VERBOSE:-}" ]; then echo "== $name rc=$rc $v"; printf '%s\n' "$lines"; fi
done
rm -rf "$work"
