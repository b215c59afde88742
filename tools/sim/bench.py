#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The simulator's policy sweep (make -C tools/sim bench).

For every workload: stock, a grid of static settings, dim, adaptive and
adaptive with a latency budget (adaptive-b25, -b50, -b100: budget_us=B,
issue 11), each over several seeds. Prints one table per workload (medians with
min-max spread), writes every run to <out>/sim.csv, appends the medians
to <out>/summary.csv (the header shared with the lab's rows, see
SUMMARY_HEADER), and draws figures if matplotlib is there.
stdlib only (matplotlib optional)."""
import argparse
import concurrent.futures as cf
import csv
import io
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import goals        # noqa: E402  (the budget oracle of the tables)

SEEDS = [1, 2, 3, 4, 5]
# adaptive with a latency budget of B us (policy adaptive-bB, budget_us=B)
BUDGETS = [25, 50, 100]
USECS = [8, 16, 32, 64, 128]
FRAMES = [0, 16, 64]
POISSON_RATES = [1000, 5000, 20000, 50000, 100000, 200000, 400000]
OPEN_RATES = [2000, 5000, 7500, 10000, 12500, 15000, 20000, 25000, 30000,
              50000, 100000, 200000]
# build/bench/summary.csv, shared with the lab's rows (tools/bench/lab_summary.py)
SUMMARY_HEADER = ["source", "workload", "policy", "guest_irq_per_pkt",
                  "dom0_irq_per_pkt", "cpu_ns_per_pkt", "p50_us", "p99_us",
                  "throughput_mbps", "class", "offered_pps", "pps",
                  "guest_cpu_ns_per_pkt", "dom0_cpu_ns_per_pkt", "p999_us",
                  "loss", "guests", "budget_us", "timers"]
SUMMARY_TEXT = ("class", "timers")          # copied from the runs
SUMMARY_INT = ("offered_pps", "pps", "guests")
METRICS = ["guest_irq_per_pkt", "dom0_irq_per_pkt", "cpu_ns_per_pkt",
           "p50_us", "p99_us", "p999_us", "throughput_mbps", "drops",
           "eoi_delays", "guest_cpu_ns_per_pkt", "dom0_cpu_ns_per_pkt",
           "offered_pps", "pps", "loss", "guests", "ops_per_s",
           "cpu_ns_per_op", "worst_p99_us"]
# -1 in the simulator's row: not applicable (no samples, no offered rate)
OPTIONAL = ("p50_us", "p99_us", "p999_us", "offered_pps", "loss",
            "ops_per_s", "cpu_ns_per_op", "worst_p99_us")
CMD = "make -C tools/sim bench"

# name -> (simulator arguments, kind); kind "bulk" selects static-best by
# throughput, "lat" by latency
WORKLOADS = {
    "bulk_rx": (["workload=bulk_rx"], "bulk"),
    "bulk_tx": (["workload=bulk_tx"], "bulk"),
    "bulk_rx_gso": (["workload=bulk_rx", "seg=65160", "window=32"], "bulk"),
    "rr": (["workload=rr"], "lat"),
    "rr_c8": (["workload=rr", "conc=8"], "lat"),
    "mixed": (["workload=mixed"], "lat"),
    "mixed_tx": (["workload=mixed_tx"], "lat"),
    "phase": (["workload=phase"], "lat"),
    "onoff": (["workload=onoff", "rate=200000"], "lat"),
    # requests at 40k/s (Poisson, open loop), answered 30 us later: its
    # class is open (summary.csv: offered_pps and loss apply), not
    # manyflow, because the load is offered at a rate whatever the
    # latency, where manyflow's closed loops slow down with it
    "memcached": (["workload=memcached"], "lat"),
}
for _r in POISSON_RATES:
    WORKLOADS[f"poisson_{_r}"] = (["workload=poisson", f"rate={_r}"], "lat")
# The same under a hypervisor whose timers fire 50 us late (Xen's default
# timer_slop; the lab measured ~40 us per held stage)
XEN_SLOP = "timer_slop_ns=50000"
for _w in ["bulk_rx", "bulk_tx", "rr", "rr_c8", "poisson_200000", "memcached"]:
    WORKLOADS[f"{_w}_slop50"] = (WORKLOADS[_w][0] + [XEN_SLOP], WORKLOADS[_w][1])

# The lab's workloads of the same names (tools/lab: open, ppflows, redis,
# open with pp= on N guests, open and pingpong with peer=): the peers are
# applications in dom0 as in the lab (peer=dom0) and every timer has Xen's
# default slop (timers=default); fewer seeds (only the open streams' timer
# phase is random there). Per workload: seeds, the p99 to report
# (worst_p99_us: the worst flow's or guest's, as the lab reports them)
# and the extra table columns.
LAB_SEEDS = [1, 2, 3]
LAB = [XEN_SLOP, "peer=dom0"]
OPTS = {}


def _lab(name, args, p99="p99_us", extra=()):
    WORKLOADS[name] = (args + LAB, "lat")
    OPTS[name] = {"seeds": LAB_SEEDS, "p99": p99, "extra": list(extra)}


_OPEN_X = [("loss", "loss", 4), ("p99.9 us", "p999_us", 1)]


def _long(rate):
    """An open stream echoes 1 packet in 50: run ~50000 packets (>= 1000
    round trips) and at least the default 200 ms."""
    return [f"dur_us={max(200000, 50000 * 1000000 // rate)}"]


_OPS_X = [("kops/s", "kops", 1), ("cpu ns/op", "cpu_ns_per_op", 0)]
for _d in ["rx", "tx"]:
    for _b in [64, 256]:
        for _r in OPEN_RATES:
            _lab(f"open_{_d}_{_b}_{_r}", ["workload=open", f"dir={_d}",
                 f"pkt={_b}", f"rate={_r}"] + _long(_r), extra=_OPEN_X)
for _n in [8, 32]:
    _lab(f"manyflow_{_n}", ["workload=rr", f"conc={_n}"], "worst_p99_us",
         _OPS_X)
_lab("redis", ["workload=redis"], extra=_OPS_X)
for _n in [1, 2, 4, 8]:
    _lab(f"density_{_n}", ["workload=density", f"guests={_n}", "rate=20000",
         "pkt=64"], "worst_p99_us",
         [("dom0 ns/pkt", "dom0_cpu_ns_per_pkt", 0), ("kpps", "kpps", 0),
          ("loss", "loss", 4)])
_lab("g2g_rr", ["workload=g2g"], extra=[("p99.9 us", "p999_us", 1)])
_lab("g2g_open", ["workload=g2g_open", "rate=20000", "pkt=64"] + _long(20000),
     extra=_OPEN_X)


def seeds_of(wl):
    return OPTS.get(wl, {}).get("seeds", SEEDS)


# The lab-calibrated copies: the lab's workloads again, with the lab's
# settings where the simulator has them and the costs fitted to the lab's
# CPU times (LAB_COSTS, made by calibrate.py --lab ... --write-params), to
# set beside the lab's rows one to one (tools/bench/sim_vs_lab.py). They
# are summary rows of source SIMLAB_SOURCE whose policies are the lab's
# configurations + SIMLAB_SUFFIX: goals.py judges the stock/adaptive pair
# of every source, and these are the lab's model, not a goal of the
# controller. ours-default (our modules with every lever 0) is stock's
# runs: in the simulator the two are one and the same.
LAB_COSTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab-costs.conf")
SIMLAB_SOURCE = "sim-lab"
SIMLAB_SUFFIX = "@lab"
SIMLAB_SEEDS = [1, 2, 3]
SIMLAB_RATES = {"rx": [5000, 10000, 15000, 20000, 30000],       # bench.sh's
                "tx": [5000, 7500, 10000, 12500, 15000]}
SIMLAB_POLICIES = ["stock", "static-u32-f16", "dim", "adaptive"]
SIMLAB = {}     # name -> simulator arguments (LAB and the costs added at run time)


def _labdur(rate, echo):
    """The lab's 1 s window, or as long as 1000 round trips take."""
    return [f"dur_us={max(1000000, 1000 * echo * 1000000 // rate)}"]


for _d in ["rx", "tx"]:        # tools/lab/scenarios/bench.sh: msg=64 echo=10 t=1
    for _r in SIMLAB_RATES[_d]:
        SIMLAB[f"open_{_d}_64_{_r}"] = ["workload=open", f"dir={_d}", "pkt=64",
                                        f"rate={_r}", "echo=10"] + _labdur(_r, 10)
SIMLAB["rr"] = ["workload=rr"]                  # pingpong proto=udp
SIMLAB["redis"] = ["workload=redis"]            # redis clients=50
for _n in [8, 32]:                              # scenarios/bench-density.sh
    SIMLAB[f"manyflow_{_n}"] = ["workload=rr", f"conc={_n}"]
for _n in [1, 2, 4, 8]:     # open dir=rx rate=1000 rr=200: a stream and a probe
    SIMLAB[f"density_{_n}"] = ["workload=density", f"guests={_n}", "rate=1000",
                               "probe=200", "pkt=64"] + _labdur(200, 1)
SIMLAB["g2g_rr"] = ["workload=g2g_open", "rate=2000", "pkt=64", "echo=1"] + _labdur(2000, 1)
SIMLAB["g2g_open"] = ["workload=g2g_open", "rate=4000", "pkt=64"] + _labdur(4000, 50)


def simlab_policies(pols=None):
    """The lab's configurations among policies() (name, simulator arguments)."""
    return [p for p in (pols or policies()) if p[0] in SIMLAB_POLICIES]


def simlab_args(wl, costs=LAB_COSTS):
    """The simulator's arguments of lab-calibrated workload wl."""
    return [f"params={costs}"] + SIMLAB[wl] + LAB


# The weight sweep: stock and adaptive with the configured weight at each
# of WEIGHTS (the adaptive policy polls in bites of 16 below it while it
# adds no delay)
WEIGHTS = [8, 16, 32, 64]
WEIGHT_WORKLOADS = ["bulk_rx", "bulk_tx", "mixed", "mixed_tx", "onoff",
                    "poisson_200000", "poisson_400000"]


def weight_sweep(sim, jobs):
    cols = [("guest irq/pkt", "guest_irq_per_pkt", 4),
            ("cpu ns/pkt", "cpu_ns_per_pkt", 0),
            ("p50 us", "p50_us", 1), ("p99 us", "p99_us", 1),
            ("Mbit/s", "throughput_mbps", 0)]
    runs = {}
    with cf.ThreadPoolExecutor(max_workers=jobs) as ex:
        for wl in WEIGHT_WORKLOADS:
            for pol in ["off", "adaptive"]:
                for w in WEIGHTS:
                    for s in SEEDS:
                        runs[(wl, pol, w, s)] = ex.submit(
                            run_one, sim, wl, WORKLOADS[wl][0], pol,
                            [f"policy={pol}", f"weight={w}"], s)
    print(f"\n== weight (configured per-poll weight; medians over "
          f"{len(SEEDS)} seeds [min-max]) ==")
    lines = [["workload", "policy", "weight"] + [c[0] for c in cols]]
    for wl in WEIGHT_WORKLOADS:
        for pol in ["off", "adaptive"]:
            for w in WEIGHTS:
                rs = [runs[(wl, pol, w, s)].result() for s in SEEDS]
                m = {c[1]: med(rs, c[1]) for c in cols}
                lines.append([wl, "stock" if pol == "off" else pol, str(w)] +
                             [fmt(m, c[1], c[2]) for c in cols])
    widths = [max(len(r[i]) for r in lines) for i in range(len(lines[0]))]
    for r in lines:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)))


def policies():
    pols = [("stock", ["policy=off"])]
    for u in USECS:
        for f in FRAMES:
            pols.append((f"static-u{u}-f{f}",
                         ["policy=static", f"usecs={u}", f"frames={f}"]))
    pols += [("dim", ["policy=dim"]), ("adaptive", ["policy=adaptive"])]
    pols += [(f"adaptive-b{b}", ["policy=adaptive", f"budget_us={b}"])
             for b in BUDGETS]
    return pols


def budget_of(pol):
    """The latency budget (us) of policy name pol, None without one."""
    if pol.startswith("adaptive-b") and pol[10:].isdigit():
        return int(pol[10:])
    return None


def run_one(sim, wl, wargs, pol, pargs, seed):
    out = subprocess.run([sim, *wargs, *pargs, f"seed={seed}", f"label={pol}"],
                         check=True, capture_output=True, text=True).stdout
    row = next(csv.DictReader(io.StringIO(out)))
    row = {"bench_workload": wl, **row}
    return row


def med(rows, key):
    vals = [float(r[key]) for r in rows]
    return statistics.median(vals), min(vals), max(vals)


def applies(rows, key):
    if key in OPTIONAL:
        return all(float(r[key]) >= 0 for r in rows)
    return True


def pick_static_best(agg, kind):
    st = agg["stock"]
    best = None
    for pol, m in agg.items():
        if not pol.startswith("static-"):
            continue
        if kind == "bulk":
            good = m["throughput_mbps"][0] >= 0.99 * st["throughput_mbps"][0]
        else:
            good = (m["p50_us"][0] <= 1.05 * st["p50_us"][0] and
                    m["p99_us"][0] <= 1.10 * st["p99_us"][0])
        # an open stream: no more loss than stock's (0.1% for noise)
        if m["_applies"]["loss"] and st["_applies"]["loss"]:
            good = good and m["loss"][0] <= st["loss"][0] + 0.001
        irq = m["guest_irq_per_pkt"][0] + m["dom0_irq_per_pkt"][0]
        if good and (best is None or irq < best[0]):
            best = (irq, pol)
    return best[1] if best else None


def fmt(m, key, prec):
    v, lo, hi = m[key]
    if v < 0:
        return "-"
    if lo == hi:
        return f"{v:.{prec}f}"
    return f"{v:.{prec}f} [{lo:.{prec}f}-{hi:.{prec}f}]"


def budget_oracle(wl, agg, b):
    """goals.py's budget oracle on workload wl's medians: the static setting
    with the lowest CPU per packet that holds budget b, None if none does."""
    rows = {pol: dict({k: m[k][0] if m["_applies"][k] else None for k in METRICS},
                      **m["_text"]) for pol, m in agg.items()}
    st = rows["stock"]
    name, _ = goals.oracle(rows, st, b, goals.kind(wl, st) == "bulk")
    return None if name == "stock" else name


def print_table(wl, kind, agg, best, title="", nseeds=None):
    opt = OPTS.get(wl, {})
    worst = " (p99: worst flow/guest)" if opt.get("p99") == "worst_p99_us" else ""
    print(f"\n== {wl}{title} ({'throughput' if kind == 'bulk' else 'latency'}-sensitive; "
          f"medians over {nseeds or len(seeds_of(wl))} seeds [min-max]){worst} ==")
    cols = [("guest irq/pkt", "guest_irq_per_pkt", 4),
            ("dom0 irq/pkt", "dom0_irq_per_pkt", 4),
            ("cpu ns/pkt", "cpu_ns_per_pkt", 0),
            ("p50 us", "p50_us", 1), ("p99 us", "p99_us", 1),
            ("Mbit/s", "throughput_mbps", 0)] + opt.get("extra", [])
    lines = [["policy"] + [c[0] for c in cols]]
    for name in ["stock", "static-best", "dim", "adaptive"] + [
            p for p in agg if budget_of(p) is not None]:
        pol = best if name == "static-best" else name
        if pol is None:
            lines.append([name + " (none qualifies)"] + ["-"] * len(cols))
            continue
        label = f"static-best ({pol})" if name == "static-best" else name
        lines.append([label] + [fmt(agg[pol], c[1], c[2]) for c in cols])
    for b in sorted({budget_of(p) for p in agg} - {None}):
        pol = budget_oracle(wl, agg, b)
        lines.append([f"static holding B={b} ({pol or 'none'})"] +
                     ([fmt(agg[pol], c[1], c[2]) for c in cols] if pol else
                      ["-"] * len(cols)))
    widths = [max(len(r[i]) for r in lines) for i in range(len(lines[0]))]
    for r in lines:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)))


def figures(outdir, aggs, best_of):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no figures; apt-get install python3-matplotlib)")
        return
    os.makedirs(outdir, exist_ok=True)
    colors = {"stock": "black", "dim": "tab:orange", "adaptive": "tab:green",
              "static-u16-f0": "tab:blue", "static-u64-f16": "tab:purple",
              "adaptive-b25": "tab:red", "adaptive-b50": "tab:brown",
              "adaptive-b100": "tab:olive"}

    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for ax, wl in zip(axes, ["rr", "mixed"]):
        if wl not in aggs:
            continue
        for pol, m in aggs[wl].items():
            x, y = m["cpu_ns_per_pkt"][0], m["p99_us"][0]
            if pol.startswith("static-"):
                star = pol == best_of.get(wl)
                ax.scatter(x, y, c="tab:blue", marker="*" if star else "o",
                           s=120 if star else 25, alpha=0.8,
                           label="static-best" if star else None)
                ax.annotate(pol[7:], (x, y), fontsize=6, alpha=0.7)
            else:
                ax.scatter(x, y, c=colors.get(pol, "tab:gray"), s=80, marker="D", label=pol)
        ax.scatter([], [], c="tab:blue", s=25, label="static u/f grid")
        ax.set_xlabel("CPU ns per packet (dom0 + guest)")
        ax.set_ylabel("p99 latency (us)")
        ax.set_title(f"{wl}: p99 latency vs CPU per packet")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"xcc-sim, medians of {len(SEEDS)} seeds - made by: {CMD}")
    fig.tight_layout()
    p1 = os.path.join(outdir, "sim-latency-vs-cpu.png")
    fig.savefig(p1, dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    show = ["stock", "static-u16-f0", "static-u64-f16", "dim", "adaptive"]
    for ax, key, what in [(axes[0], "guest_irq_per_pkt", "guest interrupts"),
                          (axes[1], "cpu_ns_per_pkt", "CPU ns (dom0 + guest)")]:
        for pol in show:
            xs, ys = [], []
            for r in POISSON_RATES:
                m = aggs.get(f"poisson_{r}", {}).get(pol)
                if m:
                    xs.append(r)
                    ys.append(m[key][0])
            ax.plot(xs, ys, marker="o", label=pol, color=colors.get(pol))
        ax.set_xscale("log")
        ax.set_xlabel("offered load (packets/s, Poisson, one-way to the guest)")
        ax.set_ylabel(f"{what} per packet")
        ax.set_title(f"{what} per packet vs offered load")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"xcc-sim, medians of {len(SEEDS)} seeds - made by: {CMD}")
    fig.tight_layout()
    p2 = os.path.join(outdir, "sim-irq-vs-load.png")
    fig.savefig(p2, dpi=110)
    plt.close(fig)
    print(f"\nfigures: {p1}\n         {p2}")


def aggregate(wl, rows, pols):
    """Medians per policy of workload wl's runs (rows)."""
    agg = {}
    keys = METRICS + [c[1] for c in OPTS.get(wl, {}).get("extra", [])]
    p99 = OPTS.get(wl, {}).get("p99", "p99_us")
    for pol, _ in pols:
        rs = [dict(r, kops=float(r["ops_per_s"]) / 1000,       # table units
                   kpps=float(r["pps"]) / 1000)
              for r in rows if r["policy"] == pol]
        if not rs:
            continue
        agg[pol] = {k: med(rs, k) for k in keys}
        agg[pol]["_applies"] = {k: applies(rs, k) for k in keys}
        agg[pol]["_text"] = {k: rs[0][k] for k in SUMMARY_TEXT}
        # the p99 reported (and compared): the worst flow's where asked
        agg[pol]["p99_us"] = agg[pol][p99]
        agg[pol]["_applies"]["p99_us"] = agg[pol]["_applies"][p99]
    return agg


def summary_rows(wl, agg, best, pols, source="sim", suffix="", extra=()):
    """build/bench/summary.csv rows (SUMMARY_HEADER) of workload wl;
    extra: (name, policy) rows more, e.g. ("ours-default", "stock")."""
    out = []
    names = [(n, n) for n in ["stock", "static-best", "dim", "adaptive"] +
             [p for p, _ in pols if budget_of(p) is not None] +
             [p for p, _ in pols if p.startswith("static-")]] + list(extra)
    for name, pol in names:
        pol = best if pol == "static-best" else pol
        if pol is None or pol not in agg:
            continue
        b = budget_of(pol)
        out.append([source, wl, name + suffix] +
                   [str(b) if k == "budget_us" and b is not None else
                    summary_cell(agg[pol], k) for k in SUMMARY_HEADER[3:]])
    return out


def simlab_rows(wl, rows, pols):
    """Medians, table and summary rows of lab-calibrated workload wl."""
    agg = aggregate(wl, rows, pols)
    best = pick_static_best(agg, "lat")
    print_table(wl, "lat", agg, best, title=", lab costs", nseeds=len(SIMLAB_SEEDS))
    return summary_rows(wl, agg, best, pols, SIMLAB_SOURCE, SIMLAB_SUFFIX,
                        [("ours-default", "stock")])


def summary_cell(m, key):
    if key in SUMMARY_TEXT:
        return m["_text"][key]
    if key not in m or not m["_applies"][key]:
        return ""       # budget_us: filled by summary_rows() where there is one
    if key in SUMMARY_INT:
        return f"{m[key][0]:.0f}"
    return f"{m[key][0]:.4g}"


def summary_upgrade(path):
    """A summary.csv with another header (an older one): rewrite it under
    SUMMARY_HEADER, by column name, new columns empty."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return False
    with open(path, newline="") as fp:
        rd = csv.DictReader(fp)
        if rd.fieldnames == SUMMARY_HEADER:
            return False
        old = list(rd)
    with open(path, "w", newline="") as fp:
        w = csv.DictWriter(fp, fieldnames=SUMMARY_HEADER, extrasaction="ignore",
                           restval="")
        w.writeheader()
        w.writerows(old)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--figures")
    ap.add_argument("--trace")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--lab-costs", default=LAB_COSTS,
                    help="xcc-sim params= file of the lab-calibrated rows "
                    f"(default {LAB_COSTS}; 'none': no such rows)")
    a = ap.parse_args()

    if a.trace:
        path = a.trace
        for base in [os.environ.get("PWD", ""), os.path.dirname(os.path.dirname(a.out))]:
            if not os.path.isabs(path) and base and not os.path.exists(path):
                cand = os.path.join(base, a.trace)
                if os.path.exists(cand):
                    path = cand
        if not os.path.exists(path):
            sys.exit(f"bench: trace file {a.trace} not found")
        WORKLOADS["trace"] = ([ "workload=trace", f"trace={os.path.abspath(path)}",
                                "warm_us=0"], "lat")

    os.makedirs(a.out, exist_ok=True)
    pols = policies()
    lpols = simlab_policies(pols)
    simlab = a.lab_costs != "none"
    if simlab and not os.path.isfile(a.lab_costs):
        sys.exit(f"bench: {a.lab_costs}: no such file (calibrate.py --lab ... "
                 "--write-params FILE makes it; --lab-costs none: no lab-calibrated rows)")
    jobs, ljobs = [], []
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for wl, (wargs, _) in WORKLOADS.items():
            for pol, pargs in pols:
                for s in seeds_of(wl):
                    jobs.append(ex.submit(run_one, a.sim, wl, wargs, pol, pargs, s))
        for wl in SIMLAB if simlab else []:
            for pol, pargs in lpols:
                for s in SIMLAB_SEEDS:
                    ljobs.append(ex.submit(run_one, a.sim, wl,
                                           simlab_args(wl, os.path.abspath(a.lab_costs)),
                                           pol, pargs, s))
        rows = [j.result() for j in jobs]
        lrows = [j.result() for j in ljobs]

    with open(os.path.join(a.out, "sim.csv"), "w", newline="") as fp:
        w = csv.DictWriter(fp, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)

    aggs, best_of = {}, {}
    summary = []
    for wl, (_, kind) in WORKLOADS.items():
        agg = aggregate(wl, [r for r in rows if r["bench_workload"] == wl], pols)
        aggs[wl] = agg
        best = pick_static_best(agg, kind)
        best_of[wl] = best
        print_table(wl, kind, agg, best)
        summary += summary_rows(wl, agg, best, pols)
    if lrows:
        with open(os.path.join(a.out, "sim-lab.csv"), "w", newline="") as fp:
            w = csv.DictWriter(fp, fieldnames=list(lrows[0].keys()))
            w.writeheader()
            w.writerows(lrows)
        print(f"\n==== the lab's workloads with the lab's costs ({a.lab_costs}): "
              f"summary rows source={SIMLAB_SOURCE}, policy + {SIMLAB_SUFFIX} ====")
        for wl in SIMLAB:
            summary += simlab_rows(wl, [r for r in lrows if r["bench_workload"] == wl],
                                   lpols)

    spath = os.path.join(a.out, "summary.csv")
    if summary_upgrade(spath):
        print(f"bench: {spath} had another header; rewritten under the new one")
    new = not os.path.exists(spath) or os.path.getsize(spath) == 0
    with open(spath, "a", newline="") as fp:
        w = csv.writer(fp)
        if new:
            w.writerow(SUMMARY_HEADER)
        w.writerows(summary)
    print(f"\n{len(rows)} runs: {os.path.join(a.out, 'sim.csv')}; " +
          (f"{len(lrows)} lab-calibrated: {os.path.join(a.out, 'sim-lab.csv')}; "
           if lrows else "") + f"{len(summary)} rows appended to {spath}")
    weight_sweep(a.sim, a.jobs)
    if a.figures:
        figures(a.figures, aggs, best_of)
    return 0


if __name__ == "__main__":
    sys.exit(main())
