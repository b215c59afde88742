/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xcc-sim: deterministic discrete-event model of the Xen PV network path
 * (physical NIC -> dom0 netback -> event channel -> guest netfront ->
 * application, and back) driving the very same controller code as the
 * kernel modules (common/xcc*.c).
 *
 * Every domain has one vCPU: a queue of work items served one at a time.
 * An item is a small state machine; each call of its step function does
 * one instantaneous piece of logic and returns how long the vCPU is then
 * busy before the next call (the effect of a unit of work becomes
 * visible when its cost has been paid). Interrupts, softirqs, timers,
 * kthread cycles and application wakeups are all such items: they
 * preempt nothing, they queue; softirq items (NAPI polls, timers) queue
 * ahead of tasks (application, kthread) for up to MAX_SOFTIRQ_TIME
 * (softirq_first).
 */
#ifndef _XCC_SIM_H
#define _XCC_SIM_H

#include <linux/types.h>
#include "xcc.h"
#include "sim_config.h"

#define STEP_DONE	(-1)

/* ---- packets ---------------------------------------------------------- */

enum pkt_kind {
	PK_DATA,	/* bulk TCP segment */
	PK_ACK,		/* TCP ACK of a bulk flow */
	PK_REQ,		/* request of a request/response flow */
	PK_RESP,	/* its response */
	PK_ONEWAY,	/* one-way packet (Poisson, on/off, open, trace) */
	PK_ECHO,	/* a one-way packet echoed back to its sender */
};

#define EP_EXT		0xff	/* endpoint: the external host (not a guest) */
#define EP_D0		0xfe	/* endpoint: an application in dom0 */
#define PKF_ECHO	0x01	/* the receiver echoes this packet back */

enum pkt_dir {
	DIR_RX,		/* towards the guest */
	DIR_TX,		/* from the guest */
};

struct pkt {
	struct pkt *next;
	u64 t0;		/* origin: client send, or guest application send */
	u64 t_nic;	/* arrival at dom0's physical NIC (DIR_RX) */
	u64 t_tx;	/* its sender handed it to the stack (round trips) */
	u32 bytes;
	u16 nslots;	/* ring slots: one per 4 KiB page */
	u16 acks;	/* PK_ACK: segments acknowledged */
	u16 slot;	/* PK_REQ/PK_RESP: the flow's request loop */
	u8 kind;
	u8 dir;
	u8 vif;		/* the vif it goes through (DIR_RX: towards) */
	u8 flow;
	u8 dst;		/* final endpoint: a guest's vif, or EP_EXT */
	u8 flags;	/* PKF_* */
};

struct pktq {
	struct pkt *head, *tail;
	u32 len;
};

/* ---- shared rings (include/xen/interface/io/ring.h) ------------------- */

struct ring {
	/* the shared page */
	u32 req_prod, req_event, rsp_prod, rsp_event;
	/* frontend private */
	u32 req_prod_pvt, rsp_cons;
	/* backend private */
	u32 req_cons, rsp_prod_pvt;
	/* packet at the first slot of each request (TX) or response (RX) */
	struct pkt *slot[SIM_RING_SIZE];
};

/* ---- vCPUs and work items --------------------------------------------- */

enum item_type {
	IT_UPCALL,	/* event-channel upcall; obj = struct chan */
	IT_TIMER,	/* hrtimer expiry (soft); obj = struct simtimer */
	IT_NIC,		/* dom0: physical NIC irq + NAPI poll */
	IT_NB_NAPI,	/* dom0: netback NAPI poll of guest TX requests */
	IT_NB_RXK,	/* dom0: guest-RX kthread cycle */
	IT_NF_NAPI,	/* guest: netfront NAPI poll of RX responses */
	IT_APP,		/* guest: application wakeup */
	IT_NETTX,	/* guest: net_tx_action after the TX queue woke */
	IT_D0APP,	/* dom0: the application of a vif's peer (peer=dom0) */
	IT_PACE,	/* an open stream's sender's timer interrupt; obj = struct dom */
};

struct item {
	struct item *next;
	void *obj;
	struct pkt *cur;	/* packet being worked on */
	struct pkt *txp;	/* guest: packet being transmitted */
	u64 bytes;
	u32 work, budget;
	u32 prepaid;	/* poll_batch: frames whose cost is paid */
	u8 type;
	u8 phase;
	bool done;
};

struct dom {
	const char *name;
	struct item *head, *tail, *run;
	bool active;		/* running an item or a step is scheduled */
	u64 task_wait;		/* since when a task waits for the vCPU (0: none) */
	u64 min_vr;		/* wake_preempt: CFS min_vruntime */
	bool resched;		/* wake_preempt: a woken task preempts the running one */
	u64 run_since;		/* wake_preempt: when the running task got the vCPU */
	u64 busy_ns;
	u64 hcalls;
};

/* ---- event channels ---------------------------------------------------- */

enum chan_kind {
	CH_NB_TX,	/* dom0 end: guest TX requests (netback tx_irq) */
	CH_NB_RX,	/* dom0 end: guest RX refills (netback rx_irq) */
	CH_NF_TX,	/* guest end: TX completions (netfront tx_irq) */
	CH_NF_RX,	/* guest end: RX responses (netfront rx_irq) */
};

/* One end of an interdomain channel: Xen's pending bit and mask, Linux's
 * lateeoi state. */
struct chan {
	struct vif *v;
	struct dom *d;
	u8 kind;
	bool pending;		/* event pending (sends merge into it) */
	bool masked;		/* upcall raised, EOI not yet done */
	bool eoi_pending;	/* netback: EOI held until work is done */
	u32 spur_cnt;		/* consecutive spurious EOIs */
	u64 irqs;		/* upcalls run */
	u64 merged;		/* sends merged into a pending event */
	u64 spurious;		/* spurious EOIs */
	u64 delays;		/* EOIs delayed by the spurious logic */
	u64 delay_ns;
};

/* ---- timers ------------------------------------------------------------ */

enum timer_kind {
	TM_NB_RX, TM_NB_TX, TM_NB_TXC, TM_NF_RX, TM_NF_TX,
};

struct simtimer {
	struct vif *v;
	struct dom *d;
	u32 gen;
	u8 kind;
	bool armed;
	u64 fires;
	u64 due;	/* when the timer was due (before the hypervisor's slop) */
	u32 max_usecs;	/* the longest delay it was started with (verbose) */
};

/* ---- one vif: netback queue in dom0 + netfront queue in the guest ------ */

struct vif {
	int idx;
	struct dom *g;
	struct ring tx, rx;
	/* the five levers, named by ethtool semantics */
	struct xcc_ctl nb_rx, nb_tx, nb_txc, nf_rx, nf_tx;
	struct xcc_prod nb_tx_p, nb_txc_p, nf_tx_p;
	struct simtimer t_nb_rx, t_nb_tx, t_nb_txc, t_nf_rx, t_nf_tx;
	struct chan c_nb_tx, c_nb_rx, c_nf_tx, c_nf_rx;
	/* netback */
	u32 rx_dist;
	u32 nb_weight;
	bool nb_napi, rxk;
	u64 rxk_vr;			/* the guest-RX kthread's vruntime (ns) */
	u64 nb_rx_bytes, nb_tx_bytes;	/* bytes for the levers' accounting */
	struct pktq rxq;		/* rx_queue: from the NIC, to the guest */
	/* netfront */
	u32 nf_weight;
	u32 rx_rsp_unconsumed;
	bool nf_napi, app, nettx, tx_stopped;
	u64 app_vr;			/* the application's vruntime (ns) */
	u32 nf_rx_bytes, nf_tx_bytes;	/* xcc_nf_rx_count(), xcc_nf_tx_hold() */
	struct pktq gq;			/* qdisc: to send */
	struct pktq sock;		/* received, for the application */
	struct pktq apptx;		/* written by the application */
	u64 held_xmit;			/* pushes skipped for xmit_more */
	/* the peer application in dom0 (peer=dom0) */
	bool d0app;
	u64 d0app_vr;
	struct pktq d0sock;		/* received from the guest */
	struct pktq d0tx;		/* to send to the guest */
	u64 pv_pkts;			/* frames through the PV rings */
};

#endif /* _XCC_SIM_H */
