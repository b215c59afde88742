#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the adaptive controller's goals against build/bench/summary.csv.

Reads the rows `make bench` (or `make bench-sim`) wrote and prints, per
source (sim, lab; rows of any other source, e.g. the simulator's
lab-calibrated sim-lab rows, are not judged) and goal, the numbers on
both sides and PASS/FAIL. Nothing here is measured: it only compares
what the benchmarks printed.

Goals (issue 11: a latency budget B per device, the extra one-way
latency the operator accepts; policies adaptive-bB, the budget in the
budget_us column or else in the name; the simulator has B = 25, 50,
100 us, the lab 100 and 200):
  budget held   on every workload and for every B, adaptive-bB's
                round-trip p50 and p99 <= stock's + 2B; no loss where
                stock has none; bulk: throughput >= 0.99 x stock
  oracle        on every workload and for every B, CPU per packet (dom0
                + guest) <= 1.05 x that of the best static setting that
                holds the budget there (the lowest CPU per packet among
                the static-uU-fF rows of the workload that meet "budget
                held"; stock where none does), and <= 1.05 x DIM's where
                DIM holds the budget; interrupts per packet printed beside
  pays          simulator: memcached and the open streams of 64 and 256 B
                at 50k-200k pps at B = 50: CPU per packet <= 0.8 x stock;
                lab: redis at B = 200: ops/s (pps, summary.csv has no ops
                column) >= stock and CPU per packet <= 0.85 x stock
  neighbours    mixed, mixed_tx and the density rows (N guests), every B:
                the worst guest's p99 <= stock's + 2B is "budget held"'s
                p99 on these rows (their p99 is the worst flow's or
                guest's in summary.csv), not checked twice; throughput
                >= 0.98 x stock; density_8: dom0 CPU per packet <= 0.75 x stock at
                B = 50 (simulator) and B = 200 (lab)
  no harm       adaptive without a budget: ping-pong (class rr) p50 <=
                1.02 x and p99 <= 1.05 x stock; bulk throughput >= 0.99 x
                and CPU per packet <= 1.01 x stock; every other workload
                p50 <= 1.05 x and p99 <= 1.10 x stock. ours-default (lab
                rows: our modules at their defaults): pps >= 0.99 x stock
                and dom0 and guest CPU per packet each within 3% of stock
A small absolute slack keeps rounding and noise from deciding a
comparison: 0.5 us on latencies, 0.001 on loss (a fraction: 0.1%).

Columns are read by name (tools/sim/bench.py SUMMARY_HEADER); the text
ones (class, timers) stay text, empty cells are missing values. CPU per
packet is cpu_ns_per_pkt, or guest_cpu_ns_per_pkt + dom0_cpu_ns_per_pkt
where it is missing. A workload is bulk, ping-pong, density by its class
(bulk, rr, density), by its name where a row has no class; a goal whose
numbers are missing on either side is "n/a", and a comparison whose
reference (stock) has no such number is not printed.
"""
import argparse
import csv
import re
import sys
from collections import defaultdict

US_SLACK = 0.5
LOSS_SLACK = 0.001
SOURCES = ("sim", "lab")        # the sources judged
BULK = ("bulk_rx", "bulk_tx", "bulk-rx", "bulk-tx", "bulk_rx_gso")
RR = ("rr", "pp-udp", "pp-tcp")
NEIGHBOURS = ("mixed", "mixed_tx")
PAYS = {"sim": (50, ["memcached"] + [f"open_{d}_{b}_{r}" for d in ("rx", "tx")
                                      for b in (64, 256)
                                      for r in (50000, 100000, 200000)]),
        "lab": (200, ["redis"])}
PAYS_CPU = {"sim": 0.8, "lab": 0.85}
DENSITY_B = {"sim": 50, "lab": 200}
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


def cpu(m):
    """CPU per packet, dom0 + guest."""
    if m.get("cpu_ns_per_pkt") is not None:
        return m["cpu_ns_per_pkt"]
    g, d = m.get("guest_cpu_ns_per_pkt"), m.get("dom0_cpu_ns_per_pkt")
    if g is None or d is None:
        return None
    return g + d


def budget(pol, m):
    """The latency budget (us) of an adaptive policy's row, None without."""
    if not pol.startswith("adaptive"):
        return None
    b = m.get("budget_us")
    if not b:
        hit = re.fullmatch(r"adaptive-b(\d+)", pol)
        b = float(hit.group(1)) if hit else None
    return b or None


def le(a, b, factor=1.0, slack=0.0):
    """a <= factor * b (+ slack); None when either is missing."""
    if a is None or b is None:
        return None
    return a <= factor * b + slack


def within(a, b, frac):
    """|a / b - 1| <= frac; None when either is missing."""
    if a is None or not b:
        return None
    return abs(a / b - 1) <= frac


def verdict(ok):
    return {True: "PASS", False: "FAIL", None: "n/a"}[ok]


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.4g}"


def kind(wl, s):
    """bulk, rr (ping-pong), density or other: by class, else by name."""
    cls = s.get("class")
    base = wl.split("_slop")[0]     # the same workload under timer slop
    if cls:
        return cls if cls in ("bulk", "rr", "density") else "other"
    if base in BULK:
        return "bulk"
    if base in RR:
        return "rr"
    return "density" if base.startswith("density") else "other"


def held(m, s, b, bulk):
    """The budget-held checks of row m against stock s with budget b:
    (what, numbers, verdict) for each that applies (stock has the number)."""
    out = []
    for key in ("p50_us", "p99_us"):
        if s.get(key) is not None:
            out.append((f"{key[:3]} <= stock + 2B",
                        f"{fmt(m.get(key))} vs {fmt(s[key])} + {fmt(2 * b)}",
                        le(m.get(key), s[key] + 2 * b, 1.0, US_SLACK)))
    if s.get("loss") is not None and s["loss"] <= LOSS_SLACK:
        out.append(("no loss (stock none)", f"{fmt(m.get('loss'))} vs {fmt(s['loss'])}",
                    le(m.get("loss"), 0.0, 1.0, LOSS_SLACK)))
    if bulk and s.get("throughput_mbps") is not None:
        out.append(("throughput >= 0.99 x stock",
                    f"{fmt(m.get('throughput_mbps'))} vs {fmt(s['throughput_mbps'])}",
                    le(0.99 * s["throughput_mbps"], m.get("throughput_mbps"))))
    return out


def holds(m, s, b, bulk):
    return all(ok for _, _, ok in held(m, s, b, bulk))


def oracle(pols, s, b, bulk):
    """The best static setting holding budget b: (name, row); stock if none."""
    best = None
    for pol, m in pols.items():
        if not re.fullmatch(r"static-u\d+-f\d+", pol) or cpu(m) is None:
            continue
        if holds(m, s, b, bulk) and (best is None or cpu(m) < cpu(best[1])):
            best = (pol, m)
    return best or ("stock", s)


def cpu_irq(a, o, name=""):
    return (f"cpu {fmt(cpu(a))} vs {fmt(cpu(o))}{name}, "
            f"irq/pkt {fmt(irq(a))} vs {fmt(irq(o))}")


def check_workload(src, wl, pols):
    s = pols["stock"]
    k = kind(wl, s)
    bulk = k == "bulk"
    base = wl.split("_slop")[0]
    out = []

    def add(goal, nums, ok):
        out.append((src, wl, goal, nums, ok))

    budgets = sorted((b, pol) for pol, m in pols.items()
                     if (b := budget(pol, m)) is not None)
    for b, pol in budgets:
        a, tag = pols[pol], f"B={b:g}"
        for what, nums, ok in held(a, s, b, bulk):
            add(f"budget {tag}: {what}", nums, ok)
        name, o = oracle(pols, s, b, bulk)
        add(f"oracle {tag}: cpu <= 1.05 x best static holding B",
            cpu_irq(a, o, f" ({name}{': none holds B' if name == 'stock' else ''})"),
            le(cpu(a), cpu(o), 1.05))
        d = pols.get("dim")
        if d and holds(d, s, b, bulk):
            add(f"oracle {tag}: cpu <= 1.05 x dim", cpu_irq(a, d),
                le(cpu(a), cpu(d), 1.05))
        pb, pays = PAYS.get(src, (None, ()))
        if b == pb and base in pays:
            lim = PAYS_CPU[src]
            add(f"pays {tag}: cpu <= {lim} x stock", cpu_irq(a, s),
                le(cpu(a), cpu(s), lim))
            if src == "lab":
                add(f"pays {tag}: ops/s (pps) >= stock",
                    f"{fmt(a.get('pps'))} vs {fmt(s.get('pps'))}",
                    le(s.get("pps"), a.get("pps")))
        if base in NEIGHBOURS or k == "density":
            if s.get("throughput_mbps") is not None:
                add(f"neighbours {tag}: throughput >= 0.98 x stock",
                    f"{fmt(a.get('throughput_mbps'))} vs {fmt(s['throughput_mbps'])}",
                    le(0.98 * s["throughput_mbps"], a.get("throughput_mbps")))
            if base == "density_8" and b == DENSITY_B.get(src):
                add(f"neighbours {tag}: dom0 cpu <= 0.75 x stock",
                    f"{fmt(a.get('dom0_cpu_ns_per_pkt'))} vs "
                    f"{fmt(s.get('dom0_cpu_ns_per_pkt'))}",
                    le(a.get("dom0_cpu_ns_per_pkt"), s.get("dom0_cpu_ns_per_pkt"), 0.75))

    a = pols.get("adaptive")
    if a:
        lat = ((1.02, 1.05) if k == "rr" else (None, None) if bulk else (1.05, 1.10))
        for key, lim in zip(("p50_us", "p99_us"), lat):
            if lim and s.get(key) is not None:
                add(f"no harm: {key[:3]} <= {lim} x stock",
                    f"{fmt(a.get(key))} vs {fmt(s[key])}",
                    le(a.get(key), s[key], lim, US_SLACK))
        if bulk:
            add("no harm: throughput >= 0.99 x stock",
                f"{fmt(a.get('throughput_mbps'))} vs {fmt(s.get('throughput_mbps'))}",
                le(0.99 * s["throughput_mbps"] if s.get("throughput_mbps") is not None
                   else None, a.get("throughput_mbps")))
            add("no harm: cpu <= 1.01 x stock", cpu_irq(a, s),
                le(cpu(a), cpu(s), 1.01))
    od = pols.get("ours-default")
    if od and src == "lab":
        add("ours-default: pps >= 0.99 x stock",
            f"{fmt(od.get('pps'))} vs {fmt(s.get('pps'))}",
            le(0.99 * s["pps"] if s.get("pps") is not None else None, od.get("pps")))
        for dom in ("dom0", "guest"):
            key = f"{dom}_cpu_ns_per_pkt"
            add(f"ours-default: {dom} cpu within 3% of stock",
                f"{fmt(od.get(key))} vs {fmt(s.get(key))}",
                within(od.get(key), s.get(key), 0.03))
    return out


def check(rows):
    """(source, workload, goal, numbers, verdict) per goal and workload of
    the sim and lab rows that have a stock row; verdict None: n/a."""
    out = []
    for (src, wl), pols in sorted(rows.items()):
        if src in SOURCES and "stock" in pols:
            out += check_workload(src, wl, pols)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("summary", nargs="?", default="build/bench/summary.csv")
    args = ap.parse_args()
    res = check(load(args.summary))
    if not res:
        print(f"goals: no stock rows with adaptive or ours-default beside them "
              f"(source {' or '.join(SOURCES)}) in {args.summary}")
        return 1
    w = max(len(r[2]) for r in res)
    wl = max(15, max(len(r[1]) for r in res))
    print(f"{'source':6} {'workload':{wl}} {'goal':{w}} {'verdict':7} adaptive vs reference")
    for src, wn, goal, nums, ok in res:
        print(f"{src:6} {wn:{wl}} {goal:{w}} {verdict(ok):7} {nums}")
    n_pass = sum(1 for r in res if r[4] is True)
    n_fail = sum(1 for r in res if r[4] is False)
    print(f"goals: {n_pass} met, {n_fail} not met, "
          f"{len(res) - n_pass - n_fail} not applicable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
