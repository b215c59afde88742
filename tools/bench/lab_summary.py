#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a lab run's results into build/bench/summary.csv rows.

The lab (tools/lab/lab.sh run) writes summary.json with one raw row per
(boot, point, guest). This combines the guests of a point (dom0's CPU
counted once, the guests' CPU and packets summed, the worst guest's p99),
takes the median over boots and prints, per workload and configuration,
the benchmark row with source=lab and policy=the configuration's name
(stock, dim, adaptive, static-*), plus a static-best row chosen like the
simulator's: fewest interrupts per packet among the static settings whose
p50 and p99 stay within 1.05x and 1.10x of stock (bulk: throughput >=
0.99x stock). The spread over boots of CPU per packet is printed.
  lab_summary.py RESULTS_DIR [--append build/bench/summary.csv]
"""
import argparse
import csv
import json
import os
import statistics
import sys
from collections import defaultdict

HEADER = ["source", "workload", "policy", "guest_irq_per_pkt",
          "dom0_irq_per_pkt", "cpu_ns_per_pkt", "p50_us", "p99_us",
          "throughput_mbps", "class", "offered_pps", "pps",
          "guest_cpu_ns_per_pkt", "dom0_cpu_ns_per_pkt", "p999_us", "loss",
          "guests", "budget_us", "timers"]
# workload type (first word of a lab workload spec) -> class
CLASS = {"pingpong": "rr", "ping": "rr", "ppflows": "manyflow",
         "redis": "manyflow", "open": "open", "bulk": "bulk", "udp": "open",
         "underload": "open", "mixed": "mixed"}
NUMERIC = [k for k in HEADER if k not in ("source", "workload", "policy",
                                          "class", "timers", "budget_us")]


def total(rows, k):
    v = [r.get(k) for r in rows]
    return sum(x for x in v if isinstance(x, (int, float)))


def ratio(a, b):
    return a / b if a is not None and b else None


def spec_kv(spec):
    return dict(w.split("=", 1) for w in spec.split()[1:] if "=" in w)


def point_row(allrows):
    """One benchmark row from the guest rows of one point of one boot:
    packets, interrupts and latency of the guests the workload ran on,
    CPU of those and of the guest they sent to (guest to guest)."""
    rows = [r for r in allrows if r.get("role", "sel") == "sel"]
    cpurows = [r for r in allrows if r.get("role", "sel") in ("sel", "peer")]
    r0 = rows[0]
    spec = r0.get("spec", "")
    kv = spec_kv(spec)
    cls = kv.get("class") or CLASS.get(spec.split(" ")[0], "")
    if cls == "open" and kv.get("peer"):
        cls = "g2g"
    pkts = total(rows, "pkts")
    gcpu = total(cpurows, "g_cpu_ns") if all(r.get("g_cpu_ns") for r in cpurows) else None
    dcpu = r0.get("d0_cpu_ns")
    g_irq = total(rows, "g_rx_irq") + total(rows, "g_tx_irq")
    g_pkts = total(rows, "g_rx_pkts") + total(rows, "g_tx_pkts")
    d_irq = total(rows, "d0_txq_irq") + total(rows, "d0_rxq_irq")
    d_pkts = total(rows, "vif_rx_pkts") + total(rows, "vif_tx_pkts")
    t = float(kv.get("t", 0) or 0)
    out = {"class": cls, "guests": len(rows), "timers": r0.get("timers", ""),
           "guest_irq_per_pkt": ratio(g_irq, g_pkts),
           "dom0_irq_per_pkt": ratio(d_irq, d_pkts),
           "guest_cpu_ns_per_pkt": ratio(gcpu, pkts),
           "dom0_cpu_ns_per_pkt": ratio(dcpu, pkts),
           "cpu_ns_per_pkt": ratio((gcpu or 0) + (dcpu or 0), pkts) if gcpu and dcpu else None,
           "throughput_mbps": total(rows, "tput_mbps") or None,
           # how late the levers' timers fired (ethtool -S, our modules)
           "timer_late_ns": max((r["timer_late_ns"] for r in allrows
                                 if r.get("timer_late_ns") is not None), default=None)}
    lat = [r for r in rows if r.get("lat_p50_us") is not None]
    if lat:
        out["p50_us"] = statistics.median(r["lat_p50_us"] for r in lat)
        for k, o in (("lat_p99_us", "p99_us"), ("lat_p999_us", "p999_us")):
            v = [r[k] for r in lat if r.get(k) is not None]
            out[o] = max(v) if v else None
    sent = total(rows, "udp_sent")
    if sent:
        out["loss"] = (sent - total(rows, "udp_recv")) / sent
        out["offered_pps"] = total(rows, "offered_pps")
        out["pps"] = total(rows, "udp_recv") / t if t else None
    else:
        dur = r0.get("cpu_window_s") or r0.get("duration_s")
        out["pps"] = pkts / dur if dur else None
    if total(rows, "ops_per_s"):
        out["ops_per_s"] = total(rows, "ops_per_s")
    return out


def load(results):
    with open(os.path.join(results, "summary.json")) as f:
        raw = json.load(f)["raw"]
    points = defaultdict(list)
    for r in raw:
        points[(r["config"], r["workload"], r["boot"])].append(r)
    per = defaultdict(list)      # (workload, config) -> rows, one per boot
    for (cfg, wl, _), rows in points.items():
        per[(wl, cfg)].append(point_row(rows))
    return per


def median_row(wl, pol, boots):
    out = {"source": "lab", "workload": wl, "policy": pol, "budget_us": ""}
    for k in ("class", "timers"):
        out[k] = boots[0].get(k, "")
    for k in NUMERIC + ["ops_per_s", "timer_late_ns"]:
        v = [b[k] for b in boots if b.get(k) is not None]
        out[k] = statistics.median(v) if v else None
        if k in ("cpu_ns_per_pkt", "dom0_cpu_ns_per_pkt", "guest_cpu_ns_per_pkt") and len(v) > 1 and out[k]:
            out[k + "_spread"] = (max(v) - min(v)) / out[k]
    out["boots"] = len(boots)
    return out


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
    best = dict(min(cands, key=lambda c: (c[0], c[1]))[2])
    best["policy"] = "static-best"
    return best


def fmt(v):
    if v is None:
        return ""
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def show(v, f="{:.0f}"):
    return "-" if v is None else f.format(v)


def table(out):
    print("lab rows (medians over boots; spread = (max-min)/median of CPU per packet)")
    print(f"{'workload':16} {'policy':16} {'class':8} {'n':>2} {'pps':>8} {'d0ns/pkt':>9} "
          f"{'spread':>7} {'gns/pkt':>9} {'spread':>7} {'p50us':>7} {'p99us':>8} {'loss':>7} {'late_us':>7}")
    for r in out:
        print(f"{r['workload']:16} {r['policy']:16} {r['class']:8} {r.get('boots', ''):>2} "
              f"{show(r.get('pps')):>8} {show(r.get('dom0_cpu_ns_per_pkt')):>9} "
              f"{show(r.get('dom0_cpu_ns_per_pkt_spread'), '{:.1%}'):>7} "
              f"{show(r.get('guest_cpu_ns_per_pkt')):>9} "
              f"{show(r.get('guest_cpu_ns_per_pkt_spread'), '{:.1%}'):>7} "
              f"{show(r.get('p50_us'), '{:.1f}'):>7} {show(r.get('p99_us'), '{:.1f}'):>8} "
              f"{show(r.get('loss'), '{:.4f}'):>7} "
              f"{show(r['timer_late_ns'] / 1000 if r.get('timer_late_ns') is not None else None, '{:.0f}'):>7}")


def spread_line(out):
    """Boot-to-boot spread of CPU per packet over all rows with >1 boot."""
    for k, who in (("dom0_cpu_ns_per_pkt_spread", "dom0"), ("guest_cpu_ns_per_pkt_spread", "guest")):
        v = sorted(r[k] for r in out if r.get(k) is not None)
        if v:
            print(f"spread of {who} CPU per packet over boots: median {statistics.median(v):.1%}, "
                  f"max {v[-1]:.1%} ({len(v)} rows; goal <= 2%)")
        else:
            print(f"spread of {who} CPU per packet over boots: one boot per row, not measured")


def capacity_lines(out):
    """Per policy and guest count of the density rows: the highest aggregate
    offered rate carried without loss, and the lowest that lost packets."""
    by = defaultdict(list)
    for r in out:
        if r.get("class") == "density" and r.get("offered_pps") and r.get("loss") is not None:
            by[(r["policy"], r.get("guests"))].append(r)
    for (pol, n), rows in sorted(by.items(), key=lambda kv: (str(kv[0][0]), kv[0][1] or 0)):
        ok = [r["offered_pps"] for r in rows if r["loss"] == 0]
        lost = [r["offered_pps"] for r in rows if r["loss"] > 0]
        print(f"guests per dom0 core: {pol:16} {n} guests: carried {show(max(ok) if ok else None)}/s "
              f"without loss, lost packets from {show(min(lost) if lost else None)}/s "
              f"({len(rows)} rates)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--append", help="append the rows to this CSV")
    args = ap.parse_args()
    by_wl = defaultdict(dict)
    for (wl, cfg), boots in load(args.results).items():
        if wl == "user":
            continue
        by_wl[wl][cfg] = median_row(wl, cfg, boots)
    out = []
    for wl in sorted(by_wl):
        rows = by_wl[wl]
        out += [rows[p] for p in sorted(rows)]
        b = best_static(rows)
        if b:
            out.append(b)
    if not out:
        print(f"lab_summary: no rows in {args.results}/summary.json", file=sys.stderr)
        return 1
    table(out)
    spread_line(out)
    capacity_lines(out)
    f = open(args.append, "a", newline="") if args.append else sys.stdout
    new = args.append and (not os.path.exists(args.append) or
                           os.path.getsize(args.append) == 0)
    w = csv.writer(f)
    if new or not args.append:
        w.writerow(HEADER)
    for r in out:
        w.writerow([fmt(r.get(k)) for k in HEADER])
    if args.append:
        f.close()
        print(f"lab_summary: {len(out)} rows appended to {args.append}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
