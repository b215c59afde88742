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

SIM = None
RESULTS = []
WORKLOADS = ["bulk_rx", "bulk_tx", "rr", "poisson", "onoff", "mixed", "phase"]
POLICIES = [("stock", ["policy=off"]),
            ("static-u32-f16", ["policy=static", "usecs=32", "frames=16"]),
            ("static-u128-f0", ["policy=static", "usecs=128", "frames=0"]),
            ("dim", ["policy=dim"]),
            ("adaptive", ["policy=adaptive"])]
SHORT = ["dur_us=60000", "warm_us=10000"]


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
