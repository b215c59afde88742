#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fit the simulator's CPU costs to lab measurements.

    calibrate.py --summary build/bench/summary.csv [--source lab] [--class rr,open]
    calibrate.py results.csv          # domain,cpu_ns,packets,irqs[,bytes][,duration_ns]
    calibrate.py --lab points.csv...  # the lab's own points.csv files

--summary takes the rows of build/bench/summary.csv whose source is
--source (default lab; --class keeps only those classes): each row gives
both domains' CPU per packet (guest_cpu_ns_per_pkt, dom0_cpu_ns_per_pkt),
their interrupts per packet, the packet rate (pps) and the payload rate
(throughput_mbps, from which bytes per packet). Per domain it fits, by
least squares over the rows,
    cpu_ns_per_pkt = ns_per_pkt + ns_per_irq * irq_per_pkt
                     + ps_per_byte * bytes_per_pkt / 1000 + busy_ns_per_s / pps
(busy_ns_per_s: CPU the domain spends per second whatever the traffic).

The second form takes one row per (configuration, domain) measured in the
lab: domain is "dom0" or "guest" (rows are grouped by it), cpu_ns the CPU
time the domain spent during the run, packets the frames through the PV
rings, irqs the event-channel interrupts the domain took and, optionally,
bytes moved and the run's duration. The third form builds those rows from
lab runs (tools/lab/lab.sh run ... writes points.csv). Both fit the same
costs on totals:
    cpu_ns = ns_per_pkt * packets + ns_per_irq * irqs
             + ps_per_byte * bytes / 1000 + busy_ns_per_s * duration_s

Every form prints, per domain, each cost with its standard error, the
residual of every row, the costs it could not fit and why (no row has
that quantity, too few rows, collinear with others, negative) and the
xcc-sim parameters to start from.
"""
import argparse
import csv
import math
import sys

# the costs, in fitting priority (the last is dropped first)
NAMES = ["ns_per_pkt", "ns_per_irq", "ps_per_byte", "busy_ns_per_s"]
R2_COLLINEAR = 1 - 1e-7     # a column this well explained by the others


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


def lstsq(xs, ys):
    """Least squares without intercept: (coefficients, inverse of X'X) or
    None when X'X is singular. Columns are scaled to unit norm first, or
    bytes (1e9) swamp packets (1e4)."""
    k = len(xs[0])
    sc = [math.sqrt(sum(x[j] ** 2 for x in xs)) or 1.0 for j in range(k)]
    zs = [[x[j] / sc[j] for j in range(k)] for x in xs]
    ata = [[sum(z[i] * z[j] for z in zs) for j in range(k)] for i in range(k)]
    aty = [sum(z[i] * y for z, y in zip(zs, ys)) for i in range(k)]
    sol = solve(ata, aty)
    if sol is None:
        return None
    inv = []
    for i in range(k):
        col = solve(ata, [1.0 if r == i else 0.0 for r in range(k)])
        inv.append(col)
    coef = [s / sc[j] for j, s in enumerate(sol)]
    inv = [[inv[j][i] / (sc[i] * sc[j]) for j in range(k)] for i in range(k)]
    return coef, inv


def r2_on_others(xs, j, others):
    """How well column j is explained by the columns others (1: exactly)."""
    if not others:
        return 0.0
    res = lstsq([[x[o] for o in others] for x in xs], [x[j] for x in xs])
    if res is None:
        return 1.0
    coef = res[0]
    ss = sum(x[j] ** 2 for x in xs)
    rss = sum((x[j] - sum(c * x[o] for c, o in zip(coef, others))) ** 2 for x in xs)
    return 1 - rss / ss if ss else 1.0


def fit_domain(xs, ys):
    """Fit ys ~ xs over the columns that can be fitted. Returns (cols,
    coef, stderr, why) where why maps every column left out to a reason."""
    k = len(NAMES)
    why = {}
    cols = []
    for j in range(k):
        if any(x[j] for x in xs):
            cols.append(j)
        else:
            why[j] = "no row has any (all zero)"
    while True:
        while cols and len(xs) <= len(cols):
            j = cols.pop()
            why[j] = (f"too few rows ({len(xs)} rows for {len(cols) + 1} costs; "
                      "a fit needs more rows than costs)")
        if not cols:
            return [], [], [], why
        drop = None
        for j in reversed(cols):
            others = [o for o in cols if o != j]
            if r2_on_others(xs, j, others) >= R2_COLLINEAR:
                drop = j
                why[j] = ("collinear with " + ", ".join(NAMES[o] for o in others)
                          + ": vary it independently (interrupts per packet: "
                          "stock vs static settings; bytes: small vs large packets)")
                break
        if drop is not None:
            cols.remove(drop)
            continue
        res = lstsq([[x[j] for j in cols] for x in xs], ys)
        if res is None:
            j = cols.pop()
            why[j] = "singular fit"
            continue
        coef, inv = res
        n, m = len(xs), len(cols)
        rss = sum((y - sum(c * x[j] for c, j in zip(coef, cols))) ** 2
                  for x, y in zip(xs, ys))
        s2 = rss / (n - m)
        se = [math.sqrt(max(inv[i][i] * s2, 0.0)) for i in range(m)]
        neg = [(coef[i] / (se[i] or 1e-300), i) for i in range(m) if coef[i] < 0]
        if neg:
            _, i = min(neg)
            why[cols[i]] = (f"negative ({coef[i]:.4g} +- {se[i]:.2g}): the rows "
                            "do not support it; left out, the others refitted")
            del cols[i]
            continue
        return cols, coef, se, why


def report(dom, rows, unit):
    """rows: (label, [regressors per NAMES], measured)."""
    xs = [r[1] for r in rows]
    ys = [r[2] for r in rows]
    cols, coef, se, why = fit_domain(xs, ys)
    print(f"\n== {dom}: {len(rows)} rows, {unit} ==")
    cost = {}
    for j, name in enumerate(NAMES):
        if j in cols:
            i = cols.index(j)
            cost[name] = coef[i]
            rel = f"{100 * se[i] / coef[i]:.1f}%" if coef[i] else "-"
            print(f"  {name:14} {coef[i]:12.4g} +- {se[i]:.3g}"
                  f"  ({rel})")
        else:
            print(f"  {name:14} {'not fitted':>12}: {why[j]}")
    if not cols:
        print("  nothing could be fitted")
        return None
    fitted = [sum(cost.get(NAMES[j], 0.0) * x[j] for j in range(len(NAMES)))
              for x in xs]
    res = [y - f for y, f in zip(ys, fitted)]
    rms = math.sqrt(sum(r * r for r in res) / len(res))
    mean = sum(ys) / len(ys)
    print(f"  rms residual {rms:.4g} ({100 * rms / mean if mean else 0:.2f}% of the mean "
          f"{mean:.4g})")
    w = max(len(r[0]) for r in rows)
    print(f"  {'row':{w}} {'measured':>11} {'fitted':>11} {'residual':>11} {'%':>7}")
    for (label, _, y), f, r in zip(rows, fitted, res):
        print(f"  {label:{w}} {y:11.4g} {f:11.4g} {r:11.4g} "
              f"{100 * r / y if y else 0:7.2f}")
    return cost


def num(r, k):
    v = r.get(k)
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def summary_rows(path, source, classes):
    """Per domain: (label, [1, irq/pkt, bytes/pkt/1000, 1/pps], cpu ns/pkt)."""
    by, skipped = {}, 0
    with open(path, newline="") as fp:
        for r in csv.DictReader(fp):
            if r.get("source") != source:
                continue
            if classes and r.get("class") not in classes:
                continue
            pps, mbps = num(r, "pps"), num(r, "throughput_mbps")
            if not pps:
                skipped += 1
                continue
            bpp = (mbps or 0.0) * 1e6 / 8 / pps
            label = f"{r['workload']}/{r['policy']}"
            for dom, cpu, irq in (("dom0", "dom0_cpu_ns_per_pkt", "dom0_irq_per_pkt"),
                                  ("guest", "guest_cpu_ns_per_pkt", "guest_irq_per_pkt")):
                y, i = num(r, cpu), num(r, irq)
                if y is None or i is None:
                    skipped += 1
                    continue
                by.setdefault(dom, []).append(
                    (label, [1.0, i, bpp / 1000, 1 / pps], y))
    if skipped:
        print(f"({skipped} row/domain pairs without pps, CPU or interrupts per packet: skipped)")
    return by


def lab_rows(paths):
    by = {}
    for path in paths:
        with open(path, newline="") as fp:
            for n, r in enumerate(csv.DictReader(fp), 2):
                if r.get("rc", "0") != "0":
                    continue
                g = lambda k: num(r, k) or 0.0
                byts = g("g_mbytes") * 1e6
                dur = g("duration_s")
                label = f"{path}:{n}"
                by.setdefault("dom0", []).append(
                    (label, [g("vif_tx_pkts") + g("vif_rx_pkts"),
                             g("d0_txq_irq") + g("d0_rxq_irq"), byts / 1000, dur],
                     g("d0_stat_busy_s") * 1e9))
                by.setdefault("guest", []).append(
                    (label, [g("g_rx_pkts") + g("g_tx_pkts"),
                             g("g_rx_irq") + g("g_tx_irq"), byts / 1000, dur],
                     g("g_stat_busy_s") * 1e9))
    return by


def csv_rows(path):
    by = {}
    with open(path, newline="") as fp:
        for n, r in enumerate(csv.DictReader(fp), 2):
            try:
                row = [float(r["packets"]), float(r["irqs"]),
                       float(r.get("bytes") or 0) / 1000,
                       float(r.get("duration_ns") or 0) / 1e9]
                y = float(r["cpu_ns"])
            except (KeyError, TypeError, ValueError):
                raise SystemExit(f"{path}:{n}: need numeric domain,cpu_ns,packets,irqs"
                                 "[,bytes][,duration_ns]")
            by.setdefault(r["domain"].strip(), []).append((f"{path}:{n}", row, y))
    return by


def hints(costs):
    out = []
    for dom, c in sorted(costs.items()):
        if not c:
            continue
        pre = "d0" if dom.startswith("dom0") else "g"
        if "ns_per_irq" in c:
            out.append(f"{pre}_irq_ns={c['ns_per_irq']:.0f}")
        if "ns_per_pkt" in c:
            out.append(f"# {dom}: per-packet costs ({pre}_*_pkt_ns, napi, app, "
                       f"hypercalls, wake-ups per packet) should add up to "
                       f"~{c['ns_per_pkt']:.0f} ns per packet")
        if "ps_per_byte" in c:
            out.append(f"# {dom}: per-byte terms ({pre}_*_byte_ps) to "
                       f"~{c['ps_per_byte']:.0f} ps per byte")
        if "busy_ns_per_s" in c:
            out.append(f"# {dom}: {c['busy_ns_per_s'] / 1e7:.2f}% of a CPU busy "
                       "whatever the traffic (the model has no such load)")
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("--summary", help="build/bench/summary.csv-style rows")
    ap.add_argument("--source", default="lab", help="--summary: rows of this source")
    ap.add_argument("--class", dest="classes",
                    help="--summary: only these classes (comma-separated)")
    ap.add_argument("--lab", nargs="+", metavar="POINTS_CSV")
    ap.add_argument("rows", nargs="?", help="domain,cpu_ns,packets,irqs[,bytes][,duration_ns]")
    a = ap.parse_args(argv[1:])
    if a.summary:
        by = summary_rows(a.summary, a.source,
                          set(a.classes.split(",")) if a.classes else None)
        unit = "CPU ns per packet"
    elif a.lab or a.rows:
        by = lab_rows(a.lab) if a.lab else csv_rows(a.rows)
        unit = "CPU ns per run"
    else:
        ap.print_help(sys.stderr)
        return 2
    if not by:
        print("no rows", file=sys.stderr)
        return 1
    print("costs: ns_per_pkt, ns_per_irq (ns), ps_per_byte (ps), busy_ns_per_s "
          "(ns of CPU per second); +- one standard error")
    costs = {}
    for dom, rows in sorted(by.items()):
        costs[dom] = report(dom, rows, unit)
    print("\nxcc-sim starting point:")
    for h in hints(costs):
        print("  " + h)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
