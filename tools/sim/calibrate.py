#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fit the simulator's CPU costs to lab measurements.

Input: a CSV with a header line and the columns
    domain,cpu_ns,packets,irqs
one row per (configuration, domain) measured in the lab: domain is
"dom0" or "guest" (any name works; rows are grouped by it), cpu_ns the CPU
time the domain spent during the run (from /proc/stat), packets the frames
through the PV rings in that run, irqs the event-channel interrupts the
domain took. Other columns are ignored.

For each domain it fits, by least squares over the configurations,
    cpu_ns = cost_per_pkt * packets + cost_per_irq * irqs
(no intercept: idle time is not in cpu_ns) and prints the two costs, the
fit's residual, and the xcc-sim parameters to start from.

    calibrate.py results.csv
"""
import csv
import math
import sys


def fit(rows):
    # normal equations of the 2-parameter model without intercept
    spp = sum(p * p for p, i, c in rows)
    sii = sum(i * i for p, i, c in rows)
    spi = sum(p * i for p, i, c in rows)
    spc = sum(p * c for p, i, c in rows)
    sic = sum(i * c for p, i, c in rows)
    det = spp * sii - spi * spi
    if abs(det) < 1e-9 * max(spp * sii, 1.0):
        # packets and irqs proportional: only one cost can be told apart
        a = spc / spp if spp else 0.0
        return a, 0.0, True
    a = (spc * sii - sic * spi) / det
    b = (sic * spp - spc * spi) / det
    return a, b, False


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    by = {}
    with open(argv[1], newline="") as fp:
        for n, r in enumerate(csv.DictReader(fp), 2):
            try:
                row = (float(r["packets"]), float(r["irqs"]), float(r["cpu_ns"]))
            except (KeyError, TypeError, ValueError):
                print(f"{argv[1]}:{n}: need numeric domain,cpu_ns,packets,irqs",
                      file=sys.stderr)
                return 1
            by.setdefault(r["domain"].strip(), []).append(row)
    if not by:
        print(f"{argv[1]}: no rows", file=sys.stderr)
        return 1
    print(f"{'domain':8} {'configs':>7} {'ns/pkt':>9} {'ns/irq':>9} {'rms err':>9}")
    hints = []
    for dom, rows in sorted(by.items()):
        a, b, degenerate = fit(rows)
        rms = math.sqrt(sum((c - a * p - b * i) ** 2 for p, i, c in rows) / len(rows))
        mean = sum(c for _, _, c in rows) / len(rows)
        print(f"{dom:8} {len(rows):>7} {a:9.1f} {b:9.1f} {rms:9.3g}"
              f"  ({100 * rms / mean if mean else 0:.1f}% of mean cpu)"
              + ("  packets and irqs are collinear: irq cost not identifiable"
                 if degenerate else ""))
        if len(rows) < 3:
            print(f"   warning: {dom}: fewer than 3 configurations", file=sys.stderr)
        pre = "d0" if dom.startswith("dom0") else "g"
        hints.append(f"{pre}_irq_ns={b:.0f}")
        hints.append(f"# {dom}: per-packet costs ({pre}_*_pkt_ns, per byte, napi, app) "
                     f"should add up to ~{a:.0f} ns per packet")
    print("\nxcc-sim starting point:")
    for h in hints:
        print("  " + h)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
