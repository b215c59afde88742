/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xcc-sim: default model parameters.
 *
 * CPU costs are per domain, in nanoseconds (per-byte costs in picoseconds
 * per byte). They are guesses of the right order for a ~2-3 GHz x86 PV
 * guest; README.md says how to fit them to the lab's measurements. Every
 * value can be overridden on the command line by its name (xcc-sim -h).
 */
#ifndef _XCC_SIM_CONFIG_H
#define _XCC_SIM_CONFIG_H

/*      name              default   help */
#define SIM_COSTS(X)							\
	/* dom0 */							\
	X(d0_irq_ns,		1500,	"dom0: event-channel upcall + irq handler + softirq entry") \
	X(d0_hcall_ns,		700,	"dom0: event-channel send (hypercall) on the sender")	\
	X(d0_napi_ns,		400,	"dom0: per-poll overhead of netback's NAPI poll")	\
	X(d0_tx_pkt_ns,		1200,	"dom0: per guest-TX packet (grant copy/map, bridge, NIC xmit)") \
	X(d0_tx_byte_ps,	250,	"dom0: per guest-TX byte (ps)")				\
	X(d0_rx_pkt_ns,		900,	"dom0: per guest-RX packet (grant copy into the guest)")	\
	X(d0_rx_byte_ps,	300,	"dom0: per guest-RX byte (ps)")				\
	X(d0_kthread_ns,	1500,	"dom0: waking the guest-RX kthread (context switch)")	\
	X(d0_timer_ns,		600,	"dom0: hrtimer expiry (softirq) before the callback")	\
	X(timer_slop_ns,	0,	"hypervisor timer slop: every timer fires this late (Xen: up to 50 us)") \
	X(nic_irq_ns,		1200,	"dom0: physical NIC interrupt + NAPI entry")		\
	X(nic_pkt_ns,		700,	"dom0: per packet from the NIC (driver, bridge, netback start_xmit)") \
	X(nic_byte_ps,		50,	"dom0: per byte from the NIC (ps)")			\
	X(d0_app_wake_ns,	1500,	"dom0: waking the peer application (peer=dom0; context switch)") \
	X(d0_app_pkt_ns,	300,	"dom0: peer application work per packet sent or received") \
	X(d0_app_byte_ps,	150,	"dom0: peer application copy per byte (ps)")		\
	X(d0_sock_tx_ns,	1200,	"dom0: peer's sendto(): UDP/IP, bridge, netback start_xmit")	\
	X(d0_pace_ns,		0,	"dom0: an open stream's sender woken by its timer (peer=dom0): the timer interrupt, before the wake-up") \
	/* guest */							\
	X(g_irq_ns,		1500,	"guest: event-channel upcall + irq handler")		\
	X(g_hcall_ns,		700,	"guest: event-channel send (hypercall) on the sender")	\
	X(g_napi_ns,		400,	"guest: per-poll overhead of netfront's NAPI poll")	\
	X(g_rx_pkt_ns,		1000,	"guest: per received packet (netfront + stack)")	\
	X(g_rx_byte_ps,		100,	"guest: per received byte (ps)")			\
	X(g_tx_pkt_ns,		900,	"guest: per sent packet (stack + netfront xmit)")	\
	X(g_tx_byte_ps,		50,	"guest: per sent byte (ps)")				\
	X(g_gc_pkt_ns,		150,	"guest: per TX completion reaped")			\
	X(g_timer_ns,		600,	"guest: hrtimer expiry (softirq) before the callback")	\
	X(g_app_wake_ns,	1500,	"guest: waking the application (context switch)")	\
	X(g_app_req_ns,		2000,	"guest: application work per request (request/response)") \
	X(g_app_pkt_ns,		300,	"guest: application work per other packet")		\
	X(g_app_byte_ps,	150,	"guest: application copy per byte (ps)")		\
	X(g_pace_ns,		0,	"guest: an open stream's sender woken by its timer: the timer interrupt, before the wake-up") \
	/* wires and peers */						\
	X(evtchn_ns,		1000,	"event-channel delivery latency (send to upcall queued)") \
	X(wire_ns,		5000,	"one-way wire + external host stack delay")		\
	X(wire_jitter_ns,	2000,	"uniform jitter added to wire_ns")			\
	X(link_mbps,		10000,	"physical link rate, both directions (Mbit/s)")		\
	X(client_ns,		2000,	"external client turnaround (response to next request)") \
	X(client_delack_ns,	200000,	"external TCP receiver: delayed ACK of an odd segment")	\
	X(nic_usecs,		0,	"physical NIC rx-usecs (interrupt delay after first frame)") \
	X(irq_preempt,		1,	"1: irq handlers run on delivery (cost still queued, first)") \
	X(softirq_first,	1,	"1: softirq items (NAPI polls, timers) queue ahead of tasks (app, kthread)") \
	X(wake_preempt,		1,	"1: tasks wait in CFS vruntime order; a woken task preempts a running one ahead of it by the wakeup granularity") \
	X(poll_batch,		1,	"1: a poll pays for its batch first, then delivers it (Linux: netfront hands a poll's frames to the stack at its end, netback submits after one grant-copy batch)")

/* Ring and queue geometry (stock Linux values). */
#define SIM_RING_SIZE		256U	/* NET_TX_RING_SIZE / NET_RX_RING_SIZE */
#define SIM_SLOTS_MIN		18U	/* XEN_NETIF_NR_SLOTS_MIN */
#define SIM_NAPI_WEIGHT		64U	/* NAPI_POLL_WEIGHT / RX_BATCH_SIZE */
#define SIM_NIC_BUDGET		64U
#define SIM_NIC_QLEN		1024U	/* physical NIC rx ring */
#define SIM_RXQ_MAX		1024U	/* netback rx_queue + bridge qdisc, pkts */
#define SIM_SOFTIRQ_NS		2000000ULL /* MAX_SOFTIRQ_TIME: then ksoftirqd */
#define SIM_WAKEUP_GRAN_NS	1000000ULL /* sysctl_sched_wakeup_granularity, 1 CPU */
#define SIM_SLEEPER_NS		3000000ULL /* sleeper credit: sched_latency / 2 */
#define SIM_SLICE_NS		4000000ULL /* a task's slice ends at the next tick (HZ=250) */
#define SIM_GQ_MAX		1000U	/* guest qdisc (txqueuelen) */
#define SIM_PAGE		4096U
#define SIM_JIFFY_NS		4000000ULL	/* HZ=250 (Debian) */
#define SIM_SPURIOUS_THRESHOLD	1U
#define SIM_MAX_VIFS		8	/* guests (density guests=8) */
#define SIM_MAX_FLOWS		32

#endif /* _XCC_SIM_CONFIG_H */
