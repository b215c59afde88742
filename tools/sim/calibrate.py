#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fit the simulator's CPU costs to lab measurements.

    calibrate.py results.csv          # domain,cpu_ns,packets,irqs[,bytes]
    calibrate.py --lab points.csv...  # the lab's own points.csv files

The first form takes one row per (configuration, domain) measured in the
lab: domain is "dom0" or "guest" (rows are grouped by it), cpu_ns the CPU
time the domain spent during the run, packets the frames through the PV
rings, irqs the event-channel interrupts the domain took and, optionally,
bytes moved. The second form builds those rows from lab runs
(tools/lab/lab.sh run ... writes points.csv): per point a dom0 row (busy
time from /proc/stat, vif packets, vif interrupts) and a guest row (the
same from the guest), bytes from the guest's byte counters.

For each domain it fits, by least squares over the rows,
    cpu_ns = ns_per_pkt * packets + ns_per_irq * irqs [+ ps_per_byte * bytes / 1000]
(no intercept: idle time is not in cpu_ns) and prints the costs, the
fit's residual and the xcc-sim parameters to start from.
"""
import csv
import math
import sys


def solve(a, b):
    """Solve a x = b (small, dense) by Gaussian elimination; None if singular."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        if abs(m[p][c]) < 1e-12 * max(1.0, max(abs(v) for v in m[p][:n])):
            return None
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(rows, k):
    """Least squares without intercept over the first k regressors."""
    xs = [r[:k] for r in rows]
    ys = [r[-1] for r in rows]
    # scale the columns, or bytes (1e9) swamp packets (1e4)
    sc = [max(abs(x[j]) for x in xs) or 1.0 for j in range(k)]
    xs = [[x[j] / sc[j] for j in range(k)] for x in xs]
    ata = [[sum(x[i] * x[j] for x in xs) for j in range(k)] for i in range(k)]
    aty = [sum(x[i] * y for x, y in zip(xs, ys)) for i in range(k)]
    sol = solve(ata, aty)
    if sol is None:
        return None
    return [s / sc[j] for j, s in enumerate(sol)]


def f(r, k):
    return float(r[k]) if r.get(k) not in (None, "") else 0.0


def lab_rows(paths):
    by = {}
    for path in paths:
        with open(path, newline="") as fp:
            for r in csv.DictReader(fp):
                if r.get("rc", "0") != "0":
                    continue
                byts = f(r, "g_mbytes") * 1e6
                dur = f(r, "duration_s") * 1e9
                by.setdefault("dom0", []).append(
                    (f(r, "vif_tx_pkts") + f(r, "vif_rx_pkts"),
                     f(r, "d0_txq_irq") + f(r, "d0_rxq_irq"), byts, dur,
                     f(r, "d0_stat_busy_s") * 1e9))
                by.setdefault("guest", []).append(
                    (f(r, "g_rx_pkts") + f(r, "g_tx_pkts"),
                     f(r, "g_rx_irq") + f(r, "g_tx_irq"), byts, dur,
                     f(r, "g_stat_busy_s") * 1e9))
    return by


def csv_rows(path):
    by = {}
    with open(path, newline="") as fp:
        for n, r in enumerate(csv.DictReader(fp), 2):
            try:
                row = (float(r["packets"]), float(r["irqs"]),
                       float(r.get("bytes") or 0), float(r.get("duration_ns") or 0),
                       float(r["cpu_ns"]))
            except (KeyError, TypeError, ValueError):
                raise SystemExit(f"{path}:{n}: need numeric domain,cpu_ns,packets,irqs"
                                 "[,bytes][,duration_ns]")
            by.setdefault(r["domain"].strip(), []).append(row)
    return by


NAMES = ["ns/pkt", "ns/irq", "ps/byte", "busy/s"]
SCALE = [1.0, 1.0, 1000.0, 1.0]     # ps per byte; busy share as a fraction


def main(argv):
    if len(argv) < 2 or (argv[1] == "--lab" and len(argv) < 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    by = lab_rows(argv[2:]) if argv[1] == "--lab" else csv_rows(argv[1])
    if not by:
        print("no rows", file=sys.stderr)
        return 1
    print(f"{'domain':8} {'rows':>5} " + " ".join(f"{n:>9}" for n in NAMES) + f" {'rms err':>9}")
    hints = []
    for dom, rows in sorted(by.items()):
        cols = [j for j in range(4) if any(r[j] for r in rows)]
        sol = None
        while cols and sol is None:
            sol = fit([[r[j] for j in cols] + [r[4]] for r in rows], len(cols)) \
                if len(rows) > len(cols) else None
            if sol is None:
                cols = cols[:-1]
        if sol is None or cols[:2] != [0, 1]:
            print(f"{dom:8} {len(rows):>5}  packets and irqs collinear or too few rows: "
                  "vary the interrupts per packet (stock vs static settings)")
            continue
        cost = [0.0] * 4
        for j, v in zip(cols, sol):
            cost[j] = v
        rms = math.sqrt(sum((r[4] - sum(cost[j] * r[j] for j in range(4))) ** 2
                            for r in rows) / len(rows))
        mean = sum(r[4] for r in rows) / len(rows)
        print(f"{dom:8} {len(rows):>5} "
              + " ".join(f"{cost[j] * SCALE[j]:9.3g}" if j in cols else f"{'-':>9}"
                         for j in range(4))
              + f" {rms:9.3g}  ({100 * rms / mean if mean else 0:.1f}% of mean cpu)")
        pre = "d0" if dom.startswith("dom0") else "g"
        hints.append(f"{pre}_irq_ns={cost[1]:.0f}")
        hints.append(f"# {dom}: per-packet costs ({pre}_*_pkt_ns, napi, app) "
                     f"should add up to ~{cost[0]:.0f} ns per packet"
                     + (f", per-byte terms to ~{1000 * cost[2]:.0f} ps per byte"
                        if 2 in cols else ""))
    print("\nxcc-sim starting point:")
    for h in hints:
        print("  " + h)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
