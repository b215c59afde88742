#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Merge the TAP results of the lab's check boots into one TAP stream.

usage: tap.py CHECK_DIR PLAN...

Each CHECK_DIR/PLAN/ holds one boot (boot.log, results/serial.log). dom0
prints "@@TAP ok|not ok N - name [# SKIP|reason]" lines, "@@TAP # diag",
"@@TAP-BEGIN plan" and "@@TAP-DONE plan". A boot that did not reach
TAP-DONE adds a failing test, so a test that could not run never passes.
Ends with "N passed, M failed" (", K skipped" when some were skipped)
and exits 1 on any failure.
"""
import os
import re
import sys

LINE = re.compile(r"@@TAP (ok|not ok) \d+ - (.*)$")


def serial_of(d):
    for p in (os.path.join(d, "results", "serial.log"),):
        if os.path.exists(p):
            return p
    boot = os.path.join(d, "boot.log")
    if os.path.exists(boot):
        with open(boot, errors="replace") as f:
            m = re.search(r"serial=(\S+)", f.read())
            if m and os.path.exists(m.group(1)):
                return m.group(1)
    return None


def main():
    top, plans = sys.argv[1], sys.argv[2:]
    results = []   # (status, name, comment) status: ok / not ok / skip
    for plan in plans:
        d = os.path.join(top, plan)
        serial = serial_of(d)
        began = done = False
        boot_tail = ""
        try:
            with open(os.path.join(d, "boot.log"), errors="replace") as f:
                lines = [x.strip() for x in f if x.strip()]
                boot_tail = lines[-1] if lines else ""
        except OSError:
            boot_tail = "no boot log"
        text = ""
        if serial:
            with open(serial, "rb") as f:
                text = f.read().decode("utf-8", "replace").replace("\r", "")
        for line in text.splitlines():
            i = line.find("@@TAP")
            if i < 0:
                continue
            line = line[i:]
            if line.startswith("@@TAP-BEGIN"):
                began = True
                print("# --- %s" % plan)
                continue
            if line.startswith("@@TAP-DONE"):
                done = True
                continue
            if line.startswith("@@TAP-ABORTED"):
                print("# " + line)
                continue
            if line.startswith("@@TAP #"):
                print("# " + line[len("@@TAP #"):].strip())
                continue
            m = LINE.match(line)
            if not m:
                continue
            st, rest = m.group(1), m.group(2)
            name, _, comment = rest.partition(" # ")
            if st == "ok" and comment.startswith("SKIP"):
                st = "skip"
            results.append((st, "%s: %s" % (plan, name), comment))
        qemu_ok = "qemu rc=0" in open(os.path.join(d, "boot.log"), errors="replace").read() \
            if os.path.exists(os.path.join(d, "boot.log")) else False
        why = []
        if not began:
            why.append("plan never started")
        elif not done:
            why.append("plan did not complete (aborted or boot died)")
        if not qemu_ok:
            why.append("QEMU did not end normally")
        if why:
            why.append(boot_tail)
            why.append("serial log: %s" % (serial or "none"))
            results.append(("not ok", "%s: boot ran the whole plan" % plan, "; ".join(why)))
        else:
            results.append(("ok", "%s: boot ran the whole plan" % plan, ""))
    print("TAP version 13")
    print("1..%d" % len(results))
    npass = nfail = nskip = 0
    for i, (st, name, comment) in enumerate(results, 1):
        if st == "ok":
            npass += 1
            print("ok %d - %s" % (i, name))
        elif st == "skip":
            nskip += 1
            print("ok %d - %s # %s" % (i, name, comment))
        else:
            nfail += 1
            print("not ok %d - %s%s" % (i, name, (" # " + comment) if comment else ""))
    summary = "%d passed, %d failed" % (npass, nfail)
    if nskip:
        summary += ", %d skipped" % nskip
    print(summary)
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
