#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draw the lab's figures from build/bench/summary.csv (source=lab rows).

  lab_figures.py SUMMARY_CSV OUTDIR COMMAND

lab-cpu-vs-rate.png   CPU ns per packet (dom0 + guest) vs offered rate,
                      one line per policy, dom0 -> guest and guest -> dom0
lab-p99-vs-rate.png   round-trip p99 vs offered rate, the same lines
lab-density.png       dom0 CPU ns per packet vs number of guests
Each figure names COMMAND, the command that made its numbers. Needs
python3-matplotlib; without it, says so and exits 0 (figures are not a
test).
"""
import csv
import re
import sys
from collections import defaultdict


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    path, outdir, cmd = sys.argv[1:]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("lab_figures: no matplotlib (apt-get install python3-matplotlib): no figures")
        return 0
    rows = [r for r in csv.DictReader(open(path, newline="")) if r["source"] == "lab"]
    opens = defaultdict(list)    # (dir, policy) -> [(rate, row)]
    dens = defaultdict(list)     # policy -> [(guests, row)]
    for r in rows:
        m = re.match(r"open_(rx|tx)_\d+_(\d+)$", r["workload"])
        if m:
            opens[(m.group(1), r["policy"])].append((int(m.group(2)), r))
        m = re.match(r"density_(\d+)$", r["workload"])
        if m:
            dens[r["policy"]].append((int(m.group(1)), r))
    made = []
    for key, name, label in (("cpu_ns_per_pkt", "lab-cpu-vs-rate.png", "CPU ns per packet (dom0 + guest)"),
                             ("p99_us", "lab-p99-vs-rate.png", "round-trip p99 (us)")):
        if not opens:
            break
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
        for ax, d, title in zip(axes, ("rx", "tx"), ("dom0 -> guest", "guest -> dom0")):
            for (dd, pol), pts in sorted(opens.items()):
                if dd != d or pol == "static-best":
                    continue
                pts = sorted((x, num(r[key])) for x, r in pts if num(r[key]) is not None)
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=pol)
            ax.set_title(f"open-loop 64-byte UDP, {title}")
            ax.set_xlabel("offered packets/s")
            ax.set_ylabel(label)
            ax.grid(alpha=0.3)
        axes[0].legend(fontsize=8)
        fig.text(0.01, 0.01, f"lab, medians over boots: {cmd}", fontsize=7)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        fig.savefig(f"{outdir}/{name}", dpi=90)
        made.append(name)
    if dens:
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for pol, pts in sorted(dens.items()):
            if pol == "static-best":
                continue
            pts = sorted((x, num(r["dom0_cpu_ns_per_pkt"])) for x, r in pts
                         if num(r["dom0_cpu_ns_per_pkt"]) is not None)
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=pol)
        ax.set_xlabel("guests (each a 1000/s stream and a probe)")
        ax.set_ylabel("dom0 CPU ns per packet")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.text(0.01, 0.01, f"lab: {cmd}", fontsize=7)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        fig.savefig(f"{outdir}/lab-density.png", dpi=90)
        made.append("lab-density.png")
    print("lab_figures: " + (", ".join(f"{outdir}/{m}" for m in made) if made else "no lab rows to draw"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
