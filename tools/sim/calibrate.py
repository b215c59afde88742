#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fit the simulator's CPU costs to lab measurements.

    calibrate.py --lab points.csv... [--class open,rr] [--split] [--variant NAME]
                 [--write-params tools/sim/lab-costs.conf]
    calibrate.py --summary build/bench/summary.csv [--source lab] [--class rr,open]
    calibrate.py results.csv          # domain,cpu_ns,packets,irqs[,bytes][,duration_ns]

--lab takes the lab's own per-point rows (tools/lab/lab.sh run ... writes
points.csv; tools/lab/lib/report.py RESULTS_DIR writes it again from the
points' snapshots, with the columns this needs). Per domain it fits, by
least squares on the totals of each point's CPU window,
    cpu_ns = ns_per_rx_pkt * rx_pkts + ns_per_tx_pkt * tx_pkts
             + ns_per_irq * irqs + ns_per_timer * timer_irqs
             + ps_per_byte * bytes / 1000 + busy_ns_per_s * window_s
             + ns_per_window:KIND
cpu_ns is the domain's CPU time from the hypervisor over the window
(d0_cpu_ns, g_cpu_ns: ncl-cputime; rows without it are left out, files
without it fall back on /proc/stat's 10 ms ticks over the snapshots).
rx and tx are the guest's directions, as in xcc-sim's d0_rx_pkt_ns and
g_rx_pkt_ns: rx_pkts the packets dom0 sent the guest (the vif's
tx_packets: netback's guest-RX path; the guest's eth0 rx_packets), tx_pkts
those the guest sent (netback's TX path, netfront's TX). irqs are the
event-channel interrupts of the vif (dom0: d0_txq_irq + d0_rxq_irq; the
guest: g_rx_irq + g_tx_irq); timer_irqs the domain's timer interrupts
(d0_timer_irq, g_timer_irq: Xen's timer VIRQ, irq/timerN, every hrtimer
expiry: the coalescing timers of the static settings and the senders'
pacing alike); bytes both ways (the vif's). What the lab runs at the
window's edges differs with the workload (the sender's start and stop in
dom0 or the guest's over xenstore, redis-server's start), so the fixed
cost is one per workload kind: open_rx, open_tx, pingpong, redis ...
(the spec's type, its dir=, ppflows' flows=, _g2g with a peer=). A point
with several guests gives one dom0 row (their packets and interrupts
summed) and one row per guest.

It fits these variants of the model and keeps, per domain, the one with
the lowest BIC (n ln(RSS/n) + k ln n over n rows and k costs) among those
the rows fit without a negative cost (every cost is CPU time: a negative
one says the model is wrong for these rows), else the lowest BIC; every
variant's line is printed, then the kept one in full. --variant NAME
keeps that one instead.
    one     ns_per_pkt (both ways alike), ns_per_irq, ps_per_byte,
            busy_ns_per_s: the model before
    dir     ns_per_rx_pkt, ns_per_tx_pkt instead of ns_per_pkt
    timer   dir + ns_per_timer
    window  timer + ns_per_window, one for every window
    kind    timer + ns_per_window:KIND, without busy_ns_per_s: when every
            window of a kind lasts as long (the bench: 1 s streams), the
            CPU per second is part of the kind's fixed cost
    kind+s  kind + busy_ns_per_s (windows of a kind of several lengths)
    kind1   kind with ns_per_pkt (rows with as many packets each way)
--write-params FILE writes the kept fit of all the rows as xcc-sim
parameters (xcc-sim params=FILE; lab_params() says how each cost maps,
README.md "The lab's costs as a preset"), with a header naming the
command, the input and the fit's residuals.
--class keeps the rows of those classes (open, rr, manyflow, bulk, g2g,
mixed, as tools/bench/lab_summary.py names them); --split also fits the
streams and the request/response rows (rr, manyflow) apart.

--summary takes the rows of build/bench/summary.csv whose source is
--source (default lab; --class keeps only those classes): each row gives
both domains' CPU per packet (guest_cpu_ns_per_pkt, dom0_cpu_ns_per_pkt),
their interrupts per packet, the packet rate (pps) and the payload rate
(throughput_mbps, from which bytes per packet). Per domain it fits
    cpu_ns_per_pkt = ns_per_pkt + ns_per_irq * irq_per_pkt
                     + ps_per_byte * bytes_per_pkt / 1000 + busy_ns_per_s / pps
(busy_ns_per_s: CPU the domain spends per second whatever the traffic).
The summary has no packets per direction, no timer interrupts and no
window length or kind, so this form cannot have the costs --lab adds, and
on the lab's rows it does not hold (~26% and ~40% rms): fit --lab on the
points.csv files instead.

The third form takes one row per (configuration, domain) measured in the
lab: domain is "dom0" or "guest" (rows are grouped by it), cpu_ns the CPU
time the domain spent during the run, packets the frames through the PV
rings, irqs the event-channel interrupts the domain took and, optionally,
bytes moved and the run's duration. It fits
    cpu_ns = ns_per_pkt * packets + ns_per_irq * irqs
             + ps_per_byte * bytes / 1000 + busy_ns_per_s * duration_s

Every form prints, per domain, each cost with its standard error, the
residual of every row (and --lab its rms per class and kind), the costs
it could not fit and why (no row has that quantity; too few rows;
collinear with others; negative; smaller than its standard error, so the
rows cannot tell it from 0: each left out and the rest refitted) and the
xcc-sim parameters to start from.
"""
import argparse
import csv
import hashlib
import math
import os
import re
import shlex
import sys
import textwrap

# the costs of --summary and of the rows.csv form, in fitting priority
# (the last is dropped first)
NAMES = ["ns_per_pkt", "ns_per_irq", "ps_per_byte", "busy_ns_per_s"]
R2_COLLINEAR = 1 - 1e-7     # a column this well explained by the others
T_MIN = 1.0                 # a cost within this many errors of 0 is not fitted

# --lab: what multiplies each cost, from a row's quantities
LAB_TERMS = {
    "ns_per_pkt": lambda q: q["rx"] + q["tx"],
    "ns_per_rx_pkt": lambda q: q["rx"],
    "ns_per_tx_pkt": lambda q: q["tx"],
    "ns_per_irq": lambda q: q["irq"],
    "ns_per_timer": lambda q: q["timer"],
    "ps_per_byte": lambda q: q["bytes"] / 1000,
    "busy_ns_per_s": lambda q: q["dur"],
    "ns_per_window": lambda q: 1.0,
}
# name, what it is, its costs ("ns_per_window:" one per workload kind)
VARIANTS = [
    ("one", "one cost per packet (the model before)",
     ["ns_per_pkt", "ns_per_irq", "ps_per_byte", "busy_ns_per_s"]),
    ("dir", "a cost per packet each way",
     ["ns_per_rx_pkt", "ns_per_tx_pkt", "ns_per_irq", "ps_per_byte", "busy_ns_per_s"]),
    ("timer", "each way, timer interrupts",
     ["ns_per_rx_pkt", "ns_per_tx_pkt", "ns_per_irq", "ns_per_timer",
      "ps_per_byte", "busy_ns_per_s"]),
    ("window", "each way, timers, a fixed cost per window",
     ["ns_per_rx_pkt", "ns_per_tx_pkt", "ns_per_irq", "ns_per_timer",
      "ps_per_byte", "busy_ns_per_s", "ns_per_window"]),
    ("kind", "each way, timers, a fixed cost per window and workload kind",
     ["ns_per_rx_pkt", "ns_per_tx_pkt", "ns_per_irq", "ns_per_timer",
      "ps_per_byte", "ns_per_window:"]),
    ("kind+s", "kind, and a cost per second of window",
     ["ns_per_rx_pkt", "ns_per_tx_pkt", "ns_per_irq", "ns_per_timer",
      "ps_per_byte", "busy_ns_per_s", "ns_per_window:"]),
    ("kind1", "kind with one cost per packet (for rows as many each way)",
     ["ns_per_pkt", "ns_per_irq", "ns_per_timer", "ps_per_byte", "ns_per_window:"]),
]
# workload type (a lab spec's first word) -> class, as tools/bench/lab_summary.py
CLASS = {"pingpong": "rr", "ping": "rr", "ppflows": "manyflow",
         "redis": "manyflow", "open": "open", "bulk": "bulk", "udp": "open",
         "underload": "open", "mixed": "mixed"}
REQRESP = {"rr", "manyflow"}
STREAMS = {"open", "bulk", "udp"}   # types with a direction (dir=rx|tx)


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
    """How well column j is explained by the columns others (1: exactly).
    The others are made orthonormal first (Gram-Schmidt), those the rest
    explain left out: two of them collinear with each other do not make
    every column look collinear."""
    basis = []
    for o in others:
        v = [x[o] for x in xs]
        n0 = math.sqrt(sum(a * a for a in v))
        if not n0:
            continue
        v = [a / n0 for a in v]
        for _ in range(2):      # twice: the rounding of the first pass
            for b in basis:
                d = sum(a * c for a, c in zip(v, b))
                v = [a - d * c for a, c in zip(v, b)]
        n1 = math.sqrt(sum(a * a for a in v))
        if n1 > 1e-9:
            basis.append([a / n1 for a in v])
    y = [x[j] for x in xs]
    ss = sum(a * a for a in y)
    if not ss:
        return 1.0
    proj = sum(sum(a * c for a, c in zip(y, b)) ** 2 for b in basis)
    return min(proj / ss, 1.0)


def fit_domain(xs, ys, names=None):
    """Fit ys ~ xs over the columns that can be fitted. Returns (cols,
    coef, stderr, why) where why maps every column left out to a reason.
    names: the columns' names (NAMES by default), for the reasons."""
    names = names or NAMES
    k = len(xs[0]) if xs else len(names)
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
                why[j] = ("collinear with " + ", ".join(names[o] for o in others)
                          + ": vary it independently (interrupts per packet: "
                          "stock vs static settings; bytes: small vs large packets; "
                          "packets each way: streams both ways)")
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
        weak = [(coef[i] / se[i], i) for i in range(m) if se[i] > coef[i] / T_MIN]
        if weak:
            _, i = min(weak)
            why[cols[i]] = (f"smaller than its error ({coef[i]:.4g} +- {se[i]:.2g}): "
                            "the rows cannot tell it from 0; left out, the others "
                            "refitted")
            del cols[i]
            continue
        return cols, coef, se, why


def report(dom, rows, unit, names=None, groups=None, info=None):
    """rows: (label, [regressors per names], measured). groups: label ->
    group (e.g. class) for the residual per group. Prints the fit and
    returns the costs; info (a dict) gets their standard errors ("se"),
    the rms residual as % of the mean ("rms_pct") and the rows ("n")."""
    names = names or NAMES
    xs = [r[1] for r in rows]
    ys = [r[2] for r in rows]
    cols, coef, se, why = fit_domain(xs, ys, names)
    print(f"\n== {dom}: {len(rows)} rows, {unit} ==")
    cost = {}
    for j, name in enumerate(names):
        if j in cols:
            i = cols.index(j)
            cost[name] = coef[i]
            rel = f"{100 * se[i] / coef[i]:.1f}%" if coef[i] else "-"
            print(f"  {name:24} {coef[i]:12.4g} +- {se[i]:.3g}"
                  f"  ({rel})")
        else:
            print(f"  {name:24} {'not fitted':>12}: {why[j]}")
    if not cols:
        print("  nothing could be fitted")
        return None
    fitted = [sum(cost.get(names[j], 0.0) * x[j] for j in range(len(names)))
              for x in xs]
    res = [y - f for y, f in zip(ys, fitted)]
    rms = math.sqrt(sum(r * r for r in res) / len(res))
    mean = sum(ys) / len(ys)
    print(f"  rms residual {rms:.4g} ({100 * rms / mean if mean else 0:.2f}% of the mean "
          f"{mean:.4g})")
    if info is not None:
        info.update(se={names[j]: se[cols.index(j)] for j in cols}, n=len(rows),
                    rms_pct=100 * rms / mean if mean else 0.0)
    if groups:
        by = {}
        for (label, _, y), r in zip(rows, res):
            by.setdefault(groups[label], []).append((y, r))
        for g, v in sorted(by.items()):
            gm = sum(y for y, _ in v) / len(v)
            gr = math.sqrt(sum(r * r for _, r in v) / len(v))
            worst = max(abs(r / y) for y, r in v if y) if any(y for y, _ in v) else 0
            print(f"    {g:20} {len(v):4} rows: rms {100 * gr / gm if gm else 0:6.2f}% "
                  f"of their mean, worst row {100 * worst:.1f}%")
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


def spec_kind(spec):
    """(workload kind, class) of a lab workload spec ("open dir=tx ...")."""
    words = spec.split()
    typ = words[0] if words else "?"
    kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    kind = typ
    if typ in STREAMS:
        kind += "_" + kv.get("dir", "rx")
    if typ == "ppflows":            # a client process per flow
        kind += kv.get("flows", "8")
    if kv.get("peer"):
        kind += "_g2g"
    kind += "".join("+" + k for k in ("rr", "pp") if kv.get(k))
    cls = kv.get("class") or CLASS.get(typ, typ)
    if cls == "open" and kv.get("peer"):
        cls = "g2g"
    return kind, cls


def lab_points(paths, classes=None):
    """The rows of points.csv files, per domain: dicts with the label,
    kind, class, measured CPU ns (y) and the quantities of LAB_TERMS (q),
    and a note per domain on the CPU source and the rows skipped."""
    pts, order = {}, []
    for fi, path in enumerate(paths):
        pre = f"{fi + 1}:" if len(paths) > 1 else ""
        with open(path, newline="") as fp:
            for n, r in enumerate(csv.DictReader(fp), 2):
                if r.get("rc", "0") != "0":
                    continue
                kind, cls = spec_kind(r.get("spec", ""))
                if classes and cls not in classes:
                    continue
                key = (path, r.get("boot", ""), r.get("point", "") or str(n))
                if key not in pts:
                    pts[key] = []
                    order.append(key)
                r["_kind"], r["_class"] = kind, cls
                r["_label"] = (pre + f"{r.get('boot', '')}/{r.get('point', '')}"
                               if r.get("point") else f"{path}:{n}")
                pts[key].append(r)
    by, notes = {"dom0": [], "guest": []}, {}
    g = lambda r, k: num(r, k) or 0.0
    for key in order:
        rs = pts[key]
        r0 = rs[0]
        d0 = {"label": r0["_label"], "kind": r0["_kind"], "class": r0["_class"]}
        d0["xc"] = num(r0, "d0_cpu_ns")
        d0["stat"] = g(r0, "d0_stat_busy_s") * 1e9
        d0["q"] = {
            "rx": sum(num(r, "cpu_vif_tx_pkts") if num(r, "cpu_vif_tx_pkts") is not None
                      else g(r, "vif_tx_pkts") for r in rs),
            "tx": sum(num(r, "cpu_vif_rx_pkts") if num(r, "cpu_vif_rx_pkts") is not None
                      else g(r, "vif_rx_pkts") for r in rs),
            "irq": sum(g(r, "d0_txq_irq") + g(r, "d0_rxq_irq") for r in rs),
            "timer": g(r0, "d0_timer_irq"),
            "bytes": sum(g(r, "vif_tx_bytes") + g(r, "vif_rx_bytes")
                         if num(r, "vif_tx_bytes") is not None
                         else g(r, "g_mbytes") * 1e6 for r in rs)}
        d0["dur_xc"], d0["dur_stat"] = g(r0, "cpu_window_s"), g(r0, "duration_s")
        by["dom0"].append(d0)
        for r in rs:
            lab = r["_label"] + (f"/{r.get('guest', '')}" if len(rs) > 1 else "")
            gr = {"label": lab, "kind": r["_kind"], "class": r["_class"],
                  "xc": num(r, "g_cpu_ns"), "stat": g(r, "g_stat_busy_s") * 1e9,
                  "dur_xc": g(r, "cpu_window_s"), "dur_stat": g(r, "duration_s")}
            gr["q"] = {"rx": g(r, "g_rx_pkts"), "tx": g(r, "g_tx_pkts"),
                       "irq": g(r, "g_rx_irq") + g(r, "g_tx_irq"),
                       "timer": g(r, "g_timer_irq"), "bytes": g(r, "g_mbytes") * 1e6}
            by["guest"].append(gr)
    for dom, rows in list(by.items()):
        have = [d for d in rows if d["xc"] and d["xc"] > 0]
        if have:
            src = "the hypervisor's CPU ns over the CPU window (ncl-cputime)"
            if len(have) < len(rows):
                src += f"; {len(rows) - len(have)} rows without it left out"
            for d in have:
                d["y"], d["q"]["dur"] = d["xc"], d["dur_xc"]
        else:
            src = ("/proc/stat busy time over the snapshots (10 ms ticks: "
                   "no hypervisor CPU time in these rows)")
            have = rows
            for d in have:
                d["y"], d["q"]["dur"] = d["stat"], d["dur_stat"]
        if have:
            by[dom] = have
            notes[dom] = src
        else:
            del by[dom]
    return by, notes


def variant_names(costs, rows):
    """The cost names of a variant over rows: "ns_per_window:" becomes one
    cost per workload kind the rows have."""
    out = []
    for c in costs:
        if c.endswith(":"):
            out += [c + k for k in sorted({d["kind"] for d in rows})]
        else:
            out.append(c)
    return out


def lab_matrix(names, rows):
    xs = []
    for d in rows:
        x = []
        for c in names:
            if ":" in c:
                x.append(1.0 if d["kind"] == c.split(":", 1)[1] else 0.0)
            else:
                x.append(LAB_TERMS[c](d["q"]))
        xs.append(x)
    return xs


def bic(xs, ys, names):
    """(BIC, rms % of the mean, costs fitted, cost dict, the costs left out
    as negative) of the fit the rows support."""
    cols, coef, _, why = fit_domain(xs, ys, names)
    n = len(ys)
    rss = sum((y - sum(c * x[j] for c, j in zip(coef, cols))) ** 2
              for x, y in zip(xs, ys))
    mean = sum(ys) / n if n else 0
    rms = math.sqrt(rss / n) if n else 0
    b = n * math.log(max(rss / n, 1e-300) if n else 1) + len(cols) * math.log(max(n, 1))
    neg = [names[j] for j in sorted(why) if why[j].startswith("negative")]
    return (b, (100 * rms / mean if mean else 0), len(cols),
            {names[j]: c for j, c in zip(cols, coef)}, neg)


def fit_variants(rows, variant=None):
    """Fit every variant of VARIANTS over rows (of one domain). Returns
    (tried, kept): tried a list of (name, what, names, xs, bic, rms %,
    costs fitted, cost dict, costs left out as negative), kept the index
    of the variant to keep (variant, else the rule in the docstring)."""
    ys = [d["y"] for d in rows]
    tried = []
    for name, what, vc in VARIANTS:
        names = variant_names(vc, rows)
        xs = lab_matrix(names, rows)
        tried.append((name, what, names, xs) + bic(xs, ys, names))
    if variant:
        return tried, [t[0] for t in tried].index(variant)
    return tried, min(range(len(tried)), key=lambda i: (bool(tried[i][8]), tried[i][4], i))


def lab_report(by, notes, variant=None, title="", infos=None):
    """Every variant's fit in one line per domain, then the kept one in full.
    infos (a dict): per domain, report()'s info and the variant kept."""
    costs = {}
    for dom, rows in sorted(by.items()):
        print(f"\n== {dom}{title}: {len(rows)} rows; CPU: {notes[dom]} ==")
        print(f"  {'variant':8} {'costs':>5} {'rms %':>7} {'BIC':>10}  "
              "fitted; [negative, left out]")
        tried, kept = fit_variants(rows, variant)
        for name, _, _, _, b, rp, k, c, neg in tried:
            print(f"  {name:8} {k:5} {rp:7.2f} {b:10.1f}  " +
                  ", ".join(f"{n}={v:.4g}" for n, v in c.items()) +
                  (f"; [{', '.join(neg)}]" if neg else ""))
        name, what, names, xs = tried[kept][:4]
        why = ("" if variant else
               ": the lowest BIC of the variants the rows fit without a negative cost"
               if not tried[kept][8] else
               ": the lowest BIC; every variant had a negative cost, left out")
        print(f"  kept: {name} ({what}){why}")
        fr = [(d["label"], x, d["y"]) for d, x in zip(rows, xs)]
        groups = {d["label"]: f"{d['class']} {d['kind']}" for d in rows}
        info = {"variant": name}
        costs[dom] = report(f"{dom}{title}, variant {name}", fr, "CPU ns per window",
                            names, groups, info)
        if infos is not None:
            infos[dom] = info
    return costs


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
        if "ns_per_timer" in c:
            out.append(f"# {dom}: a timer interrupt and what it runs ({pre}_timer_ns, "
                       f"and the wake-ups of paced senders) ~{c['ns_per_timer']:.0f} ns")
        if "ns_per_pkt" in c:
            out.append(f"# {dom}: per-packet costs ({pre}_*_pkt_ns, napi, app, "
                       f"hypercalls, wake-ups per packet) should add up to "
                       f"~{c['ns_per_pkt']:.0f} ns per packet")
        for d, what in (("rx", "to the guest"), ("tx", "from the guest")):
            if f"ns_per_{d}_pkt" in c:
                out.append(f"# {dom}: per packet {what} ({pre}_{d}_pkt_ns, napi, app, "
                           f"hypercalls, wake-ups) ~{c[f'ns_per_{d}_pkt']:.0f} ns")
        if "ps_per_byte" in c:
            out.append(f"# {dom}: per-byte terms ({pre}_*_byte_ps) to "
                       f"~{c['ps_per_byte']:.0f} ps per byte")
        if "busy_ns_per_s" in c:
            out.append(f"# {dom}: {c['busy_ns_per_s'] / 1e7:.2f}% of a CPU busy "
                       "whatever the traffic (the model has no such load)")
        win = {k.split(":", 1)[1] if ":" in k else "every window": v
               for k, v in c.items() if k.startswith("ns_per_window")}
        if win:
            out.append(f"# {dom}: fixed CPU per lab window (its edges, not the "
                       "traffic; the model has no such load): " +
                       ", ".join(f"{k} {v / 1e6:.1f} ms" for k, v in sorted(win.items())))
    return out


SIM_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sim_config.h")


def sim_defaults(path=SIM_CONFIG):
    """xcc-sim's cost parameters and their defaults, from sim_config.h."""
    with open(path) as fp:
        return {m.group(1): int(m.group(2)) for m in
                re.finditer(r"X\((\w+),\s*(\d+),", fp.read())}


def split(total, parts):
    """total (rounded) shared among parts [(name, weight)] in proportion,
    integers that add up to it exactly (the last takes the rounding)."""
    total = round(total)
    w = sum(x for _, x in parts)
    out, left = [], total
    for i, (name, x) in enumerate(parts):
        v = left if i == len(parts) - 1 else round(total * x / w)
        out.append((name, v))
        left -= v
    return out


# --write-params: the simulator's costs the fit has no counterpart for,
# with the fit's reason; set to 0, their CPU is in the fitted costs
PARAM_ZERO = [
    ("d0_hcall_ns g_hcall_ns", "event-channel sends: the lab counts no "
     "notifications sent, the fit has no cost for them; in its costs per packet"),
    ("d0_napi_ns g_napi_ns d0_kthread_ns", "per poll and per kthread wake-up: "
     "no lab counter; a poll follows an interrupt or a timer, whose fitted costs "
     "hold it"),
    ("d0_app_wake_ns g_app_wake_ns", "waking an application: no lab counter "
     "(a count of context switches would be one); in the costs per interrupt, "
     "per timer interrupt and per packet"),
    ("d0_rx_byte_ps d0_tx_byte_ps d0_app_byte_ps g_rx_byte_ps g_tx_byte_ps "
     "g_app_byte_ps", "per byte: not fitted (every lab packet is 64 bytes, "
     "bytes collinear with packets); the cost per packet holds them at 64 bytes"),
    ("g_app_pkt_ns g_app_req_ns", "the guest's application per packet: "
     "xcc-sim charges it on the packets the application sends itself (a "
     "stream's) but not on its responses and echoes, so a cost per packet each "
     "way holds only with it in g_rx_pkt_ns and g_tx_pkt_ns (redis keeps its "
     "svc_ns=10000: its cost per request is in the fit's fixed cost per window)"),
]


def lab_params(costs, defaults=None):
    """The xcc-sim parameters of a --lab fit (costs: {"dom0": {...},
    "guest": {...}}): [(name, value, comment)], comment None where the
    previous line's says it; and notes on what has no counterpart.
    Every cost per packet, interrupt and timer interrupt becomes what
    xcc-sim charges per packet, interrupt and timer interrupt; the
    simulator's costs the fit has none for are 0 (PARAM_ZERO)."""
    dflt = defaults or sim_defaults()
    out, notes = [], []
    for dom, pre in (("dom0", "d0"), ("guest", "g")):
        c = costs.get(dom) or {}
        pkt = {d: c.get(f"ns_per_{d}_pkt", c.get("ns_per_pkt")) for d in ("rx", "tx")}
        if pkt["rx"] is None or pkt["tx"] is None or "ns_per_irq" not in c:
            raise ValueError(f"{dom}: the fit has no cost per packet or per "
                             "interrupt; no parameters to write")
        timer = c.get("ns_per_timer")
        if timer is None:
            notes.append(f"{dom}: no cost per timer interrupt fitted: "
                         f"{pre}_timer_ns and {pre}_pace_ns are 0")
        out.append((f"{pre}_irq_ns", round(c["ns_per_irq"]),
                    f"{dom}: per event-channel interrupt = ns_per_irq (the handler, "
                    "the poll or wake-up it starts)"))
        tn = round(timer or 0)
        out.append((f"{pre}_timer_ns", tn, f"{dom}: per timer interrupt = ns_per_timer: "
                    "a coalescing timer's expiry and the poll it starts ..."))
        out.append((f"{pre}_pace_ns", tn, "... and a paced sender's timer "
                    "interrupt and wake-up (the lab's timer interrupts are both)"))
        if dom == "dom0":
            # the peer's application work per packet is charged both ways:
            # it keeps the defaults' share of the way with the smaller scale
            rx_d = dflt["d0_sock_tx_ns"] + dflt["d0_app_pkt_ns"] + dflt["d0_rx_pkt_ns"]
            tx_d = dflt["d0_tx_pkt_ns"] + dflt["d0_app_pkt_ns"]
            app = round(dflt["d0_app_pkt_ns"] * min(pkt["rx"] / rx_d, pkt["tx"] / tx_d))
            rx = split(round(pkt["rx"]) - app, [("d0_sock_tx_ns", dflt["d0_sock_tx_ns"]),
                                                 ("d0_rx_pkt_ns", dflt["d0_rx_pkt_ns"])])
            out.append(("d0_app_pkt_ns", app,
                        f"dom0: per packet to the guest = ns_per_rx_pkt "
                        f"{round(pkt['rx'])} = d0_app_pkt_ns + d0_sock_tx_ns + "
                        f"d0_rx_pkt_ns; from the guest = ns_per_tx_pkt "
                        f"{round(pkt['tx'])} = d0_app_pkt_ns + d0_tx_pkt_ns "
                        "(the peer's work per packet, both ways, keeps the defaults' "
                        "share of the smaller; the rest in the defaults' proportions)"))
            out += [(n, v, None) for n, v in rx]
            out.append(("d0_tx_pkt_ns", round(pkt["tx"]) - app, None))
        else:
            out.append(("g_rx_pkt_ns", round(pkt["rx"]),
                        f"guest: per packet received = ns_per_rx_pkt {round(pkt['rx'])}"
                        " (netfront, stack and application)"))
            out += [(n, v, f"guest: per packet sent = ns_per_tx_pkt {round(pkt['tx'])} = "
                     "g_tx_pkt_ns + g_gc_pkt_ns (the defaults' proportions)" if i == 0
                     else None) for i, (n, v) in
                    enumerate(split(pkt["tx"], [("g_tx_pkt_ns", dflt["g_tx_pkt_ns"]),
                                                ("g_gc_pkt_ns", dflt["g_gc_pkt_ns"])]))]
        win = {k.split(":", 1)[1] if ":" in k else "every window": v
               for k, v in c.items() if k.startswith("ns_per_window")}
        if win:
            notes.append(f"{dom}: fixed CPU per lab window, no counterpart in xcc-sim "
                         "(no load at a window's edges): " +
                         ", ".join(f"{k} {v / 1e6:.1f} ms" for k, v in sorted(win.items())))
        if "busy_ns_per_s" in c:
            notes.append(f"{dom}: {c['busy_ns_per_s'] / 1e7:.2f}% of a CPU busy whatever "
                         "the traffic, no counterpart in xcc-sim")
    for names, why in PARAM_ZERO:
        first = True
        for n in names.split():
            out.append((n, 0, f"0: {why}" if first else None))
            first = False
    for n, v, _ in out:
        if n not in dflt:
            raise ValueError(f"{n}: not a parameter of xcc-sim ({SIM_CONFIG})")
        if v < 0:
            raise ValueError(f"{n}={v}: negative")
    return out, notes


def write_params(path, costs, infos, argv, inputs, defaults=None):
    """Write lab_params() as an xcc-sim params= file with a header naming
    the command, the input and the fit's residuals; returns the params."""
    params, notes = lab_params(costs, defaults)
    dflt = defaults or sim_defaults()
    hdr = ["xcc-sim's costs fitted to the lab's CPU times: xcc-sim params=FILE "
           "(tools/sim/README.md, \"The lab's costs as a preset\").",
           "Made by, to be made again by (not edited):",
           "  " + " ".join(shlex.quote(x) for x in
                           ["python3", "tools/sim/calibrate.py"] + list(argv[1:])),
           "input: " + ", ".join(inputs)]
    for dom in ("dom0", "guest"):
        i = infos.get(dom, {})
        hdr.append(f"fit, {dom}: variant {i.get('variant', '?')}, {i.get('n', '?')} rows, "
                   f"rms residual {i.get('rms_pct', 0):.2f}% of the mean")
        hdr.append("  " + ", ".join(
            f"{k} {v:.0f} +- {i.get('se', {}).get(k, 0):.0f}"
            for k, v in costs[dom].items() if not k.startswith("ns_per_window")))
    hdr += notes
    hdr.append("Not set here (the defaults): the physical NIC's costs (nic_*: the lab's "
               "peers are in dom0), the model's latencies and switches and the "
               "workloads' settings (timer_slop_ns, tick_ns, redis's svc_ns).")
    wrap = lambda t: textwrap.wrap(t, 76, initial_indent="# ", subsequent_indent="#   ",
                                   break_long_words=False, break_on_hyphens=False)
    lines = [x for h in hdr for x in (wrap(h) if not h.startswith("  ") else [f"# {h}"])]
    for n, v, com in params:
        if com:
            lines += [""] + wrap(com)
        lines.append(f"{n}={v}")
    with open(path, "w") as fp:
        fp.write("\n".join(lines) + "\n")
    print(f"\nxcc-sim parameters written to {path} (xcc-sim params={path}):")
    for n, v, _ in params:
        print(f"  {n:16} {v:8d}   (default {dflt[n]})")
    for n in notes:
        print(f"  # {n}")
    return params


def read_params(path):
    """name -> value of a params= file (the simulator's format)."""
    out = {}
    with open(path) as fp:
        for line in fp:
            line = line.strip()
            if line and not line.startswith("#"):
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("--summary", help="build/bench/summary.csv-style rows")
    ap.add_argument("--source", default="lab", help="--summary: rows of this source")
    ap.add_argument("--class", dest="classes",
                    help="--summary, --lab: only these classes (comma-separated)")
    ap.add_argument("--lab", nargs="+", metavar="POINTS_CSV")
    ap.add_argument("--variant", choices=[v[0] for v in VARIANTS],
                    help="--lab: keep this variant of the model, not the lowest BIC")
    ap.add_argument("--split", action="store_true",
                    help="--lab: also fit the streams and the request/response rows apart")
    ap.add_argument("--write-params", metavar="FILE",
                    help="--lab: write the fit as xcc-sim parameters (params=FILE), "
                    "e.g. tools/sim/lab-costs.conf")
    ap.add_argument("rows", nargs="?", help="domain,cpu_ns,packets,irqs[,bytes][,duration_ns]")
    a = ap.parse_args(argv[1:])
    classes = set(a.classes.split(",")) if a.classes else None
    if a.lab:
        for p in a.lab:
            if not os.path.isfile(p):
                print(f"{p}: no such file", file=sys.stderr)
                return 1
        by, notes = lab_points(a.lab, classes)
        if not any(by.values()):
            print("no rows", file=sys.stderr)
            return 1
        print("costs: ns_per_rx_pkt / ns_per_tx_pkt (ns per packet to / from the "
              "guest), ns_per_pkt (either way), ns_per_irq (ns per event-channel "
              "interrupt), ns_per_timer (ns per timer interrupt), ps_per_byte (ps), "
              "busy_ns_per_s (ns of CPU per second), ns_per_window[:kind] (ns per "
              "window); +- one standard error")
        infos = {}
        costs = lab_report(by, notes, a.variant, infos=infos)
        if a.split:
            for title, keep in ((" (streams)", lambda c: c not in REQRESP),
                                (" (request/response)", lambda c: c in REQRESP)):
                part = {d: [x for x in rows if keep(x["class"])] for d, rows in by.items()}
                part = {d: rows for d, rows in part.items() if rows}
                if part:
                    for dom, c in lab_report(part, notes, a.variant, title).items():
                        costs[dom + title] = c
        print("\nxcc-sim starting point (the fit of all the rows):")
        for h in hints({d: c for d, c in costs.items() if "(" not in d}):
            print("  " + h)
        if a.write_params:
            try:
                write_params(a.write_params, costs, infos, argv,
                             [f"{p} ({sum(1 for _ in open(p)) - 1} rows, sha256 "
                              f"{hashlib.sha256(open(p, 'rb').read()).hexdigest()[:16]})"
                              for p in a.lab])
            except (ValueError, OSError) as e:
                print(f"--write-params: {e}", file=sys.stderr)
                return 1
        return 0
    if a.write_params:
        print("--write-params needs --lab (the per-point fit)", file=sys.stderr)
        return 2
    if a.summary:
        by = summary_rows(a.summary, a.source, classes)
        unit = "CPU ns per packet"
    elif a.rows:
        by = csv_rows(a.rows)
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
