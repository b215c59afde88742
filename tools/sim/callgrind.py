#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run the controller microbenchmark under callgrind, one policy at a time,
and print the instructions per call of a push and of a poll completion as
the glue makes them (push_update(), complete_update(): the clock query and
xcc_prod_push() or xcc_cons_complete(), inclusive). Goal: <= 100."""
import argparse
import os
import re
import subprocess
import sys

POLICIES = ["off", "static", "dim", "adaptive"]
FUNCS = ["push_update", "complete_update"]
GOAL = 100


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--iterations", type=int, default=200000)
    a = ap.parse_args()
    os.makedirs(a.tmp, exist_ok=True)
    print(f"{'policy':10} {'function':20} {'calls':>8} {'Ir/call':>8}")
    worst = 0.0
    for pol in POLICIES:
        out = os.path.join(a.tmp, f"callgrind.out.{pol}")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        a.bin, pol, str(a.iterations)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", out],
                             check=True, capture_output=True, text=True).stdout
        for fn in FUNCS:
            m = re.search(r"^\s*([\d,]+)\s.*\b%s\b" % fn, ann, re.M)
            if not m:
                print(f"{pol:10} {fn:20} not found", file=sys.stderr)
                return 1
            ir = int(m.group(1).replace(",", ""))
            per = ir / a.iterations
            worst = max(worst, per)
            print(f"{pol:10} {fn:20} {a.iterations:>8} {per:8.1f}")
    print(f"worst {worst:.1f} instructions per update (goal <= {GOAL}): "
          f"{'ok' if worst <= GOAL else 'ABOVE GOAL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
