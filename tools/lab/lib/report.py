#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw results of lab runs into metrics, CSV, JSON and a table.

usage: report.py RESULTS_DIR

RESULTS_DIR holds one or more boots (rep1/, rep2/ ... or the dir itself),
each with results/points/NNN_<config>_<workload>/ as written by dom0:
point.txt, dom0.before/after, <guest>.before/after, <guest>.iperf3.json,
<guest>.sockperf.txt, <guest>.ping.txt.  Writes RESULTS_DIR/points.csv
(one row per boot x point x guest), summary.csv and summary.json (median,
min, max over boots).  Python 3 standard library only.
"""
import csv
import json
import os
import re
import statistics
import sys

# metric name -> (table heading, format)
TABLE = [
    ("tput_mbps", "Mbit/s", "{:.0f}"),
    ("lat_p50_us", "p50us", "{:.1f}"),
    ("lat_p99_us", "p99us", "{:.1f}"),
    ("lat_p999_us", "p99.9us", "{:.1f}"),
    ("g_rx_irq_per_pkt", "gRXirq/pkt", "{:.3f}"),
    ("g_tx_irq_per_pkt", "gTXirq/pkt", "{:.3f}"),
    ("d0_txq_irq_per_pkt", "d0irq/pkt", "{:.3f}"),
    ("g_irq_per_mb", "gIRQ/MB", "{:.1f}"),
    ("d0_cpu_ns_per_pkt", "d0ns/pkt", "{:.0f}"),
    ("g_cpu_ns_per_pkt", "gns/pkt", "{:.0f}"),
    ("loss", "loss", "{:.4f}"),
    ("spurious", "spur", "{:.0f}"),
    ("eoi_delayed_jiffies", "eoiJ", "{:.0f}"),
]

# points.csv columns added later, written after all the others (other tools
# and older files have the first ones where they were)
APPENDED = ["d0_timer_irq", "g_timer_irq", "d0_misc_irq", "g_misc_irq",
            "vif_tx_bytes", "vif_rx_bytes", "cpu_vif_tx_pkts", "cpu_vif_rx_pkts",
            "d0_ctxt", "g_ctxt"]


def read_snap(path):
    d = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.rstrip("\n").split(" ", 1)
                if len(parts) == 2:
                    d[parts[0]] = parts[1].strip()
    except OSError:
        pass
    return d


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def deltas(before, after):
    out = {}
    for k, v in after.items():
        a, b = num(v), num(before.get(k, "0"))
        if a is not None and b is not None:
            out[k] = a - b
    return out


def read_point_txt(path):
    info = {"guests": {}}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if not parts:
                    continue
                if parts[0] == "guest":
                    g = {"name": parts[1]}
                    for kv in parts[2:]:
                        k, _, v = kv.partition("=")
                        g[k] = v
                    info["guests"][parts[1]] = g
                else:
                    info[parts[0]] = " ".join(parts[1:])
    except OSError:
        pass
    return info


def read_text(path):
    """A result file's text, or None if it is missing."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def parse_iperf(path):
    text = read_text(path)
    if text is None:
        return {}
    res = {}
    try:
        j = json.loads(text[text.index("{"):text.rindex("}") + 1])
        end = j.get("end", {})
        if "sum_received" in end:
            res["tput_mbps"] = end["sum_received"]["bits_per_second"] / 1e6
            res["tput_sent_mbps"] = end["sum_sent"]["bits_per_second"] / 1e6
            res["retransmits"] = end["sum_sent"].get("retransmits", 0)
        elif "sum" in end:
            s = end["sum"]
            res["tput_mbps"] = s.get("bits_per_second", 0) / 1e6
            res["udp_lost_pct"] = s.get("lost_percent", 0)
            res["udp_jitter_ms"] = s.get("jitter_ms", 0)
        if "error" in j:
            res["error"] = j["error"]
    except (ValueError, KeyError, TypeError):
        m = re.findall(r'"bits_per_second":\s*([0-9.e+]+)', text)
        if m:
            res["tput_mbps"] = float(m[-1]) / 1e6
    return res


def parse_sockperf(path):
    text = read_text(path)
    if text is None:
        return {}
    return parse_sockperf_text(text)


def parse_sockperf_text(text):
    res = {}
    for p, key in (("50.000", "lat_p50_us"), ("99.000", "lat_p99_us"),
                   ("99.900", "lat_p999_us"), ("90.000", "lat_p90_us")):
        m = re.search(r"percentile\s+%s\s*=\s*([0-9.]+)" % re.escape(p), text)
        if m:
            res[key] = float(m.group(1))
    m = re.search(r"<MAX> observation\s*=\s*([0-9.]+)", text)
    if m:
        res["lat_max_us"] = float(m.group(1))
    m = re.search(r"avg-(?:latency|rtt)=([0-9.]+)", text)
    if m:
        res["lat_avg_us"] = float(m.group(1))
    m = re.search(r"Total (\d+) observations", text)
    if m:
        res["observations"] = int(m.group(1))
    return res


def parse_ping(path):
    text = read_text(path)
    if text is None:
        return {}
    res = {}
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", text)
    if m:
        res["ping_sent"], res["ping_recv"] = int(m.group(1)), int(m.group(2))
    m = re.search(r"= ([0-9.]+)/([0-9.]+)/([0-9.]+)", text)
    if m:
        res["ping_avg_ms"], res["ping_max_ms"] = float(m.group(2)), float(m.group(3))
    return res


def parse_udpgen(path):
    """The result line of ncl-udpgen send (tools/udpgen)."""
    text = read_text(path)
    if text is None:
        return {}
    kv = {}
    for line in text.splitlines():
        if line.startswith("udpgen "):
            kv = dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)
    if not kv:
        return {"udpgen_error": 1}
    res = {}
    for k, out in (("offered_pps", "offered_pps"), ("achieved_pps", "sent_pps"),
                   ("sink_recv", "udp_recv"), ("send_errors", "send_errors"),
                   ("rtt_n", "observations")):
        if num(kv.get(k)) is not None:
            res[out] = num(kv[k])
    # offered = what was sent plus what the sender's own stack refused
    # (ENOBUFS): both count as lost when the sink did not receive them
    if num(kv.get("sent")) is not None:
        res["udp_sent"] = num(kv["sent"]) + (res.get("send_errors") or 0)
        if res.get("udp_recv") is not None and res["udp_recv"] >= 0 and res["udp_sent"]:
            res["loss"] = (res["udp_sent"] - res["udp_recv"]) / res["udp_sent"]
    if res.get("observations"):
        for k, out in (("rtt_p50_us", "lat_p50_us"), ("rtt_p99_us", "lat_p99_us"),
                       ("rtt_p999_us", "lat_p999_us"), ("rtt_avg_us", "lat_avg_us"),
                       ("rtt_max_us", "lat_max_us")):
            if num(kv.get(k)) is not None:
                res[out] = num(kv[k])
    return res


def parse_redis(path):
    """redis-benchmark --csv: ops/s and latency (ms) per test."""
    text = read_text(path)
    if text is None:
        return {}
    rows = list(csv.DictReader(l for l in text.splitlines() if l.startswith('"')))
    ok = [r for r in rows if num(r.get("rps")) is not None]
    if not ok:
        return {"redis_error": 1}
    res = {"ops_per_s": sum(num(r["rps"]) for r in ok)}
    for k, out in (("p50_latency_ms", "lat_p50_us"), ("p99_latency_ms", "lat_p99_us")):
        v = [num(r.get(k)) for r in ok if num(r.get(k)) is not None]
        if v:
            res[out] = max(v) * 1000.0   # the slower test of GET and SET
    return res


def parse_sockperf_flows(path):
    """Several sockperf results after "@@FLOW k" lines (ppflows): the median
    flow's p50, the worst flow's p99 and p99.9, all observations."""
    text = read_text(path)
    if text is None or "@@FLOW" not in text:
        return parse_sockperf(path)
    flows = [parse_sockperf_text(t) for t in text.split("@@FLOW")[1:]]
    res = {"flows": len(flows)}
    for k, agg in (("lat_p50_us", statistics.median), ("lat_p99_us", max),
                   ("lat_p999_us", max), ("lat_max_us", max), ("observations", sum)):
        v = [f[k] for f in flows if k in f]
        if len(v) == len(flows):
            res[k] = agg(v)
    return res


def gauge_max(snap, suffix):
    """Largest value among the counters of a snapshot ending in SUFFIX."""
    v = [num(x) for k, x in snap.items() if k.endswith(suffix)]
    v = [x for x in v if x is not None]
    return max(v) if v else None


def irq_sum(d, pattern):
    rx = re.compile(pattern)
    return sum(v for k, v in d.items() if rx.match(k))


def point_metrics(pdir):
    """One dict per guest of a point."""
    info = read_point_txt(os.path.join(pdir, "point.txt"))
    d0_after = read_snap(os.path.join(pdir, "dom0.after"))
    d0 = deltas(read_snap(os.path.join(pdir, "dom0.before")), d0_after)
    rows = []
    for g, gi in sorted(info["guests"].items()):
        g_after = read_snap(os.path.join(pdir, g + ".after"))
        gd = deltas(read_snap(os.path.join(pdir, g + ".before")), g_after)
        dom = gi.get("domid", "?")
        m = {
            "config": info.get("config", "?"),
            "workload": info.get("workload", "?"),
            "guest": g,
            "netback": info.get("netback", "?"),
            "netfront": gi.get("flavour", "?"),
            "queues": gi.get("queues", "?"),
            "rc": int(info.get("rc", "0") or 0),
        }
        pre = r"irq/vif%s\.\d+-q\d+" % re.escape(dom)
        m["d0_txq_irq"] = irq_sum(d0, pre + r"-tx$")   # guest kicks: frames it sends
        m["d0_rxq_irq"] = irq_sum(d0, pre + r"-rx$")   # guest posted RX buffers
        m["g_rx_irq"] = irq_sum(gd, r"irq/vif\d+-q\d+-rx$")
        m["g_tx_irq"] = irq_sum(gd, r"irq/vif\d+-q\d+-tx$")
        vif = "net/vif%s.0/" % dom
        m["vif_tx_pkts"] = d0.get(vif + "tx_packets", 0)    # dom0 -> guest
        m["vif_rx_pkts"] = d0.get(vif + "rx_packets", 0)    # guest -> dom0
        m["g_rx_pkts"] = gd.get("net/eth0/rx_packets", 0)
        m["g_tx_pkts"] = gd.get("net/eth0/tx_packets", 0)
        mb = (gd.get("net/eth0/rx_bytes", 0) + gd.get("net/eth0/tx_bytes", 0)) / 1e6
        m["g_mbytes"] = mb
        m["g_rx_irq_per_pkt"] = m["g_rx_irq"] / m["g_rx_pkts"] if m["g_rx_pkts"] else None
        m["g_tx_irq_per_pkt"] = m["g_tx_irq"] / m["g_tx_pkts"] if m["g_tx_pkts"] else None
        m["d0_txq_irq_per_pkt"] = m["d0_txq_irq"] / m["vif_rx_pkts"] if m["vif_rx_pkts"] else None
        m["d0_rxq_irq_per_pkt"] = m["d0_rxq_irq"] / m["vif_tx_pkts"] if m["vif_tx_pkts"] else None
        m["g_irq_per_mb"] = (m["g_rx_irq"] + m["g_tx_irq"]) / mb if mb > 0.01 else None
        # the hypervisor's own ns counters (ncl-cputime) and the packets
        # through the guest's vif, between the marks taken right around
        # the traffic (cpu.begin/end), else between the snapshots
        win = deltas(read_snap(os.path.join(pdir, "cpu.begin")),
                     read_snap(os.path.join(pdir, "cpu.end"))) or d0
        m["cpu_window_s"] = win.get("uptime")
        m["d0_cpu_ns"] = win.get("xc/dom0/ns")
        m["g_cpu_ns"] = win.get("xc/dom%s/ns" % dom)
        m["pcpus"] = sum(1 for k in d0_after if re.match(r"xc/pcpu\d+/idle_ns$", k)) or None
        pkts = sum(win.get(vif + k, 0) for k in ("rx_packets", "tx_packets"))
        m["pkts"] = pkts
        for side in ("d0", "g"):
            c = m[side + "_cpu_ns"]
            m[side + "_cpu_ns_per_pkt"] = c / pkts if c is not None and pkts else None
        m["timer_late_ns"] = max((x for x in (gauge_max(d0_after, "_timer_late_ns"),
                                               gauge_max(g_after, "_timer_late_ns"))
                                  if x is not None), default=None)
        busy = ("stat/user", "stat/nice", "stat/system", "stat/irq", "stat/softirq")
        m["d0_stat_busy_s"] = sum(d0.get(k, 0) for k in busy) / 100.0
        m["g_stat_busy_s"] = sum(gd.get(k, 0) for k in busy) / 100.0
        m["g_stat_softirq_s"] = gd.get("stat/softirq", 0) / 100.0
        m["duration_s"] = d0.get("uptime")
        xb = "xb/vif-%s-0/" % dom
        m["events"] = d0.get(xb + "events")
        m["spurious"] = d0.get(xb + "spurious_events")
        m["eoi_delayed_jiffies"] = d0.get(xb + "jiffies_eoi_delayed")
        m["kwarn"] = d0.get("kwarn", 0) + gd.get("kwarn", 0)
        # for the CPU fit (tools/sim/calibrate.py --lab): the timer
        # interrupts (Xen's per-vCPU timer VIRQ, "timerN": every hrtimer
        # expiry, the coalescing timers and the senders' pacing alike) and
        # the other interrupts (xenstore, console, IPIs) of each domain
        # over its snapshots, the vif's bytes each way, the packets each way
        # in the CPU window (the snapshots hold the same, give or take one)
        m["d0_timer_irq"] = irq_sum(d0, r"irq/timer\d+$")
        m["g_timer_irq"] = irq_sum(gd, r"irq/timer\d+$")
        m["d0_misc_irq"] = irq_sum(d0, r"irq/(?!timer\d+$|vif)")
        m["g_misc_irq"] = irq_sum(gd, r"irq/(?!timer\d+$|vif)")
        m["vif_tx_bytes"] = d0.get(vif + "tx_bytes", 0)    # dom0 -> guest
        m["vif_rx_bytes"] = d0.get(vif + "rx_bytes", 0)    # guest -> dom0
        m["cpu_vif_tx_pkts"] = win.get(vif + "tx_packets") if win is not d0 else None
        m["cpu_vif_rx_pkts"] = win.get(vif + "rx_packets") if win is not d0 else None
        # context switches (/proc/stat ctxt) of each domain over its
        # snapshots: a wake-up costs more than an interrupt that finds the
        # application running (snapshots taken before 2026-12-02 lack it)
        m["d0_ctxt"] = d0.get("stat/ctxt")
        m["g_ctxt"] = gd.get("stat/ctxt")
        m.update(parse_iperf(os.path.join(pdir, g + ".iperf3.json")))
        m.update(parse_sockperf_flows(os.path.join(pdir, g + ".sockperf.txt")))
        m.update(parse_udpgen(os.path.join(pdir, g + ".udpgen.txt")))
        # a request/response probe beside the stream gives the latency
        probe = parse_udpgen(os.path.join(pdir, g + ".udprr.txt"))
        if probe:
            m.update({k: v for k, v in probe.items() if k.startswith("lat_") or k.endswith("_error")})
            m["probe_loss"] = probe.get("loss")
        m.update(parse_redis(os.path.join(pdir, g + ".redis.csv")))
        m["spec"] = info.get("spec", "")
        peer = dict(w.split("=", 1) for w in m["spec"].split()[1:] if "=" in w).get("peer")
        sel = info.get("selected", "").split()
        # the guests the workload ran on, the peer they sent to, the idle
        m["role"] = "sel" if g in sel or not sel else ("peer" if g == peer else "idle")
        m["timers"] = info.get("timers", "")
        m.update(parse_ping(os.path.join(pdir, g + ".ping.txt")))
        m["ethS_vif"] = {k.split("/", 2)[2]: v for k, v in d0.items()
                         if k.startswith("ethS/vif%s." % dom)}
        m["ethS_eth"] = {k.split("/", 2)[2]: v for k, v in gd.items()
                         if k.startswith("ethS/eth")}
        rows.append(m)
    return rows


def find_boots(top):
    boots = []
    for root, dirs, _ in os.walk(top):
        if "points" in dirs and os.path.basename(root) == "results":
            boots.append(root)
        dirs[:] = [x for x in dirs if x not in ("points", "console", "overlay", "domu-overlay")]
    return sorted(boots)


def boot_label(top, b):
    rel = os.path.relpath(os.path.dirname(b), top)
    return "rep1" if rel == "." else rel


def fmt(v, f):
    if v is None:
        return "-"
    try:
        return f.format(v)
    except (ValueError, TypeError):
        return str(v)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    top = sys.argv[1]
    boots = find_boots(top)
    if not boots:
        print("report: no results under %s" % top)
        return 1
    allrows, failures = [], []
    for b in boots:
        label = boot_label(top, b)
        st = ""
        try:
            with open(os.path.join(b, "status")) as f:
                st = f.read().strip()
        except OSError:
            st = "UNKNOWN (no status file)"
        if not st.startswith("PASS"):
            failures.append("%s: dom0 status %s" % (label, st))
        pdirs = sorted(os.listdir(os.path.join(b, "points")))
        for p in pdirs:
            for m in point_metrics(os.path.join(b, "points", p)):
                m["boot"] = label
                m["point"] = p
                if m["rc"]:
                    failures.append("%s %s/%s/%s: workload rc=%d" % (label, m["config"], m["workload"], m["guest"], m["rc"]))
                for k, why in (("d0_cpu_ns", "no hypervisor CPU time for dom0 (ncl-cputime)"),
                               ("g_cpu_ns", "no hypervisor CPU time for the guest (ncl-cputime)")):
                    if m.get(k) is None or m[k] <= 0:
                        failures.append("%s %s/%s/%s: %s" % (label, m["config"], m["workload"], m["guest"], why))
                for k in ("udpgen_error", "redis_error"):
                    if m.get(k):
                        failures.append("%s %s/%s/%s: no %s result line" % (label, m["config"], m["workload"], m["guest"], k.split("_")[0]))
                if m["kwarn"]:
                    failures.append("%s %s/%s: %d kernel WARN/BUG lines" % (label, m["config"], m["workload"], m["kwarn"]))
                allrows.append(m)
    scalar = [k for k in allrows[0].keys() if not isinstance(allrows[0][k], dict)
              and k not in APPENDED] if allrows else []
    for r in allrows:
        for k in r:
            if k not in scalar and k not in APPENDED and not isinstance(r[k], dict):
                scalar.append(k)
    # the columns added since: after every older one, whatever the rows hold
    scalar += [k for k in APPENDED if any(k in r for r in allrows)]
    with open(os.path.join(top, "points.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=scalar, extrasaction="ignore")
        w.writeheader()
        for r in allrows:
            w.writerow(r)
    # aggregate over boots
    groups = {}
    order = []
    for r in allrows:
        key = (r["config"], r["workload"], r["guest"])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(r)
    summary = []
    for key in order:
        rs = groups[key]
        s = {"config": key[0], "workload": key[1], "guest": key[2], "boots": len(rs),
             "netback": rs[0]["netback"], "netfront": rs[0]["netfront"], "metrics": {}}
        for k in scalar:
            vals = [r[k] for r in rs if isinstance(r.get(k), (int, float)) and not isinstance(r.get(k), bool)]
            if vals and k not in ("rc",):
                s["metrics"][k] = {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}
        for side in ("ethS_vif", "ethS_eth"):
            agg = {}
            for r in rs:
                for c, v in r[side].items():
                    agg.setdefault(c, []).append(v)
            s[side] = {c: statistics.median(v) for c, v in agg.items()}
        summary.append(s)
    with open(os.path.join(top, "summary.json"), "w") as f:
        json.dump({"boots": [boot_label(top, b) for b in boots], "failures": failures,
                   "points": summary, "raw": allrows}, f, indent=1, default=str)
    with open(os.path.join(top, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["config", "workload", "guest", "netback", "netfront", "boots", "metric", "median", "min", "max"])
        for s in summary:
            for k, v in s["metrics"].items():
                w.writerow([s["config"], s["workload"], s["guest"], s["netback"], s["netfront"], s["boots"], k,
                            v["median"], v["min"], v["max"]])
    # table: grouped by workload, configs side by side
    nb = len(boots)
    print("\nxen-netcoal lab: %d boot(s); values are medians%s" % (nb, " [min-max]" if nb > 1 else ""))
    print("g = guest, d0 = dom0; irq/pkt: guest RX irqs per received pkt, guest TX irqs per sent pkt,")
    print("dom0 irqs (guest TX kicks) per pkt from the guest; latency = sockperf round trip (us)\n")
    head = ["workload", "config", "guest"] + [h for _, h, _ in TABLE]
    cells = []
    for s in sorted(summary, key=lambda s: (s["workload"], order.index((s["config"], s["workload"], s["guest"])))):
        row = [s["workload"], s["config"], s["guest"]]
        for k, _, f in TABLE:
            v = s["metrics"].get(k)
            if v is None:
                row.append("-")
            elif nb > 1:
                row.append("%s [%s-%s]" % (fmt(v["median"], f), fmt(v["min"], f), fmt(v["max"], f)))
            else:
                row.append(fmt(v["median"], f))
        cells.append(row)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *cells)] if cells else [len(h) for h in head]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    last = None
    for row in cells:
        if last is not None and row[0] != last:
            print()
        last = row[0]
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
    print("\nfiles: %s/{points.csv,summary.csv,summary.json}" % top)
    if failures:
        print("\nFAILURES:")
        for x in failures:
            print("  " + x)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
