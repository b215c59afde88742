#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a lab run's summary.csv into build/bench/summary.csv rows.

The lab (tools/lab/lab.sh run) writes one row per (config, workload,
guest, metric) with the median over boots. This prints, per workload and
configuration, the benchmark row
  source,workload,policy,guest_irq_per_pkt,dom0_irq_per_pkt,
  cpu_ns_per_pkt,p50_us,p99_us,throughput_mbps
with source=lab and policy=the configuration's name (stock, dim,
adaptive, static-*), plus a static-best row chosen like the simulator's:
fewest interrupts per packet among the static settings whose p50 and p99
stay within 1.05x and 1.10x of stock (bulk: throughput >= 0.99x stock).
  lab_summary.py RESULTS_DIR [--append build/bench/summary.csv]
"""
import argparse
import csv
import os
import sys
from collections import defaultdict

HEADER = ["source", "workload", "policy", "guest_irq_per_pkt",
          "dom0_irq_per_pkt", "cpu_ns_per_pkt", "p50_us", "p99_us",
          "throughput_mbps"]


def load(results):
    m = defaultdict(dict)
    with open(os.path.join(results, "summary.csv"), newline="") as f:
        for r in csv.DictReader(f):
            try:
                m[(r["workload"], r["config"])][r["metric"]] = float(r["median"])
            except ValueError:
                pass
    return m


def ratio(a, b):
    return a / b if a is not None and b else None


def row(wl, pol, v):
    g = (v.get("g_rx_irq", 0) + v.get("g_tx_irq", 0))
    gp = (v.get("g_rx_pkts", 0) + v.get("g_tx_pkts", 0))
    d = (v.get("d0_txq_irq", 0) + v.get("d0_rxq_irq", 0))
    dp = (v.get("vif_rx_pkts", 0) + v.get("vif_tx_pkts", 0))
    cpu = v.get("d0_cpu_s", 0) + v.get("g_cpu_s", 0)
    return {"source": "lab", "workload": wl, "policy": pol,
            "guest_irq_per_pkt": ratio(g, gp), "dom0_irq_per_pkt": ratio(d, dp),
            "cpu_ns_per_pkt": ratio(cpu * 1e9, gp),
            "p50_us": v.get("lat_p50_us"), "p99_us": v.get("lat_p99_us"),
            "throughput_mbps": v.get("tput_mbps")}


def best_static(rows):
    stock = rows.get("stock")
    if not stock:
        return None
    cands = []
    for pol, r in rows.items():
        if not pol.startswith("static-"):
            continue
        if stock["p50_us"] is not None and r["p50_us"] is not None:
            if r["p50_us"] > 1.05 * stock["p50_us"] or \
               r["p99_us"] > 1.10 * stock["p99_us"]:
                continue
        elif stock["throughput_mbps"] and r["throughput_mbps"] is not None:
            if r["throughput_mbps"] < 0.99 * stock["throughput_mbps"]:
                continue
        irq = (r["guest_irq_per_pkt"] or 0) + (r["dom0_irq_per_pkt"] or 0)
        cands.append((irq, pol, r))
    if not cands:
        return None
    best = dict(min(cands)[2])
    best["policy"] = "static-best"
    return best


def fmt(v):
    if v is None:
        return ""
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--append", help="append the rows to this CSV")
    args = ap.parse_args()
    m = load(args.results)
    by_wl = defaultdict(dict)
    for (wl, cfg), v in m.items():
        if wl == "user":
            continue
        by_wl[wl][cfg] = row(wl, cfg, v)
    out = []
    for wl in sorted(by_wl):
        rows = by_wl[wl]
        out += [rows[p] for p in sorted(rows)]
        b = best_static(rows)
        if b:
            out.append(b)
    if not out:
        print(f"lab_summary: no rows in {args.results}/summary.csv", file=sys.stderr)
        return 1
    f = open(args.append, "a", newline="") if args.append else sys.stdout
    new = args.append and (not os.path.exists(args.append) or
                           os.path.getsize(args.append) == 0)
    w = csv.writer(f)
    if new or not args.append:
        w.writerow(HEADER)
    for r in out:
        w.writerow([fmt(r[k]) for k in HEADER])
    if args.append:
        f.close()
        print(f"lab_summary: {len(out)} rows appended to {args.append}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
