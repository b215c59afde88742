#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the adaptive controller's goals against build/bench/summary.csv.

Reads the rows `make bench` (or `make bench-sim`) wrote and prints, per
source (sim, lab) and goal, the numbers and PASS/FAIL. Nothing here is
measured: it only compares what the benchmarks printed.

Goals (issue 4):
  bulk   adaptive guest and dom0 interrupts per packet <= 0.25 x stock,
         CPU per packet <= 0.8 x stock, throughput >= stock
  rr     adaptive p50 <= 1.05 x stock, p99 <= 1.10 x stock
  oracle on every workload, adaptive latency (p50 and p99) within 5% of
         the best static setting chosen for that workload and interrupts
         per packet (guest + dom0) within 10% of it; where no static
         setting keeps latency within the rr bounds, the oracle is stock
         (no delay)
  dim    on every workload, adaptive at least as good as the DIM-style
         baseline on latency (p99) and on interrupts per packet
A small absolute slack (0.5 us, 0.001 interrupts per packet) keeps
rounding from deciding a comparison.

Columns are read by name (tools/sim/bench.py SUMMARY_HEADER); the text
ones (class, timers) stay text, empty cells are missing values. Which
workloads the bulk and rr goals apply to goes by the workload's name, as
before the class column existed (class rr / bulk would add e.g.
bulk_rx_gso).
"""
import argparse
import csv
import sys
from collections import defaultdict

US_SLACK = 0.5
IRQ_SLACK = 0.001
BULK = ("bulk_rx", "bulk_tx", "bulk-rx", "bulk-tx")
RR = ("rr", "pp-udp", "pp-tcp")
TEXT = ("class", "timers")      # summary.csv columns that are not numbers


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def load(path):
    rows = defaultdict(dict)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["source"], r["workload"])][r["policy"]] = {
                k: (v if k in TEXT else num(v)) for k, v in r.items()
                if k not in ("source", "workload", "policy")}
    return rows


def irq(m):
    g, d = m.get("guest_irq_per_pkt"), m.get("dom0_irq_per_pkt")
    if g is None and d is None:
        return None
    return (g or 0.0) + (d or 0.0)


def le(a, b, factor=1.0, slack=0.0):
    """a <= factor * b (+ slack); None when either is missing."""
    if a is None or b is None:
        return None
    return a <= factor * b + slack


def verdict(ok):
    return {True: "PASS", False: "FAIL", None: "n/a"}[ok]


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.4g}"


def check(rows):
    out = []
    for (src, wl), pols in sorted(rows.items()):
        a, s = pols.get("adaptive"), pols.get("stock")
        if not a or not s:
            continue
        base = wl.split("_slop")[0]     # the same workload under timer slop
        if base in BULK:
            for key, lim, what in (("guest_irq_per_pkt", 0.25, "guest irq/pkt"),
                                   ("dom0_irq_per_pkt", 0.25, "dom0 irq/pkt"),
                                   ("cpu_ns_per_pkt", 0.8, "cpu ns/pkt")):
                out.append((src, wl, f"bulk: {what} <= {lim} x stock",
                            f"{fmt(a.get(key))} vs {fmt(s.get(key))}",
                            le(a.get(key), s.get(key), lim, IRQ_SLACK
                               if "irq" in key else 0.0)))
            out.append((src, wl, "bulk: throughput >= stock",
                        f"{fmt(a.get('throughput_mbps'))} vs "
                        f"{fmt(s.get('throughput_mbps'))}",
                        le(s.get("throughput_mbps"), a.get("throughput_mbps"))))
        if base in RR:
            for key, lim in (("p50_us", 1.05), ("p99_us", 1.10)):
                out.append((src, wl, f"rr: {key[:3]} <= {lim} x stock",
                            f"{fmt(a.get(key))} vs {fmt(s.get(key))}",
                            le(a.get(key), s.get(key), lim, US_SLACK)))
        oracle = pols.get("static-best") or s
        name = "static-best" if "static-best" in pols else "stock"
        for key in ("p50_us", "p99_us"):
            out.append((src, wl, f"oracle ({name}): {key[:3]} within 5%",
                        f"{fmt(a.get(key))} vs {fmt(oracle.get(key))}",
                        le(a.get(key), oracle.get(key), 1.05, US_SLACK)))
        out.append((src, wl, f"oracle ({name}): irq/pkt within 10%",
                    f"{fmt(irq(a))} vs {fmt(irq(oracle))}",
                    le(irq(a), irq(oracle), 1.10, IRQ_SLACK)))
        d = pols.get("dim")
        if d:
            out.append((src, wl, "dim: p99 <= dim",
                        f"{fmt(a.get('p99_us'))} vs {fmt(d.get('p99_us'))}",
                        le(a.get("p99_us"), d.get("p99_us"), 1.0, US_SLACK)))
            out.append((src, wl, "dim: irq/pkt <= dim",
                        f"{fmt(irq(a))} vs {fmt(irq(d))}",
                        le(irq(a), irq(d), 1.0, IRQ_SLACK)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("summary", nargs="?", default="build/bench/summary.csv")
    args = ap.parse_args()
    res = check(load(args.summary))
    if not res:
        print(f"goals: no adaptive/stock rows in {args.summary}")
        return 1
    w = max(len(r[2]) for r in res)
    print(f"{'source':6} {'workload':15} {'goal':{w}} {'verdict':7} adaptive vs reference")
    for src, wl, goal, nums, ok in res:
        print(f"{src:6} {wl:15} {goal:{w}} {verdict(ok):7} {nums}")
    n_pass = sum(1 for r in res if r[4] is True)
    n_fail = sum(1 for r in res if r[4] is False)
    print(f"goals: {n_pass} met, {n_fail} not met, "
          f"{len(res) - n_pass - n_fail} not applicable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
