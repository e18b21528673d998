#!/usr/bin/python3
"""Runs a command under a seccomp filter built as systemd builds SystemCallFilter= (systemd.exec(5)).

usage: run-filtered.py FILTER -- COMMAND [ARG...]

FILTER is the unit's SystemCallFilter= value (an allow-list of syscall names and @groups; a leading ~ is not
supported). The groups are expanded by systemd-analyze syscall-filter, recursively, as systemd expands them; every
other system call fails with EPERM (SystemCallErrorNumber=EPERM), and no_new_privs is set as NoNewPrivileges=yes
does. libseccomp builds the filter for the native architecture only (SystemCallArchitectures=native). Then COMMAND
is executed in place of this process.
"""
import os
import subprocess
import sys

import seccomp


def expand(names, seen):
    out = set()
    for name in names:
        if not name.startswith("@"):
            out.add(name)
            continue
        if name in seen:
            continue
        seen.add(name)
        text = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True, capture_output=True,
                              text=True).stdout
        members = [l.strip() for l in text.splitlines()[1:] if l.strip() and not l.strip().startswith("#")]
        out |= expand(members, seen)
    return out


def main():
    sep = sys.argv.index("--")
    words = " ".join(sys.argv[1:sep]).split()
    if any(w.startswith("~") for w in words):
        sys.exit("run-filtered.py: deny-lists (~) are not supported")
    command = sys.argv[sep + 1:]
    allowed = expand(words, set())
    f = seccomp.SyscallFilter(defaction=seccomp.ERRNO(1))  # EPERM
    known = 0
    for name in sorted(allowed):
        try:
            f.add_rule(seccomp.ALLOW, name)
            known += 1
        except (RuntimeError, ValueError):
            pass  # a name this architecture or libseccomp does not know, as systemd skips it
    print(f"run-filtered: {known} system calls allowed", file=sys.stderr, flush=True)
    f.load()
    os.execvp(command[0], command)


main()
