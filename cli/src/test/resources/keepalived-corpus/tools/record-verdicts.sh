#!/bin/bash
# Records keepalived's verdict on every configs/*.conf into verdicts.tsv (run as root, keepalived installed).
# For each file: copies configs/ to a temp dir with %SCRIPTS% replaced by an installed copy of scripts/,
# creates a network namespace with the interfaces the file's "! netns:" header names (veth pairs, addresses
# as given), runs `keepalived -t -f FILE` inside it and keeps the exit code and the first line it prints.
# Verdict: accept when the exit code is 0, or 6 (script security only) with every printed line a
# "SECURITY VIOLATION" line; refuse otherwise. See ../README.md.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
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
  other=$(printf '%s\n' "$lines" | grep -v '^SECURITY VIOLATION' | grep -v '^$')
  if [ $rc -eq 0 ] || { [ $rc -eq 6 ] && [ -z "$other" ]; }; then v=accept; else v=refuse; fi
  first=$(printf '%s\n' "$other" | head -1)
  [ -z "$first" ] && first=$(printf '%s\n' "$lines" | head -1)
  printf '%s\t%s\t%s\t%s%s\n' "$name" "$v" "$rc" "$first" "$note" >> "$out"
  if [ -n "${OUTDIR:-}" ]; then printf '%s\n' "$lines" > "$OUTDIR/$name.txt"; fi
  if [ -n "${VERBOSE:-}" ]; then echo "== $name rc=$rc $v"; printf '%s\n' "$lines"; fi
done
rm -rf "$work"
