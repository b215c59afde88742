#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Set the lab's rows beside the lab-calibrated simulator's, one to one.

  sim_vs_lab.py SUMMARY_CSV [--lab-source lab] [--sim-source sim-lab]

Reads build/bench/summary.csv (tools/sim/bench.py SUMMARY_HEADER) and
prints one table: per workload and policy present in both sources, the
lab's value, the simulator's and the relative difference (sim - lab) /
lab of dom0's and the guest's CPU ns per packet, their interrupts per
packet and the round trip's p50 and p99; then the median |difference|
of each column over the rows that have both values, and the rows only
one source has. The simulator's rows are those make -C tools/sim bench
writes with the lab's costs (tools/sim/lab-costs.conf): source sim-lab,
policy the lab's configuration + "@lab" (the suffix is dropped to pair
them). A value missing on either side prints as '-', never as 0.
Exits 1 with a message when the file is missing or unreadable or no
workload and policy is in both sources. stdlib only.
"""
import argparse
import csv
import re
import statistics
import sys

SUFFIX = "@lab"         # tools/sim/bench.py SIMLAB_SUFFIX
# column, heading, format of the values
METRICS = [("dom0_cpu_ns_per_pkt", "dom0 ns/pkt", "{:.0f}"),
           ("guest_cpu_ns_per_pkt", "guest ns/pkt", "{:.0f}"),
           ("dom0_irq_per_pkt", "dom0 irq/pkt", "{:.3f}"),
           ("guest_irq_per_pkt", "guest irq/pkt", "{:.3f}"),
           ("p50_us", "p50 us", "{:.1f}"),
           ("p99_us", "p99 us", "{:.1f}")]
# the lab's configurations in the order its scenarios list them
POLICY_ORDER = ["stock", "ours-default", "static-u16-f0", "static-u32-f16", "dim",
                "adaptive", "static-best"]


def num(v):
    """A cell as a number; None where it is empty or not a number."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if x == x else None        # NaN: missing


def load(path, lab_src, sim_src):
    """{source: {(workload, policy): row}} of the two sources."""
    try:
        with open(path, newline="") as fp:
            rd = csv.DictReader(fp)
            need = {"source", "workload", "policy"} | {m[0] for m in METRICS}
            missing = need - set(rd.fieldnames or [])
            if missing:
                raise SystemExit(f"sim_vs_lab: {path}: no column {', '.join(sorted(missing))} "
                                 "(not a build/bench/summary.csv?)")
            out, dup = {lab_src: {}, sim_src: {}}, 0
            for r in rd:
                src = r["source"]
                if src not in out:
                    continue
                pol = r["policy"]
                if src == sim_src and pol.endswith(SUFFIX):
                    pol = pol[:-len(SUFFIX)]
                key = (r["workload"], pol)
                dup += key in out[src]
                out[src][key] = r           # the last of duplicates
    except OSError as e:
        raise SystemExit(f"sim_vs_lab: {path}: {e.strerror}")
    except csv.Error as e:
        raise SystemExit(f"sim_vs_lab: {path}: {e}")
    if dup:
        print(f"sim_vs_lab: {dup} duplicate rows in {path}: the last of each kept",
              file=sys.stderr)
    return out


def natural(s):
    """open_rx_64_5000 before open_rx_64_10000."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def order(key):
    wl, pol = key
    return (natural(wl), POLICY_ORDER.index(pol) if pol in POLICY_ORDER else
            len(POLICY_ORDER), pol)


def rel(lab, sim):
    """(sim - lab) / lab; None without both, or with lab 0."""
    if lab is None or sim is None or lab == 0:
        return None
    return (sim - lab) / lab


def show(v, f):
    return "-" if v is None else f.format(v)


def pct(v):
    return "-" if v is None else f"{100 * v:+.1f}%"


def compare(rows, lab_src, sim_src):
    """(table lines, [(metric, median |diff|, n)], keys only in the lab,
    keys only in the simulator's source)."""
    lab, sim = rows[lab_src], rows[sim_src]
    both = sorted(set(lab) & set(sim), key=order)
    head = ["workload", "policy"]
    for _, h, _ in METRICS:
        head += [f"{h} lab", "sim", "diff"]
    lines, diffs = [head], {m[0]: [] for m in METRICS}
    for key in both:
        line = list(key)
        for col, _, f in METRICS:
            a, b = num(lab[key].get(col)), num(sim[key].get(col))
            d = rel(a, b)
            if d is not None:
                diffs[col].append(abs(d))
            line += [show(a, f), show(b, f), pct(d)]
        lines.append(line)
    med = [(col, statistics.median(diffs[col]) if diffs[col] else None, len(diffs[col]))
           for col, _, _ in METRICS]
    only_lab = sorted(set(lab) - set(sim), key=order)
    only_sim = sorted(set(sim) - set(lab), key=order)
    return lines, med, only_lab, only_sim


def grouped(keys):
    """workload: policies, one line per workload."""
    by = {}
    for wl, pol in keys:
        by.setdefault(wl, []).append(pol)
    return [f"  {wl}: {' '.join(p)}" for wl, p in sorted(by.items(), key=lambda kv: natural(kv[0]))]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("summary", help="build/bench/summary.csv")
    ap.add_argument("--lab-source", default="lab")
    ap.add_argument("--sim-source", default="sim-lab")
    a = ap.parse_args(argv[1:])
    rows = load(a.summary, a.lab_source, a.sim_source)
    lines, med, only_lab, only_sim = compare(rows, a.lab_source, a.sim_source)
    if len(lines) == 1:
        print(f"sim_vs_lab: {a.summary}: no workload and policy in both source="
              f"{a.lab_source} ({len(rows[a.lab_source])} rows) and source="
              f"{a.sim_source} ({len(rows[a.sim_source])} rows)", file=sys.stderr)
        return 1
    foot = ["median |diff|", f"({len(lines) - 1} rows)"]
    for _, m, n in med:
        foot += ["", f"n={n}", "-" if m is None else f"{100 * m:.1f}%"]
    table = lines + [foot]
    w = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    print(f"source={a.lab_source} vs source={a.sim_source} ({a.summary}); "
          "diff = (sim - lab) / lab")
    for i, r in enumerate(table):
        if i in (1, len(table) - 1):
            print("  ".join("-" * x for x in w))
        print("  ".join(c.ljust(w[j]) if j < 2 else c.rjust(w[j])
                        for j, c in enumerate(r)).rstrip())
    for what, keys in ((f"only in source={a.lab_source}", only_lab),
                       (f"only in source={a.sim_source}", only_sim)):
        if keys:
            print(f"\n{what} ({len(keys)} rows):")
            print("\n".join(grouped(keys)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
