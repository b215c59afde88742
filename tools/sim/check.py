#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regression tests of xcc-sim with fixed seeds. TAP output, ending with
'N passed, M failed'; exit status 1 if any failed."""
import argparse
import csv
import io
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench        # noqa: E402  (the sweep's aggregation and summary rows)
import calibrate    # noqa: E402

SIM = None
RESULTS = []
WORKLOADS = ["bulk_rx", "bulk_tx", "rr", "poisson", "onoff", "mixed", "phase"]
POLICIES = [("stock", ["policy=off"]),
            ("static-u32-f16", ["policy=static", "usecs=32", "frames=16"]),
            ("static-u128-f0", ["policy=static", "usecs=128", "frames=0"]),
            ("dim", ["policy=dim"]),
            ("adaptive", ["policy=adaptive"])]
SHORT = ["dur_us=60000", "warm_us=10000"]
# the lab-comparable workloads: peers in dom0, Xen's timer slop
LAB = ["peer=dom0", "timer_slop_ns=50000"]
LAB_WORKLOADS = [["workload=open", "rate=20000", "pkt=64"],
                 ["workload=open", "dir=tx", "rate=20000", "pkt=256"],
                 ["workload=redis"], ["workload=rr", "conc=8"],
                 ["workload=density", "guests=2", "rate=20000", "pkt=64"],
                 ["workload=g2g"], ["workload=g2g_open", "rate=20000", "pkt=64"]]
# synthetic calibration rows: the simulator with only the costs the fit has
# (per packet, per interrupt, per byte; the same both ways), the rest 0
CAL_TRUE = {"dom0": {"ns_per_pkt": 1100, "ns_per_irq": 2000, "ps_per_byte": 300},
            "guest": {"ns_per_pkt": 800, "ns_per_irq": 1700, "ps_per_byte": 120}}
CAL_ZERO = ["d0_hcall_ns", "d0_napi_ns", "d0_kthread_ns", "d0_timer_ns",
            "nic_irq_ns", "nic_pkt_ns", "nic_byte_ps", "d0_app_wake_ns",
            "d0_app_pkt_ns", "d0_app_byte_ps", "d0_sock_tx_ns", "g_hcall_ns",
            "g_napi_ns", "g_gc_pkt_ns", "g_timer_ns", "g_app_wake_ns",
            "g_app_req_ns", "g_app_pkt_ns", "g_app_byte_ps"]


def cal_costs():
    t = CAL_TRUE
    args = []
    for pre, dom in (("d0", "dom0"), ("g", "guest")):
        args += [f"{pre}_irq_ns={t[dom]['ns_per_irq']}"]
        for d in ("rx", "tx"):
            args += [f"{pre}_{d}_pkt_ns={t[dom]['ns_per_pkt']}",
                     f"{pre}_{d}_byte_ps={t[dom]['ps_per_byte']}"]
    return args + [f"{k}=0" for k in CAL_ZERO]

# synthetic --lab rows: the costs each domain pays (ns; ps_per_byte in ps)
LAB_TRUE = {"dom0": {"ns_per_rx_pkt": 1800, "ns_per_tx_pkt": 900,
                     "ns_per_irq": 2500, "ns_per_timer": 1200, "ps_per_byte": 400,
                     "ns_per_window:open_rx": 3e7, "ns_per_window:open_tx": 6e7,
                     "ns_per_window:pingpong": 4e7},
            "guest": {"ns_per_rx_pkt": 700, "ns_per_tx_pkt": 1100,
                      "ns_per_irq": 2000, "ns_per_timer": 1500, "ps_per_byte": 150,
                      "ns_per_window:open_rx": 5e6, "ns_per_window:open_tx": 2e7,
                      "ns_per_window:pingpong": 1e7}}
LAB_COLS = ["config", "workload", "guest", "rc", "spec", "boot", "point",
            "cpu_window_s", "d0_cpu_ns", "g_cpu_ns", "vif_tx_pkts", "vif_rx_pkts",
            "cpu_vif_tx_pkts", "cpu_vif_rx_pkts", "g_rx_pkts", "g_tx_pkts",
            "d0_txq_irq", "d0_rxq_irq", "g_rx_irq", "g_tx_irq", "d0_timer_irq",
            "g_timer_irq", "vif_tx_bytes", "vif_rx_bytes", "g_mbytes"]


def cal_lab_rows(true, pace=None):
    """points.csv rows: open streams each way and ping-pong at several
    rates, interrupts, timers and packet sizes, each domain's CPU from the
    costs in true (0.05% of deterministic noise); one point has 2 guests.
    pace: every timer interrupt a paced sender's, pace per packet sent."""
    rows, seed = [], [12345]

    def rnd():
        seed[0] = (seed[0] * 1103515245 + 12345) % 2 ** 31
        return seed[0] / 2 ** 31

    n = 0
    for kind, spec, dur in (("open_rx", "open dir=rx msg=64 t=1", 1.07),
                            ("open_tx", "open dir=tx msg=64 t=1", 1.3),
                            ("pingpong", "pingpong proto=udp t=1", 3.4)):
        for rate in (2000, 5000, 10000, 20000):
            for cfg in range(4):
                n += 1
                guests = ["g1", "g2"] if n == 7 else ["g1"]
                d0 = {"rx": 0, "tx": 0, "irq": 0, "bytes": 0}
                out = []
                for gi, g in enumerate(guests):
                    pk = rate * (1 + 0.3 * rnd()) / (gi + 1)
                    rx, tx = ((pk, pk / 10) if kind == "open_rx" else
                              (pk / 10, pk) if kind == "open_tx" else (pk, pk))
                    size = 80 + 1400 * rnd()
                    r = {"config": f"c{cfg}", "workload": kind, "guest": g, "rc": 0,
                         "spec": spec, "boot": "rep1", "point": f"{n:03d}_c{cfg}_{kind}",
                         "cpu_window_s": dur * (1 + 0.02 * rnd()),
                         "cpu_vif_tx_pkts": round(rx), "cpu_vif_rx_pkts": round(tx),
                         "g_rx_pkts": round(rx), "g_tx_pkts": round(tx),
                         "d0_txq_irq": round(tx * (0.05 + 0.9 * rnd())), "d0_rxq_irq": 0,
                         "g_rx_irq": round(rx * (0.05 + 0.9 * rnd())),
                         "g_tx_irq": round(tx * (0.05 + 0.9 * rnd())),
                         "g_timer_irq": (round(pace * tx) if pace else
                                         round(300 + (rx + tx) * rnd())),
                         "vif_tx_bytes": round(rx * size), "vif_rx_bytes": round(tx * size)}
                    r["vif_tx_pkts"], r["vif_rx_pkts"] = r["cpu_vif_tx_pkts"], r["cpu_vif_rx_pkts"]
                    r["g_mbytes"] = (r["vif_tx_bytes"] + r["vif_rx_bytes"]) / 1e6
                    for k, v in (("rx", r["cpu_vif_tx_pkts"]), ("tx", r["cpu_vif_rx_pkts"]),
                                 ("irq", r["d0_txq_irq"]),
                                 ("bytes", r["vif_tx_bytes"] + r["vif_rx_bytes"])):
                        d0[k] += v
                    t = true["guest"]
                    r["g_cpu_ns"] = (t["ns_per_rx_pkt"] * r["g_rx_pkts"] +
                                     t["ns_per_tx_pkt"] * r["g_tx_pkts"] +
                                     t["ns_per_irq"] * (r["g_rx_irq"] + r["g_tx_irq"]) +
                                     t["ns_per_timer"] * r["g_timer_irq"] +
                                     t["ps_per_byte"] * r["g_mbytes"] * 1e6 / 1000 +
                                     t[f"ns_per_window:{kind}"]) * (1 + 5e-4 * (rnd() - 0.5))
                    out.append(r)
                timer = (pace * d0["tx"] if pace else
                         round(300 + (d0["rx"] + d0["tx"]) * rnd()))
                t = true["dom0"]
                cpu = (t["ns_per_rx_pkt"] * d0["rx"] + t["ns_per_tx_pkt"] * d0["tx"] +
                       t["ns_per_irq"] * d0["irq"] + t["ns_per_timer"] * timer +
                       t["ps_per_byte"] * d0["bytes"] / 1000 +
                       t[f"ns_per_window:{kind}"]) * (1 + 5e-4 * (rnd() - 0.5))
                for r in out:
                    r["d0_timer_irq"], r["d0_cpu_ns"] = timer, cpu
                    r["cpu_window_s"] = out[0]["cpu_window_s"]
                rows += out
    return rows


def cal_write_points(path, rows):
    with open(path, "w", newline="") as fp:
        w = csv.DictWriter(fp, fieldnames=LAB_COLS)
        w.writeheader()
        w.writerows(rows)


def cal_report_columns(tmp):
    """Run tools/lab/lib/report.py on one made-up point; True if its new
    columns hold what the snapshots say and come after the older ones."""
    top = os.path.join(tmp, "report")
    pdir = os.path.join(top, "results", "points", "001_stock_open_rx_64_2000")
    os.makedirs(pdir, exist_ok=True)
    with open(os.path.join(top, "results", "status"), "w") as fp:
        fp.write("PASS\n")
    snaps = {
        "point.txt": ["config stock", "workload open_rx_64_2000",
                      "spec open dir=rx rate=2000 msg=64 t=1",
                      "guest g1 domid=3 vif=vif3.0 flavour=stock queues=1",
                      "netback stock", "selected g1", "rc 0"],
        "dom0.before": ["uptime 10.0", "irq/timer0 100", "irq/timer1 50",
                        "irq/vif3.0-q0-tx 10", "irq/vif3.0-q0-rx 1",
                        "irq/evtchn:xenstored 7", "net/vif3.0/tx_packets 1000",
                        "net/vif3.0/rx_packets 100", "net/vif3.0/tx_bytes 50000",
                        "net/vif3.0/rx_bytes 9000", "stat/ctxt 500"],
        "dom0.after": ["uptime 11.5", "irq/timer0 2100", "irq/timer1 60",
                       "irq/vif3.0-q0-tx 210", "irq/vif3.0-q0-rx 1",
                       "irq/evtchn:xenstored 11", "net/vif3.0/tx_packets 3002",
                       "net/vif3.0/rx_packets 302", "net/vif3.0/tx_bytes 250000",
                       "net/vif3.0/rx_bytes 29000", "stat/ctxt 4500"],
        "g1.before": ["uptime 5.0", "irq/timer0 40", "irq/vif0-q0-rx 5", "irq/xenbus 3",
                      "net/eth0/rx_packets 1000", "net/eth0/tx_packets 100", "stat/ctxt 70"],
        "g1.after": ["uptime 6.8", "irq/timer0 340", "irq/vif0-q0-rx 2005", "irq/xenbus 7",
                     "net/eth0/rx_packets 3002", "net/eth0/tx_packets 302", "stat/ctxt 2070"],
        "cpu.begin": ["uptime 10.2", "xc/dom0/ns 1000000000", "xc/dom3/ns 500000000",
                      "net/vif3.0/rx_packets 100", "net/vif3.0/tx_packets 1000"],
        "cpu.end": ["uptime 11.3", "xc/dom0/ns 1150000000", "xc/dom3/ns 590000000",
                    "net/vif3.0/rx_packets 301", "net/vif3.0/tx_packets 3001"],
    }
    for name, lines in snaps.items():
        with open(os.path.join(pdir, name), "w") as fp:
            fp.write("\n".join(lines) + "\n")
    rp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab", "lib",
                      "report.py")
    subprocess.run([sys.executable, rp, top], capture_output=True, text=True)
    try:
        with open(os.path.join(top, "points.csv"), newline="") as fp:
            rd = csv.DictReader(fp)
            r = next(rd)
            head = rd.fieldnames
    except (OSError, StopIteration):
        return False
    want = {"d0_timer_irq": 2010, "g_timer_irq": 300, "d0_misc_irq": 4,
            "g_misc_irq": 4, "vif_tx_bytes": 200000, "vif_rx_bytes": 20000,
            "cpu_vif_tx_pkts": 2001, "cpu_vif_rx_pkts": 201, "d0_ctxt": 4000,
            "g_ctxt": 2000}
    return (all(float(r[k]) == v for k, v in want.items()) and
            head[-len(want):] == list(want) and float(r["d0_cpu_ns"]) == 150000000 and
            float(r["d0_txq_irq"]) == 200)


def goals_rows():
    """A made-up summary.csv for goals.py: (values chosen so that each goal
    passes on one row and fails on another)."""
    def r(src, wl, pol, cls, **kv):
        return dict(source=src, workload=wl, policy=pol, **{"class": cls}, **kv)
    rr = [r("sim", "rr", "stock", "rr", p50_us=20, p99_us=30, cpu_ns_per_pkt=1000,
            guest_irq_per_pkt=0.5, dom0_irq_per_pkt=0.5),
          r("sim", "rr", "adaptive", "rr", p50_us=20.2, p99_us=33, cpu_ns_per_pkt=990),
          # budget 25 from the name, 50 from the column
          r("sim", "rr", "adaptive-b25", "rr", p50_us=60, p99_us=85, cpu_ns_per_pkt=800,
            guest_irq_per_pkt=0.3, dom0_irq_per_pkt=0.3),
          r("sim", "rr", "adaptive-x", "rr", budget_us=50, p50_us=60, p99_us=85,
            cpu_ns_per_pkt=800),
          r("sim", "rr", "static-u8-f0", "rr", p50_us=30, p99_us=50, cpu_ns_per_pkt=900,
            guest_irq_per_pkt=0.4, dom0_irq_per_pkt=0.4),
          r("sim", "rr", "static-u64-f0", "rr", p50_us=100, p99_us=150, cpu_ns_per_pkt=500),
          # the unconstrained oracle of old: cheaper than adaptive
          r("sim", "rr", "static-best", "rr", p50_us=20, p99_us=30, cpu_ns_per_pkt=100),
          r("sim", "rr", "dim", "rr", p50_us=25, p99_us=40, cpu_ns_per_pkt=700)]
    return rr + [dict(x, source="sim-lab", policy=x["policy"] + "@lab") for x in rr] + [
        r("sim", "open_rx_64_100000", "stock", "open", p50_us=30, p99_us=40, loss=0,
          guest_cpu_ns_per_pkt=3000, dom0_cpu_ns_per_pkt=2000),
        r("sim", "open_rx_64_100000", "adaptive", "open", p50_us=31, p99_us=45, loss=0,
          guest_cpu_ns_per_pkt=3000, dom0_cpu_ns_per_pkt=2000),
        r("sim", "open_rx_64_100000", "adaptive-b50", "open", budget_us=50, p50_us=50,
          p99_us=60, loss=0.0005, guest_cpu_ns_per_pkt=2500, dom0_cpu_ns_per_pkt=1600),
        r("sim", "open_rx_64_100000", "adaptive-b25", "open", budget_us=25, p50_us=50,
          p99_us=60, loss=0.01, guest_cpu_ns_per_pkt=2500, dom0_cpu_ns_per_pkt=1600),
        r("sim", "memcached", "stock", "open", p50_us=60, p99_us=80, loss=0, cpu_ns_per_pkt=8000),
        r("sim", "memcached", "adaptive-b50", "open", budget_us=50, p50_us=90, p99_us=120,
          loss=0, cpu_ns_per_pkt=6000),
        r("sim", "memcached", "static-u16-f16", "open", p50_us=90, p99_us=120, loss=0,
          cpu_ns_per_pkt=7000),
        r("sim", "memcached", "static-u32-f0", "open", p50_us=90, p99_us=120, loss=0.05,
          cpu_ns_per_pkt=5000),
        r("sim", "bulk_rx", "stock", "bulk", throughput_mbps=9000, cpu_ns_per_pkt=2000),
        r("sim", "bulk_rx", "adaptive", "bulk", throughput_mbps=8950, cpu_ns_per_pkt=2030),
        r("sim", "bulk_rx", "adaptive-b50", "bulk", budget_us=50, throughput_mbps=8800,
          cpu_ns_per_pkt=1500),
        r("sim", "mixed", "stock", "mixed", p50_us=50, p99_us=100, throughput_mbps=5000,
          cpu_ns_per_pkt=3000),
        r("sim", "mixed", "adaptive-b50", "mixed", budget_us=50, p50_us=50, p99_us=190,
          throughput_mbps=4950, cpu_ns_per_pkt=3000),
        r("sim", "mixed", "adaptive-b25", "mixed", budget_us=25, p50_us=50, p99_us=160,
          throughput_mbps=4800, cpu_ns_per_pkt=3500),
        r("sim", "density_8", "stock", "density", p50_us=50, p99_us=100, throughput_mbps=100,
          dom0_cpu_ns_per_pkt=4000, guest_cpu_ns_per_pkt=1000),
        r("sim", "density_8", "adaptive-b50", "density", budget_us=50, p50_us=60, p99_us=150,
          throughput_mbps=100, dom0_cpu_ns_per_pkt=2900, guest_cpu_ns_per_pkt=1000),
        r("sim", "density_8", "adaptive-b25", "density", budget_us=25, p50_us=60, p99_us=150,
          throughput_mbps=100, dom0_cpu_ns_per_pkt=3500, guest_cpu_ns_per_pkt=1000),
        r("lab", "density_8", "stock", "density", p50_us=500, p99_us=900,
          dom0_cpu_ns_per_pkt=4000, guest_cpu_ns_per_pkt=1000, pps=1600),
        r("lab", "density_8", "adaptive-b200", "density", budget_us=200, p50_us=500,
          p99_us=900, dom0_cpu_ns_per_pkt=3100, guest_cpu_ns_per_pkt=1000, pps=1600),
        r("lab", "redis", "stock", "manyflow", pps=20000, p50_us=500, p99_us=900,
          dom0_cpu_ns_per_pkt=5000, guest_cpu_ns_per_pkt=5000),
        r("lab", "redis", "adaptive-b200", "manyflow", budget_us=200, pps=20100, p50_us=600,
          p99_us=1000, dom0_cpu_ns_per_pkt=4200, guest_cpu_ns_per_pkt=4200),
        r("lab", "redis", "adaptive-b100", "manyflow", budget_us=100, pps=19000, p50_us=600,
          p99_us=1000, dom0_cpu_ns_per_pkt=4200, guest_cpu_ns_per_pkt=4200),
        r("lab", "redis", "ours-default", "manyflow", pps=19700, p50_us=500, p99_us=900,
          dom0_cpu_ns_per_pkt=5100, guest_cpu_ns_per_pkt=5200),
    ]


def goals_expected():
    """What goals.py says on goals_rows(), per goal (both verdicts each)."""
    s, l = "sim", "lab"
    return {
        "budget held: p50/p99 <= stock + 2B, no loss where stock has none (0.001), "
        "bulk throughput >= 0.99x": {
            (s, "rr", "budget B=25: p50 <= stock + 2B"): True,
            (s, "rr", "budget B=25: p99 <= stock + 2B"): False,
            (s, "open_rx_64_100000", "budget B=50: no loss (stock none)"): True,
            (s, "open_rx_64_100000", "budget B=25: no loss (stock none)"): False,
            (s, "bulk_rx", "budget B=50: throughput >= 0.99 x stock"): False,
            (s, "mixed", "budget B=50: p99 <= stock + 2B"): True},
        "near the budget oracle: the cheapest static holding B (not one that breaks "
        "the latency or loses), stock where none does, DIM where it holds B": {
            (s, "rr", "oracle B=25: cpu <= 1.05 x best static holding B"): True,
            (s, "rr", "oracle B=25: cpu <= 1.05 x dim"): False,
            (s, "memcached", "oracle B=50: cpu <= 1.05 x best static holding B"): True,
            (s, "bulk_rx", "oracle B=50: cpu <= 1.05 x best static holding B"): True,
            (s, "open_rx_64_100000", "oracle B=50: cpu <= 1.05 x best static holding B"): True,
            (s, "mixed", "oracle B=25: cpu <= 1.05 x best static holding B"): False},
        "where it pays: memcached and open 50k-200k at B=50 CPU <= 0.8x stock (sim), "
        "lab redis at B=200 ops/s (pps) >= stock, CPU <= 0.85x": {
            (s, "memcached", "pays B=50: cpu <= 0.8 x stock"): True,
            (s, "open_rx_64_100000", "pays B=50: cpu <= 0.8 x stock"): False,
            (l, "redis", "pays B=200: cpu <= 0.85 x stock"): True,
            (l, "redis", "pays B=200: ops/s (pps) >= stock"): True,
            (l, "redis", "pays B=100: cpu <= 0.85 x stock"): "missing",
            (s, "rr", "pays B=50: cpu <= 0.8 x stock"): "missing"},
        "neighbours: worst p99 <= stock + 2B (budget held's p99 on these rows), throughput >= 0.98x, density_8 dom0 CPU "
        "<= 0.75x stock (sim B=50, lab B=200)": {
            (s, "mixed", "budget B=25: p99 <= stock + 2B"): False,
            (s, "mixed", "neighbours B=50: throughput >= 0.98 x stock"): True,
            (s, "mixed", "neighbours B=25: throughput >= 0.98 x stock"): False,
            (s, "density_8", "neighbours B=50: dom0 cpu <= 0.75 x stock"): True,
            (s, "density_8", "neighbours B=25: dom0 cpu <= 0.75 x stock"): "missing",
            (l, "density_8", "neighbours B=200: dom0 cpu <= 0.75 x stock"): False},
        "no harm without a budget: rr p50 1.02x / p99 1.05x, bulk throughput 0.99x and "
        "CPU 1.01x, others 1.05x / 1.10x; lab ours-default pps 0.99x, CPU within 3%": {
            (s, "rr", "no harm: p50 <= 1.02 x stock"): True,
            (s, "rr", "no harm: p99 <= 1.05 x stock"): False,
            (s, "bulk_rx", "no harm: throughput >= 0.99 x stock"): True,
            (s, "bulk_rx", "no harm: cpu <= 1.01 x stock"): False,
            (s, "open_rx_64_100000", "no harm: p50 <= 1.05 x stock"): True,
            (s, "open_rx_64_100000", "no harm: p99 <= 1.1 x stock"): False,
            (l, "redis", "ours-default: pps >= 0.99 x stock"): False,
            (l, "redis", "ours-default: dom0 cpu within 3% of stock"): True,
            (l, "redis", "ours-default: guest cpu within 3% of stock"): False},
    }


def run(*args, raw=False):
    out = subprocess.run([SIM, *args], check=True, capture_output=True,
                         text=True).stdout
    if raw:
        return out
    return next(csv.DictReader(io.StringIO(out)))


def ok(cond, name, diag=""):
    RESULTS.append(bool(cond))
    print(f"{'ok' if cond else 'not ok'} {len(RESULTS)} - {name}")
    if not cond and diag:
        for line in str(diag).splitlines():
            print(f"# {line}")


def f(row, key):
    return float(row[key])


def main():
    global SIM
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--tmp", required=True)
    a = ap.parse_args()
    SIM = a.sim
    os.makedirs(a.tmp, exist_ok=True)
    print("TAP version 13")

    # determinism
    for w in ["rr", "bulk_rx", "mixed", "poisson"]:
        x = run(f"workload={w}", "policy=adaptive", "seed=7", *SHORT, raw=True)
        y = run(f"workload={w}", "policy=adaptive", "seed=7", *SHORT, raw=True)
        ok(x == y, f"same seed, same output: {w}", x + y)
    x = run("workload=rr", "seed=1", *SHORT, raw=True)
    y = run("workload=rr", "seed=2", *SHORT, raw=True)
    ok(x != y, "different seeds differ (wire jitter)")

    # stock never holds; no stranded packet for any policy
    for w in WORKLOADS:
        for name, pol in POLICIES:
            r = run(f"workload={w}", *pol, "seed=3", *SHORT)
            if name == "stock":
                ok(r["held"] == "0" and r["timer_fires"] == "0" and
                   r["xmit_more_held"] == "0" and r["eoi_delays"] == "0",
                   f"stock never holds a notification nor gets an EOI delay: {w}", r)
            ok(r["stranded"] == "0" and r["owed"] == "0" and int(r["pkts"]) > 0,
               f"no stranded packet: {w} {name}", r)
    for pre in ["0", "1"]:
        r = run("workload=mixed", "policy=static", "usecs=64", "frames=64",
                f"irq_preempt={pre}", "seed=5", *SHORT)
        ok(r["stranded"] == "0" and r["owed"] == "0",
           f"no stranded packet with irq_preempt={pre}", r)
    r = run("workload=bulk_rx", "seg=65160", "window=32", "policy=static",
            "usecs=128", "frames=64", *SHORT)
    ok(r["stranded"] == "0", "no stranded packet with GSO segments", r)

    # coalescing does what it says
    # (a bulk flow keeps netfront polling: few interrupts to halve there)
    st = run("workload=poisson", "rate=200000", "seed=1", *SHORT)
    vt = run("workload=poisson", "rate=200000", "seed=1", "vif_tx=32", *SHORT)
    ok(f(vt, "guest_irq_per_pkt") < 0.5 * f(st, "guest_irq_per_pkt"),
       "static vif tx-usecs 32 halves guest interrupts per packet at 200k pps",
       f"stock {st['guest_irq_per_pkt']} vif_tx=32 {vt['guest_irq_per_pkt']}")
    ok(f(vt, "throughput_mbps") >= 0.95 * f(st, "throughput_mbps"),
       "... at the same throughput", f"{st['throughput_mbps']} {vt['throughput_mbps']}")
    st = run("workload=bulk_rx", "seed=1", *SHORT)
    ok(f(st, "throughput_mbps") > 1000, "stock bulk_rx moves > 1 Gbit/s", st)
    bt = run("workload=bulk_tx", "seed=1", *SHORT)
    et = run("workload=bulk_tx", "seed=1", "eth_tx=32", *SHORT)
    ok(f(et, "dom0_irq_per_pkt") <= f(bt, "dom0_irq_per_pkt"),
       "static eth tx-usecs does not raise dom0 interrupts in bulk_tx",
       f"{bt['dom0_irq_per_pkt']} {et['dom0_irq_per_pkt']}")

    # latency sanity
    rr = run("workload=rr", "seed=1", *SHORT)
    ok(10 < f(rr, "p50_us") < 100, "stock rr p50 is tens of us", rr["p50_us"])
    ok(f(rr, "guest_irq_per_pkt") > 0.9, "stock rr: about one guest interrupt per packet",
       rr["guest_irq_per_pkt"])
    er = run("workload=rr", "seed=1", "eth_rx=50", *SHORT)
    d = f(er, "p50_us") - f(rr, "p50_us")
    ok(5 <= d <= 55, "eth rx-usecs 50 adds between 0 and 50 us to rr p50", f"added {d:.1f}")
    for u in [16, 64]:
        s = run("workload=rr", "seed=1", "policy=static", f"usecs={u}", *SHORT)
        bound = f(rr, "p99_us") + 4 * u + 10
        ok(f(s, "p99_us") <= bound and f(s, "p50_us") > f(rr, "p50_us"),
           f"static {u} us on the 4 levers of the rr path: p50 up, p99 <= stock + 4x{u}",
           f"p99 {s['p99_us']} bound {bound:.1f}")
    ad = run("workload=rr", "seed=1", "policy=adaptive", *SHORT)
    ok(f(ad, "p50_us") <= 1.05 * f(rr, "p50_us"),
       "adaptive leaves rr latency at stock level", f"{rr['p50_us']} {ad['p50_us']}")
    po = run("workload=poisson", "rate=1000", "seed=1", *SHORT)
    ok(0 < f(po, "p50_us") < 30 and f(po, "lat_n") > 30,
       "one-way latency at low load is a few us", po)

    # wake_preempt: dom0's guest-RX kthread of the request/response vif
    # preempts the bulk vif's (CFS wake-up preemption of a sleeper)
    alone = run("workload=rr", "seed=3", *SHORT)
    fifo = run("workload=mixed", "seed=3", "wake_preempt=0", *SHORT)
    cfs = run("workload=mixed", "seed=3", *SHORT)
    ok(f(cfs, "p50_us") < 1.5 * f(alone, "p50_us") < f(fifo, "p50_us"),
       "a woken kthread preempts the bulk vif's: mixed rr p50 near rr alone",
       f"rr alone {alone['p50_us']}, mixed {cfs['p50_us']}, "
       f"wake_preempt=0 {fifo['p50_us']}")

    # lat_out: every sample the percentiles come from, nothing else
    lo = os.path.join(a.tmp, "lat.csv")
    m = run("workload=mixed", "policy=adaptive", "seed=1", f"lat_out={lo}",
            *SHORT)
    with open(lo, newline="") as fp:
        rows = list(csv.DictReader(fp))
    rr_ns = sorted(int(x["lat_ns"]) for x in rows if x["kind"] == "rr")
    ow = sum(1 for x in rows if x["kind"] == "oneway")
    p50 = rr_ns[int(0.50 * (len(rr_ns) - 1) + 0.5)] / 1000 if rr_ns else -1
    ok(len(rr_ns) == int(m["lat_n"]) and ow > 0 and
       abs(p50 - f(m, "p50_us")) < 0.01,
       "lat_out writes the samples behind lat_n and p50",
       f"rows rr {len(rr_ns)} oneway {ow}, lat_n {m['lat_n']}, "
       f"p50 {p50:.2f} vs {m['p50_us']}")

    # budget_us, nic_us: the levers' latency budget (xcc_cap_usecs: an
    # adaptive lever adds at most (budget - nic) / 2); verbose prints each
    # lever's longest timer delay
    def timer_max(*args):
        cp = subprocess.run([SIM, *args, "verbose=1", *SHORT], check=True,
                            capture_output=True, text=True)
        return {x[:7]: int(x.split("timer max ")[1].split()[0])
                for x in cp.stderr.splitlines() if " timer max " in x}
    free = timer_max("workload=poisson", "rate=200000", "policy=adaptive")
    capped = timer_max("workload=poisson", "rate=200000", "policy=adaptive",
                       "budget_us=40", "nic_us=10")
    ok(len(free) == len(capped) == 5 and max(free.values()) > 15 and
       0 < max(capped.values()) <= 15,
       "budget_us=40 nic_us=10: no adaptive lever holds more than (40 - 10) / 2 = 15 us "
       "(> 15 without a budget), and some still hold", f"{free} {capped}")
    rb = run("workload=rr", "policy=adaptive", "budget_us=200", "nic_us=10", *SHORT)
    ok(rb == run("workload=rr", "policy=adaptive", *SHORT) and
       run("workload=rr", "policy=static", "usecs=32", "budget_us=40", *SHORT, raw=True) ==
       run("workload=rr", "policy=static", "usecs=32", *SHORT, raw=True),
       "a budget above usecs_high changes nothing, nor on a static setting (budget: adaptive only)")
    errs = []
    for bad in ["budget_us=100001", "nic_us=100001", "budget_us=99999999999",
                "budget_us=x"]:
        cp = subprocess.run([SIM, "policy=adaptive", bad, *SHORT], capture_output=True,
                            text=True)
        errs.append((bad, cp.returncode, cp.stderr.strip()))
    ok(all(rc == 2 for _, rc, _ in errs) and
       all("latency budget or NIC delay above 100000 us" in e for _, _, e in errs[:3]) and
       "not a number" in errs[3][2],
       "budget_us/nic_us beyond what xcc_params_check() takes: rejected with its reason", errs)

    # memcached: Poisson requests (open loop), answered svc_ns later
    mc = {name: run("workload=memcached", *pol, "seed=3", *SHORT) for name, pol in POLICIES}
    ok(all(r["stranded"] == "0" and r["owed"] == "0" and int(r["pkts"]) > 0 and
           r["class"] == "open" and f(r, "offered_pps") == 40000 for r in mc.values()),
       "memcached moves packets, nothing stranded, class open, 40k requests/s offered",
       mc["stock"])
    m0 = mc["stock"]
    n = int(m0["offered"])
    ok(abs(n - 40000 * 0.05) < 0.1 * 2000 and m0["loss"] == "0.000000" and
       abs(int(m0["lat_n"]) - n) <= 2 and abs(int(m0["pkts"]) - 2 * n) < 0.02 * n and
       abs(f(m0, "ops_per_s") - 40000) < 0.1 * 40000,
       "memcached: ~2000 Poisson requests in 50 ms, each answered (a round trip, 2 packets)",
       m0)
    fast = run("workload=memcached", "svc_ns=0", "seed=3", *SHORT)
    slow = run("workload=memcached", "svc_ns=100000", "seed=3", *SHORT)
    ok(25 <= f(m0, "p50_us") - f(fast, "p50_us") <= 40 and
       95 <= f(slow, "p50_us") - f(fast, "p50_us") <= 110 and
       abs(f(slow, "ops_per_s") - f(fast, "ops_per_s")) < 0.05 * f(fast, "ops_per_s"),
       "memcached: the response comes svc_ns later (p50 +30 us at the default, +100 us "
       "at 100 us), open loop: as many requests/s", f"{fast['p50_us']} {m0['p50_us']} "
       f"{slow['p50_us']} {fast['ops_per_s']} {slow['ops_per_s']}")
    big = run("workload=memcached", "resp=1024", "seed=3", *SHORT)
    d0m = run("workload=memcached", *LAB, "seed=3", *SHORT)
    ok(f(fast, "throughput_mbps") < f(big, "throughput_mbps") and
       d0m["stranded"] == "0" and int(d0m["lat_n"]) > 1000 and d0m["loss"] == "0.000000",
       "memcached: resp= sets the responses' size; peer=dom0 works", f"{big}\n{d0m}")

    # the lab-comparable workloads: traffic flows, nothing stranded
    for wl in LAB_WORKLOADS:
        for name, pol in POLICIES:
            r = run(*wl, *LAB, *pol, "seed=3", *SHORT)
            what = " ".join(w.split("=")[1] for w in wl)
            if name == "stock":
                ok(r["held"] == "0" and r["timer_fires"] == "0" and
                   r["xmit_more_held"] == "0", f"stock never holds: {what}", r)
            ok(r["stranded"] == "0" and r["owed"] == "0" and int(r["pkts"]) > 0
               and int(r["lat_n"]) > 0 and r["timers"] == "default",
               f"traffic flows, round trips measured, nothing stranded: {what} {name}", r)

    # open: the offered packets, their echoes, no loss at a low rate
    for d in ["rx", "tx"]:
        o = run("workload=open", f"dir={d}", "rate=5000", "pkt=64", *LAB, *SHORT)
        n = int(o["offered"])
        ok(abs(n - 5000 * 0.05) <= 1 and o["loss"] == "0.000000" and
           f(o, "offered_pps") == 5000 and abs(int(o["lat_n"]) - n / 50) <= 1 and
           o["class"] == "open",
           f"open dir={d} 5000 pps: 250 offered, no loss, every 50th echoed", o)
    # an echo's round trip: there and back (the one-way time is there only)
    o = run("workload=open", "dir=tx", "rate=5000", "pkt=64", *LAB, *SHORT)
    rr0 = run("workload=rr", *LAB, *SHORT)
    ok(f(o, "p50_us") > 1.5 * f(o, "ow_p50_us") and
       f(o, "p50_us") > 0.5 * f(rr0, "p50_us"),
       "open dir=tx: an echo's round trip > 1.5 x the one-way time, ~ an rr round trip",
       f"echo p50 {o['p50_us']} one-way p50 {o['ow_p50_us']} rr p50 {rr0['p50_us']}")
    # the sender's timer: catch-up bursts every tick_ns, or even spacing
    burst = {}
    for tick in [100000, 0]:
        cp = subprocess.run([SIM, "workload=open", "dir=tx", "rate=200000", "pkt=64",
                             f"tick_ns={tick}", "verbose=1", *LAB, *SHORT],
                            check=True, capture_output=True, text=True)
        o = next(csv.DictReader(io.StringIO(cp.stdout)))
        wk = [int(x.split("sender wake-ups ")[1].split()[0])
              for x in cp.stderr.splitlines() if x.startswith("flow 0:")]
        burst[tick] = (wk[0] if wk else -1, int(o["offered"]))
    ok(abs(burst[100000][0] - 500) <= 1 and burst[100000][1] == 10000 and
       abs(burst[0][0] - burst[0][1]) <= 1,
       "open 200k pps: sent in 500 wake-ups of 20 (tick_ns=100000), one by one (tick_ns=0)",
       burst)

    # manyflow, redis
    m8 = run("workload=rr", "conc=8", *LAB, *SHORT)
    ok(m8["class"] == "manyflow" and f(m8, "worst_p99_us") >= f(m8, "p99_us") - 0.01
       and abs(f(m8, "ops_per_s") * 2 - f(m8, "pps")) < 0.02 * f(m8, "pps"),
       "rr conc=8: manyflow, worst loop's p99 >= pooled p99, 2 packets per op", m8)
    rd = run("workload=redis", *LAB, *SHORT)
    ok(f(rd, "p50_us") >= 50 * 10 and f(rd, "ops_per_s") > 0 and
       abs(f(rd, "cpu_ns_per_op") - 2 * f(rd, "cpu_ns_per_pkt")) <
       0.02 * f(rd, "cpu_ns_per_op"),
       "redis: 50 clients queue at a 10 us server (p50 >= 500 us), CPU per op = 2 packets'",
       rd)

    # density: N guests on dom0's vCPU
    d1 = run("workload=density", "guests=1", *LAB, *SHORT)
    d2 = run("workload=density", "guests=2", *LAB, *SHORT)
    ok(d2["guests"] == "2" and d1["guests"] == "1" and
       f(d2, "offered_pps") == 2 * f(d1, "offered_pps") and
       abs(int(d2["offered"]) - 2 * int(d1["offered"])) <= 2 and
       1.5 * int(d1["pkts"]) < int(d2["pkts"]) and d2["loss"] == "0.000000" and
       f(d2, "worst_p99_us") >= f(d2, "p99_us") - 0.01,
       "density guests=2: 2 guests, twice the offered stream, none lost, worst guest's p99",
       f"{d1}\n{d2}")

    # g2g: through the bridge, two guests' levers in series
    rr0 = run("workload=rr", *LAB, *SHORT)
    gg = run("workload=g2g", *LAB, *SHORT)
    ok(gg["guests"] == "2" and f(gg, "p50_us") > f(rr0, "p50_us") and
       abs(int(gg["pkts"]) / int(gg["lat_n"]) - 4) < 0.1 and
       abs(int(rr0["pkts"]) / int(rr0["lat_n"]) - 2) < 0.1,
       "g2g: 4 ring crossings per round trip (rr: 2), round trip longer than rr's",
       f"g2g p50 {gg['p50_us']} rr p50 {rr0['p50_us']}")

    # bench rows: the summary.csv columns shared with the lab
    pols = [p for p in bench.policies()
            if p[0] in ("stock", "static-u32-f16", "dim", "adaptive")]
    summ = []
    for wl in ["rr", "poisson_20000", "open_rx_64_20000", "open_tx_256_5000",
               "manyflow_8", "redis", "density_2", "g2g_rr", "g2g_open"]:
        wargs, kind = bench.WORKLOADS[wl]
        rows = [bench.run_one(SIM, wl, wargs + SHORT, pol, pargs, 1)
                for pol, pargs in pols]
        agg = bench.aggregate(wl, rows, pols)
        summ += bench.summary_rows(wl, agg, bench.pick_static_best(agg, kind), pols)
    hdr = bench.SUMMARY_HEADER
    cells = [dict(zip(hdr, r)) for r in summ]
    always = ["class", "pps", "guest_cpu_ns_per_pkt", "dom0_cpu_ns_per_pkt",
              "p50_us", "p99_us", "p999_us", "guests", "timers"]
    bad = [c for c in cells if len(c) != len(hdr) or any(not c[k] for k in always)
           or c["budget_us"] or
           bool(c["offered_pps"]) != (c["class"] in ("open", "density") or
                                      c["workload"] == "g2g_open") or
           bool(c["loss"]) != bool(c["offered_pps"])]
    ok(len(hdr) == 19 and cells and not bad,
       "bench rows fill the new columns (offered_pps and loss where a rate is offered)",
       bad[:3])
    cls = {c["workload"]: (c["class"], c["timers"], c["guests"]) for c in cells}
    ok(cls["rr"] == ("rr", "exact", "1") and cls["poisson_20000"][0] == "open" and
       cls["open_rx_64_20000"] == ("open", "default", "1") and
       cls["manyflow_8"][0] == cls["redis"][0] == "manyflow" and
       cls["density_2"] == ("density", "default", "2") and
       cls["g2g_rr"] == ("g2g", "default", "2"),
       "bench rows: class, timers and guests", cls)
    sp = os.path.join(a.tmp, "summary.csv")
    with open(sp, "w", newline="") as fp:
        w = csv.writer(fp)
        w.writerow(hdr[:9])     # an older summary.csv
        w.writerow(["lab", "pp-udp", "stock", "1", "1", "9000", "50", "60", "1"])
    bench.summary_upgrade(sp)
    with open(sp, "a", newline="") as fp:
        csv.writer(fp).writerows(summ)
    with open(sp, newline="") as fp:
        back = list(csv.DictReader(fp))
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "bench"))
    import goals
    res = goals.check(goals.load(sp))
    ok(list(back[0].keys()) == hdr and back[0]["p99_us"] == "60" and
       len(back) == len(summ) + 1 and
       any(r[1] == "rr" and r[4] is not None for r in res),
       "an older summary.csv is rewritten under the new header; goals.py reads it", res[:2])

    # bench: the budget policies, their budget in summary.csv
    bpols = [p for p in bench.policies() if p[0] in ("stock", "adaptive", "adaptive-b50")]
    rows = [bench.run_one(SIM, "rr", bench.WORKLOADS["rr"][0] + SHORT, pol, pargs, 1)
            for pol, pargs in bpols]
    cells = {c[2]: dict(zip(hdr, c)) for c in
             bench.summary_rows("rr", bench.aggregate("rr", rows, bpols), None, bpols)}
    names = [p[0] for p in bench.policies()]
    ok(all(f"adaptive-b{b}" in names for b in (25, 50, 100)) and
       cells["adaptive-b50"]["budget_us"] == "50" and cells["adaptive"]["budget_us"] == "" and
       cells["stock"]["budget_us"] == "" and
       not [p for p in bench.simlab_policies() if bench.budget_of(p[0])] and
       "memcached" in bench.WORKLOADS,
       "bench: adaptive-b25/b50/b100 (budget_us in their summary rows, not in the "
       "lab-calibrated ones), memcached in the sweep", cells)

    # the tables' "static holding B" is goals.py's oracle on the summary rows
    apols = bench.policies()
    rows = [bench.run_one(SIM, "memcached", bench.WORKLOADS["memcached"][0] + SHORT, pol,
                          pargs, 1) for pol, pargs in apols]
    agg = bench.aggregate("memcached", rows, apols)
    mp = os.path.join(a.tmp, "summary-memcached.csv")
    with open(mp, "w", newline="") as fp:
        w = csv.writer(fp)
        w.writerow(hdr)
        w.writerows(bench.summary_rows("memcached", agg, None, apols))
    mrows = goals.load(mp)[("sim", "memcached")]
    pick = {b: (bench.budget_oracle("memcached", agg, b),
                goals.oracle(mrows, mrows["stock"], b, False)[0]) for b in bench.BUDGETS}
    ok(all((x or "stock") == y for x, y in pick.values()) and any(x for x, _ in pick.values()),
       "bench: the tables' static setting holding B is goals.py's oracle", pick)

    # goals.py (issue 11) on a made-up summary: each goal passes and fails
    gp = os.path.join(a.tmp, "summary-goals.csv")
    gr = goals_rows()
    with open(gp, "w", newline="") as fp:
        w = csv.DictWriter(fp, fieldnames=hdr, restval="")
        w.writeheader()
        w.writerows(gr)
    res = goals.check(goals.load(gp))
    got = {(r[0], r[1], r[2]): r[4] for r in res}
    nums = {(r[0], r[1], r[2]): r[3] for r in res}
    diag = "\n".join(f"{k} {v} {nums[k]}" for k, v in got.items())

    def want(exp):
        bad = {k: (got.get(k, "missing"), v) for k, v in exp.items() if got.get(k, "missing") != v}
        return not bad and {True, False} <= set(exp.values()), bad

    for name, exp in goals_expected().items():
        good, bad = want(exp)
        ok(good, f"goals.py: {name}", f"{bad}\n{diag}")
    ok(not [g for g in got if g[2].startswith(("bulk:", "rr:", "dim:")) or
            "within 5%" in g[2] or "within 10%" in g[2] or "0.25 x" in g[2] or
            "static-best" in g[2]] and
       not [g for g in got if g[1] == "rr" and g[2].startswith("oracle") and
            "static-u64-f0" in nums[g]],
       "goals.py: the retired goals (bulk 0.25x interrupts and 0.8x CPU, the static-best "
       "oracle within 5%/10%, p99 and irq <= dim) are gone", diag)
    ok(not [g for g in got if g[0] not in ("sim", "lab")] and
       any(r["source"] == "sim-lab" for r in gr),
       "goals.py: sim-lab rows are not judged", diag)
    ok(got.get(("sim", "rr", "budget B=50: p50 <= stock + 2B")) is True and
       got.get(("sim", "rr", "budget B=25: p50 <= stock + 2B")) is True and
       not [g for g in got if g[1] == "rr" and "B=0" in g[2]],
       "goals.py: the budget from the budget_us column, else from the name", diag)
    cp = subprocess.run([sys.executable, goals.__file__, gp], capture_output=True, text=True)
    last = cp.stdout.strip().splitlines()[-1] if cp.stdout.strip() else ""
    npass = sum(1 for v in got.values() if v is True)
    nfail = sum(1 for v in got.values() if v is False)
    ok(cp.returncode == 0 and
       last == f"goals: {npass} met, {nfail} not met, {len(res) - npass - nfail} not applicable" and
       "cpu 800 vs 900 (static-u8-f0), irq/pkt 0.6 vs 0.8" in cp.stdout and
       cp.stdout.startswith("source"),
       "goals.py prints every goal with both sides' numbers and the count", cp.stdout[-2000:])

    # calibration: rows made by the simulator give back its own costs
    syn = os.path.join(a.tmp, "synthetic.csv")
    with open(syn, "w", newline="") as fp:
        w = csv.writer(fp)
        w.writerow(hdr)
        for wn, wl in [("rr", ["workload=rr"]),
                       ("rr_big", ["workload=rr", "conc=4", "req=1024", "resp=1400"]),
                       ("open_rx", ["workload=open", "pkt=64", "rate=50000"]),
                       ("open_tx", ["workload=open", "dir=tx", "pkt=1400",
                                    "rate=20000"])]:
            for name, pol in POLICIES:
                r = run(*wl, *pol, "peer=dom0", *cal_costs(), *SHORT)
                w.writerow(["lab", wn, name] +
                           [r[k] if k in ("class", "timers") else
                            f"{float(r[k]):.4g}" if k in r and float(r[k]) >= 0
                            else "" for k in hdr[3:]])
    by = calibrate.summary_rows(syn, "lab", None)
    errs = {}
    for dom, rows in by.items():
        cols, coef, se, why = calibrate.fit_domain([x[1] for x in rows],
                                                   [x[2] for x in rows])
        got = {calibrate.NAMES[j]: c for j, c in zip(cols, coef)}
        for k, v in CAL_TRUE[dom].items():
            errs[f"{dom} {k}"] = abs(got.get(k, 0) - v) / v
        errs[f"{dom} busy %cpu"] = got.get("busy_ns_per_s", 0) / 1e7
    ok(max(errs.values()) < 0.01,
       "calibrate.py --summary recovers the simulator's costs (< 1%) from its rows", errs)
    cp = subprocess.run([sys.executable, calibrate.__file__, "--summary", syn],
                        capture_output=True, text=True)
    ok(cp.returncode == 0 and "rms residual" in cp.stdout and
       "open_tx/adaptive" in cp.stdout and "d0_irq_ns=" in cp.stdout,
       "calibrate.py prints the fit, the residual per row and the parameters",
       cp.stdout + cp.stderr)
    flat = [[1.0, 0.5, x / 10, 0.0] for x in range(1, 6)]
    _, _, _, why = calibrate.fit_domain(flat, [1000 + 0.5 * 2000 + 30 * x[2] for x in flat])
    few = calibrate.fit_domain(flat[:2], [1, 2])[3]
    ok("collinear" in why.get(1, "") and "all zero" in why.get(3, "") and
       "too few rows" in few.get(2, ""),
       "calibrate says why a cost cannot be fitted (collinear, all zero, too few rows)",
       f"{why} {few}")

    # calibration --lab: synthetic points.csv rows from known costs, per
    # direction, per interrupt, per timer interrupt, per byte, per window
    pts = os.path.join(a.tmp, "points.csv")
    lab_rows = cal_lab_rows(LAB_TRUE)
    cal_write_points(pts, lab_rows)
    by, _ = calibrate.lab_points([pts])
    errs, kept = {}, {}
    for dom, rows in by.items():
        tried, k = calibrate.fit_variants(rows)
        kept[dom] = tried[k][0]
        got = tried[k][7]
        for c, v in LAB_TRUE[dom].items():
            errs[f"{dom} {c}"] = abs(got.get(c, 0) - v) / v
    ok(max(errs.values()) < 0.01 and kept == {"dom0": "kind", "guest": "kind"} and
       len(by["dom0"]) == len(by["guest"]) - 1,
       "calibrate.py --lab recovers per-direction, interrupt, timer, byte and window "
       "costs (< 1%); a point with two guests is one dom0 row", f"{kept} {errs}")
    one = {dom: calibrate.fit_variants(rows, "one")[0][0][5] for dom, rows in by.items()}
    ok(min(one.values()) > 5,
       "... where one cost per packet both ways leaves > 5% rms", one)
    # timer interrupts as many as packets sent in every row: collinear
    cal_write_points(pts, cal_lab_rows(LAB_TRUE, pace=2))
    by, _ = calibrate.lab_points([pts])
    rows = by["guest"]
    names = calibrate.variant_names(calibrate.VARIANTS[4][2], rows)
    cols, coef, se, why = calibrate.fit_domain(
        calibrate.lab_matrix(names, rows), [d["y"] for d in rows], names)
    got = {names[j]: c for j, c in zip(cols, coef)}
    t = LAB_TRUE["guest"]
    ok("collinear" in why.get(names.index("ns_per_timer"), "") and
       abs(got["ns_per_tx_pkt"] / (t["ns_per_tx_pkt"] + 2 * t["ns_per_timer"]) - 1) < 0.01,
       "calibrate says a timer cost collinear with the packets is unfittable "
       "(and folded into the packets' cost), not fitted", f"{why} {got}")
    cp = subprocess.run([sys.executable, calibrate.__file__, "--lab", pts, "--split"],
                        capture_output=True, text=True)
    ok(cp.returncode == 0 and "ns_per_timer" in cp.stdout and
       "not fitted: collinear" in cp.stdout and "rms residual" in cp.stdout and
       "(request/response)" in cp.stdout and "d0_irq_ns=" in cp.stdout,
       "calibrate.py --lab prints the variants, the fit, the residuals and the parameters",
       cp.stdout + cp.stderr)
    # --write-params: the fit as xcc-sim parameters, a file the simulator takes
    cal_write_points(pts, lab_rows)
    conf = os.path.join(a.tmp, "lab-costs.conf")
    cp = subprocess.run([sys.executable, calibrate.__file__, "--lab", pts,
                         "--write-params", conf], capture_output=True, text=True)
    by, _ = calibrate.lab_points([pts])
    fit = {}
    for dom, rows in by.items():
        tried, k = calibrate.fit_variants(rows)
        fit[dom] = tried[k][7]
    ok(cp.returncode == 0 and os.path.isfile(conf),
       "calibrate.py --lab --write-params writes the parameters", cp.stdout + cp.stderr)
    par = calibrate.read_params(conf) if os.path.isfile(conf) else {}
    v = {k: int(x) for k, x in par.items()}
    with open(conf) if os.path.isfile(conf) else io.StringIO() as fp:
        head = fp.read()
    d0, g = fit["dom0"], fit["guest"]
    want = {"d0_irq_ns": d0["ns_per_irq"], "d0_timer_ns": d0["ns_per_timer"],
            "d0_pace_ns": d0["ns_per_timer"], "g_irq_ns": g["ns_per_irq"],
            "g_timer_ns": g["ns_per_timer"], "g_pace_ns": g["ns_per_timer"],
            "g_rx_pkt_ns": g["ns_per_rx_pkt"]}
    sums = {"dom0 rx": (v.get("d0_app_pkt_ns", -1) + v.get("d0_sock_tx_ns", -1) +
                        v.get("d0_rx_pkt_ns", -1), d0["ns_per_rx_pkt"]),
            "dom0 tx": (v.get("d0_app_pkt_ns", -1) + v.get("d0_tx_pkt_ns", -1),
                        d0["ns_per_tx_pkt"]),
            "guest tx": (v.get("g_tx_pkt_ns", -1) + v.get("g_gc_pkt_ns", -1),
                         g["ns_per_tx_pkt"])}
    bad = ({k: (v.get(k), w) for k, w in want.items() if v.get(k) != round(w)} |
           {k: s for k, s in sums.items() if s[0] != round(s[1])} |
           {k: x for k, x in v.items() if k not in want and k.split("_")[0] in ("d0", "g")
            and x < 0})
    zero = ["d0_hcall_ns", "g_hcall_ns", "d0_napi_ns", "g_napi_ns", "d0_kthread_ns",
            "d0_app_wake_ns", "g_app_wake_ns", "g_app_pkt_ns", "g_app_req_ns",
            "d0_rx_byte_ps", "g_tx_byte_ps"]
    ok(v and not bad and all(v.get(k) == 0 for k in zero) and
       set(v) <= set(calibrate.sim_defaults()) and
       f"--lab {pts} --write-params {conf}" in head and "rms residual" in head and
       "ns_per_window" in cp.stdout and "no counterpart" in head,
       "--write-params: each cost per interrupt, timer and packet equals the fit's "
       "(the parts of a packet's add up to it), the rest 0; the header names the "
       "command, the input and the residuals", f"{bad} {v} {fit}")
    # the simulator with them: its CPU is the fit's model of its own counts
    # (stock: no coalescing timer; the sender wakes once a packet at 5000/s)
    errs = {}
    for d in ("rx", "tx"):
        r = run(f"params={conf}", "workload=open", f"dir={d}", "pkt=64", "rate=5000",
                "echo=10", "policy=off", *LAB, "dur_us=220000", "warm_us=20000")
        off = int(r["offered"])
        pk = {"rx": off, "tx": int(r["pkts"]) - off}
        if d == "tx":
            pk = {"rx": pk["tx"], "tx": pk["rx"]}
        for dom, c, irq, wakes in (("dom0", d0, "dom0_irqs", off if d == "rx" else 0),
                                   ("guest", g, "guest_irqs", off if d == "tx" else 0)):
            model = (c["ns_per_rx_pkt"] * pk["rx"] + c["ns_per_tx_pkt"] * pk["tx"] +
                     c["ns_per_irq"] * int(r[irq]) + c["ns_per_timer"] * wakes)
            got = f(r, f"{'dom0' if dom == 'dom0' else 'guest'}_cpu_ns_per_pkt") * int(r["pkts"])
            errs[f"open_{d} {dom}"] = abs(got / model - 1)
    over = run(f"params={conf}", "d0_irq_ns=0", "workload=rr", *LAB, *SHORT)
    base = run(f"params={conf}", "workload=rr", *LAB, *SHORT)
    ok(max(errs.values()) < 0.01 and f(over, "dom0_cpu_ns_per_pkt") < f(base, "dom0_cpu_ns_per_pkt"),
       "xcc-sim params=FILE takes them: its CPU per domain is the fit's costs times "
       "its packets each way, interrupts and sender wake-ups (< 1%); a later "
       "argument overrides the file", errs)
    cp = subprocess.run([SIM, f"params={os.path.join(a.tmp, 'no-such.conf')}"],
                        capture_output=True, text=True)
    bad_conf = os.path.join(a.tmp, "bad.conf")
    with open(bad_conf, "w") as fp:
        fp.write("# a comment\n\nd0_irq_ns=12\nnot_a_cost=3\n")
    cp2 = subprocess.run([SIM, f"params={bad_conf}"], capture_output=True, text=True)
    ok(cp.returncode != 0 and "no-such.conf" in cp.stderr and cp2.returncode != 0 and
       "bad.conf:4: unknown parameter 'not_a_cost'" in cp2.stderr,
       "xcc-sim params=: a missing file or an unknown name in it is an error, with its line",
       cp.stderr + cp2.stderr)
    # the committed preset is what the simulator takes, and the bench's
    # lab-calibrated rows are apart from the others (goals.py does not judge them)
    sl = []
    lpols = bench.simlab_policies()
    for wl in ["open_rx_64_10000", "rr"]:
        rows = [bench.run_one(SIM, wl, bench.simlab_args(wl) + SHORT, pol, pargs, 1)
                for pol, pargs in lpols]
        sl += bench.summary_rows(wl, bench.aggregate(wl, rows, lpols), None, lpols,
                                 bench.SIMLAB_SOURCE, bench.SIMLAB_SUFFIX,
                                 [("ours-default", "stock")])
    slp = os.path.join(a.tmp, "summary-simlab.csv")
    with open(slp, "w", newline="") as fp:
        w = csv.writer(fp)
        w.writerow(bench.SUMMARY_HEADER)
        w.writerows(sl)
    cells = [dict(zip(bench.SUMMARY_HEADER, r)) for r in sl]
    st = {c["workload"]: c for c in cells if c["policy"] == "stock@lab"}
    od = {c["workload"]: c for c in cells if c["policy"] == "ours-default@lab"}
    ok(len(cells) == 2 * (len(lpols) + 1) and all(c["source"] == "sim-lab" and c["policy"].endswith("@lab")
                                for c in cells) and
       st.keys() == od.keys() and all(dict(st[k], policy="") == dict(od[k], policy="") for k in st) and
       float(st["open_rx_64_10000"]["dom0_cpu_ns_per_pkt"]) > 10000 and
       not goals.check(goals.load(slp)),
       "bench: lab-calibrated rows (source sim-lab, policies @lab, ours-default "
       "as stock) with the lab's costs, not judged by goals.py", cells[:2])

    # sim_vs_lab.py: a made-up summary, the differences it prints
    svl = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench",
                       "sim_vs_lab.py")
    made = os.path.join(a.tmp, "summary-svl.csv")
    hdr = bench.SUMMARY_HEADER
    mk = lambda src, wl, pol, **kv: [kv.get(k, "") if k not in ("source", "workload", "policy")
                                     else {"source": src, "workload": wl, "policy": pol}[k]
                                     for k in hdr]
    with open(made, "w", newline="") as fp:
        w = csv.writer(fp)
        w.writerow(hdr)
        w.writerows([
            mk("lab", "open_rx_64_5000", "stock", dom0_cpu_ns_per_pkt="40000",
               guest_cpu_ns_per_pkt="30000", dom0_irq_per_pkt="0.1",
               guest_irq_per_pkt="1", p50_us="100", p99_us="200"),
            mk("sim-lab", "open_rx_64_5000", "stock@lab", dom0_cpu_ns_per_pkt="44000",
               guest_cpu_ns_per_pkt="27000", dom0_irq_per_pkt="0.1",
               guest_irq_per_pkt="0.5", p50_us="80", p99_us=""),
            mk("lab", "rr", "adaptive", dom0_cpu_ns_per_pkt="20000",
               guest_cpu_ns_per_pkt="10000", dom0_irq_per_pkt="0.5",
               guest_irq_per_pkt="1", p50_us="50", p99_us="60"),
            mk("sim-lab", "rr", "adaptive@lab", dom0_cpu_ns_per_pkt="21000",
               guest_cpu_ns_per_pkt="10000", dom0_irq_per_pkt="0.5",
               guest_irq_per_pkt="1", p50_us="40", p99_us="66"),
            mk("sim", "rr", "adaptive", dom0_cpu_ns_per_pkt="1"),
            mk("lab", "redis", "stock", dom0_cpu_ns_per_pkt="9"),
            mk("sim-lab", "g2g_rr", "dim@lab", dom0_cpu_ns_per_pkt="9")])
    cp = subprocess.run([sys.executable, svl, made], capture_output=True, text=True)
    out = cp.stdout
    lines = {ln.split()[0] + " " + ln.split()[1]: ln.split() for ln in out.splitlines()
             if ln.startswith(("open_rx", "rr ", "median"))}
    o, rr_, m = (lines.get("open_rx_64_5000 stock", []), lines.get("rr adaptive", []),
                 lines.get("median |diff|", []))
    ok(cp.returncode == 0 and
       o[2:5] == ["40000", "44000", "+10.0%"] and o[5:8] == ["30000", "27000", "-10.0%"] and
       o[11:14] == ["1.000", "0.500", "-50.0%"] and o[14:17] == ["100.0", "80.0", "-20.0%"] and
       o[17:20] == ["200.0", "-", "-"] and rr_[17:20] == ["60.0", "66.0", "+10.0%"] and
       m[4:6] == ["n=2", "7.5%"] and m[-2:] == ["n=1", "10.0%"] and
       "only in source=lab (1 rows):\n  redis: stock" in out and
       "only in source=sim-lab (1 rows):\n  g2g_rr: dim" in out,
       "sim_vs_lab.py: lab and sim-lab side by side, the differences, '-' where a value "
       "is missing, medians of |difference|, the rows only one source has",
       out + cp.stderr)
    with open(made, "w", newline="") as fp:
        csv.writer(fp).writerow(hdr)
    cp = subprocess.run([sys.executable, svl, made], capture_output=True, text=True)
    cp2 = subprocess.run([sys.executable, svl, os.path.join(a.tmp, "no-such.csv")],
                         capture_output=True, text=True)
    ok(cp.returncode == 1 and "no workload and policy in both" in cp.stderr and
       not cp.stdout and cp2.returncode == 1 and "no-such.csv" in cp2.stderr,
       "sim_vs_lab.py fails loudly on a summary without common rows and on a missing file",
       cp.stdout + cp.stderr + cp2.stderr)

    # report.py: the columns the fit needs, from a point's snapshots, last
    ok(cal_report_columns(a.tmp),
       "report.py writes timer and other interrupts, vif bytes, the CPU "
       "window's packets each way and context switches, after the older columns")

    # trace replay
    tr = os.path.join(a.tmp, "trace.csv")
    with open(tr, "w") as fp:
        fp.write("t_ns,bytes,dir\n")
        for i in range(2000):
            fp.write(f"{i * 20000},{1500 if i % 3 else 66},{'rx' if i % 2 else 'tx'}\n")
    t = run("workload=trace", f"trace={tr}", "warm_us=0", "policy=adaptive")
    ok(int(t["pkts"]) == 2000 and t["stranded"] == "0" and int(t["lat_n"]) > 1900,
       "trace replay delivers every packet", t)

    npass = sum(RESULTS)
    nfail = len(RESULTS) - npass
    print(f"1..{len(RESULTS)}")
    print(f"{npass} passed, {nfail} failed")
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
