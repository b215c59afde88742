// SPDX-License-Identifier: GPL-2.0
/*
 * xcc-sim: the model. See sim.h for its shape and README.md for its use.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define RS SIM_RING_SIZE
#define NSEC 1000000000ULL

/* ---- parameters --------------------------------------------------------- */

struct costs {
#define X(name, def, help) u64 name;
	SIM_COSTS(X)
#undef X
};

static struct costs C = {
#define X(name, def, help) .name = def,
	SIM_COSTS(X)
#undef X
};

enum pol { POL_OFF, POL_STATIC, POL_DIM, POL_ADAPTIVE };

struct lever_cfg {
	int pol;
	u32 usecs, frames;
};

enum { L_VIF_RX, L_VIF_TX, L_ETH_RX, L_ETH_TX, L_NR };

static struct {
	const char *workload;
	const char *policy;
	const char *label;
	const char *lever[L_NR];
	const char *trace;
	const char *out;
	const char *lat_out;
	const char *dir;
	const char *peer;
	u64 seed;
	u64 dur_us, warm_us, drain_ms;
	u64 usecs, frames;
	u64 window, seg, conc, req, resp, svc_ns;
	u64 rate, pkt, on_us, off_us, tick_ns, echo, guests, probe;
	u64 header, verbose, usecs_high, weight;
	u64 budget_us, nic_us;
} P = {
	.workload = "rr", .policy = "off", .label = NULL, .dir = "rx", .peer = "ext",
	.seed = 1, .dur_us = 200000, .warm_us = 20000, .drain_ms = 5000,
	/* conc, req, resp: 0, svc_ns, rate: ~0 = the workload's default (parse_args) */
	.window = 256, .seg = 1448,
	.rate = ~0ULL, .pkt = 256, .on_us = 500, .off_us = 4500,
	.svc_ns = ~0ULL, .tick_ns = 100000, .echo = 50, .guests = 1,
	.header = 1, .usecs_high = XCC_DEF_USECS_HIGH, .weight = XCC_WEIGHT_MAX,
};

static struct lever_cfg lever[L_NR];

/* ---- global state ------------------------------------------------------- */

struct event {
	u64 t;
	u64 seq;
	void *p;
	u32 type;
	u32 gen;
};

enum ev_type {
	EV_STEP, EV_TIMER, EV_EVTCHN, EV_UNMASK, EV_NIC_ARRIVE, EV_NIC_IRQ,
	EV_CLIENT, EV_GEN, EV_DELACK, EV_MARK, EV_RR_NEXT, EV_SVC,
};

enum flow_type {
	F_BULK_RX, F_BULK_TX, F_RR, F_POISSON, F_ONOFF, F_TRACE, F_OPEN,
	F_MEMC,
};

struct lat {
	const char *kind;	/* lat_out's first column */
	u64 *v;
	size_t n, cap;
};

/*
 * A flow runs between a guest (vif) and a peer: the external host
 * (EP_EXT), an application in dom0 (EP_D0) or, through dom0's bridge,
 * another guest (its vif). Request/response: the peer is the client, the
 * guest's application serves. One-way sources: dir says which way
 * (DIR_RX: peer -> guest).
 */
struct flow {
	int type;
	int vif;
	int peer;
	int dir;
	int id;
	u64 start, stop;
	u32 window, inflight, seg;
	u32 unacked;			/* receiver: segments not yet acked */
	u32 delack_gen;
	u32 conc, req, resp;
	u64 svc_ns;			/* rr: application work per request,
					 * memcached: the response's delay */
	u64 rate, pkt, on_ns, off_ns;
	u64 sent;
	u32 echo;			/* open: every echo-th packet comes back */
	u64 offered, recv;		/* one-way: sent and received in the window */
	u64 wakes;			/* open: the sender's wake-ups in the window */
	bool probe;			/* density probe=: not offered load */
	bool nolat;			/* its round trips are not the row's (a probe's are) */
	struct lat *grp;		/* round trips per loop (rr) or per flow */
	u32 ngrp;
};

struct trace_row {
	u64 t;
	u32 bytes;
	u8 dir;
};

struct counters {
	u64 pv_pkts, g_irqs, d0_irqs, nic_irqs, g_busy, d0_busy;
	u64 bytes, drops, g_spur, d0_spur, eoi_delays, timer_fires;
	u64 notify, deferred, held_xmit, merged;
};

static struct {
	u64 now, seq;
	struct event *heap;
	size_t nheap, capheap;
	struct dom d0, g[SIM_MAX_VIFS];
	struct vif v[SIM_MAX_VIFS];
	int nvif;
	struct flow f[SIM_MAX_FLOWS];
	int nflow;
	double offered_pps;	/* nominal offered rate, < 0: none */
	struct pktq nicq;
	bool nic_sched, nic_irq_wait;
	u64 nic_irqs;
	u64 in_free, out_free;
	u64 rng;
	u64 warm, end;
	bool stopping, measuring;
	u64 live_pkts, drops, bytes;
	struct counters c_warm, c_end;
	struct lat lat_rr, lat_ow, lat_echo;
	FILE *lat_out;
	struct trace_row *trace;
	size_t ntrace;
	struct pkt *pfree;
	struct item *ifree;
} S;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("xcc-sim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xalloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p)
		die("out of memory");
	return p;
}

/* ---- PRNG: xorshift64*, seeded through splitmix64 ----------------------- */

static void rng_seed(u64 seed)
{
	u64 z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	S.rng = (z ^ (z >> 31)) | 1;
}

static u64 rng_next(void)
{
	S.rng ^= S.rng >> 12;
	S.rng ^= S.rng << 25;
	S.rng ^= S.rng >> 27;
	return S.rng * 0x2545f4914f6cdd1dULL;
}

/* Exponentially distributed delay with the given mean, >= 1 ns. */
static u64 rng_exp(double mean_ns)
{
	double u = ((rng_next() >> 11) + 0.5) / 9007199254740992.0;
	double d = -log(u) * mean_ns;

	return d < 1 ? 1 : (u64)d;
}

/* ---- event heap (ordered by time, then insertion) ----------------------- */

static bool ev_before(const struct event *a, const struct event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void ev_push(u64 t, u32 type, void *p, u32 gen)
{
	struct event e = { .t = t, .seq = S.seq++, .p = p, .type = type,
			   .gen = gen };
	size_t i;

	if (S.nheap == S.capheap) {
		S.capheap = S.capheap ? S.capheap * 2 : 1024;
		S.heap = realloc(S.heap, S.capheap * sizeof(*S.heap));
		if (!S.heap)
			die("out of memory");
	}
	i = S.nheap++;
	while (i && ev_before(&e, &S.heap[(i - 1) / 2])) {
		S.heap[i] = S.heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	S.heap[i] = e;
}

static struct event ev_pop(void)
{
	struct event top = S.heap[0], last = S.heap[--S.nheap];
	size_t i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= S.nheap)
			break;
		if (c + 1 < S.nheap && ev_before(&S.heap[c + 1], &S.heap[c]))
			c++;
		if (!ev_before(&S.heap[c], &last))
			break;
		S.heap[i] = S.heap[c];
		i = c;
	}
	if (S.nheap)
		S.heap[i] = last;
	return top;
}

/* ---- packets and queues ------------------------------------------------- */

static struct pkt *pkt_new(int kind, int dir, u32 bytes, int vif, int flow)
{
	struct pkt *p = S.pfree;
	u32 slots;

	if (p)
		S.pfree = p->next;
	else
		p = xalloc(sizeof(*p));
	memset(p, 0, sizeof(*p));
	slots = (bytes + SIM_PAGE - 1) / SIM_PAGE;
	p->kind = kind;
	p->dir = dir;
	p->bytes = bytes;
	p->nslots = slots ? slots : 1;
	p->vif = vif;
	p->flow = flow;
	p->dst = dir == DIR_RX ? vif : EP_EXT;
	p->t0 = S.now;
	p->t_tx = S.now;
	S.live_pkts++;
	return p;
}

static void pkt_free(struct pkt *p)
{
	p->next = S.pfree;
	S.pfree = p;
	S.live_pkts--;
}

static void pkt_drop(struct pkt *p)
{
	S.drops++;
	pkt_free(p);
}

static void pq_add(struct pktq *q, struct pkt *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->len++;
}

static struct pkt *pq_pop(struct pktq *q)
{
	struct pkt *p = q->head;

	if (p) {
		q->head = p->next;
		if (!q->head)
			q->tail = NULL;
		q->len--;
	}
	return p;
}

static bool in_window(u64 t)
{
	return t >= S.warm && t < S.end;
}

static void lat_push(struct lat *l, u64 ns)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			die("out of memory");
	}
	l->v[l->n++] = ns;
}

static void lat_add(struct lat *l, u64 origin, u64 ns)
{
	if (!in_window(origin))
		return;
	if (S.lat_out)
		fprintf(S.lat_out, "%s,%llu,%llu\n", l->kind,
			(unsigned long long)origin, (unsigned long long)ns);
	lat_push(l, ns);
}

/*
 * A round trip of flow @f's loop @slot that started at @origin (the
 * packet's t_tx: a sender stamps it before it sends, as sockperf does).
 */
static void lat_rt(struct lat *l, struct flow *f, u32 slot, u64 origin)
{
	if (!in_window(origin) || f->nolat)
		return;
	lat_add(l, origin, S.now - origin);
	lat_push(&f->grp[slot < f->ngrp ? slot : 0], S.now - origin);
}

static void account_bytes(u32 bytes)
{
	if (S.measuring)
		S.bytes += bytes;
}

/* ---- vCPUs -------------------------------------------------------------- */

static s64 item_step(struct dom *d, struct item *it);

static struct item *item_new(int type, void *obj)
{
	struct item *it = S.ifree;

	if (it)
		S.ifree = it->next;
	else
		it = xalloc(sizeof(*it));
	memset(it, 0, sizeof(*it));
	it->type = type;
	it->obj = obj;
	return it;
}

/*
 * Process context: the applications (the guest's, the peer's in dom0)
 * and netback's guest-RX kthread.
 */
static bool item_is_task(const struct item *it)
{
	return it->type == IT_APP || it->type == IT_NB_RXK ||
	       it->type == IT_D0APP;
}

/* A task's CFS vruntime: the time it ran, plus the sleeper placement. */
static u64 *task_vr(const struct item *it)
{
	struct vif *v = it->obj;

	switch (it->type) {
	case IT_APP:
		return &v->app_vr;
	case IT_D0APP:
		return &v->d0app_vr;
	default:
		return &v->rxk_vr;
	}
}

/* Queue @it ahead of the first task waiting on @d. */
static void dom_insert_before_tasks(struct dom *d, struct item *it)
{
	struct item **pp = &d->head;

	while (*pp && !item_is_task(*pp))
		pp = &(*pp)->next;
	it->next = *pp;
	*pp = it;
	if (!it->next)
		d->tail = it;
}

/* wake_preempt: queue task @t ahead of the first task with a larger vruntime. */
static void dom_insert_task(struct dom *d, struct item *t)
{
	struct item **pp = &d->head;

	while (*pp && !(item_is_task(*pp) && *task_vr(*pp) > *task_vr(t)))
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	if (!t->next)
		d->tail = t;
}

/*
 * wake_preempt: CFS's min_vruntime, the smaller of the running task's
 * and the first waiting task's vruntime, never going back.
 */
static void dom_update_min_vr(struct dom *d)
{
	const struct item *it;
	u64 m = UINT64_MAX;

	if (d->run && item_is_task(d->run))
		m = *task_vr(d->run);
	for (it = d->head; it; it = it->next)
		if (item_is_task(it)) {
			if (*task_vr(it) < m)
				m = *task_vr(it);
			break;
		}
	if (m != UINT64_MAX && m > d->min_vr)
		d->min_vr = m;
}

static void dom_enqueue(struct dom *d, struct item *it)
{
	/* softirq_first: softirq work (NAPI polls, repolls, timers) runs
	 * before the tasks waiting for the vCPU, as Linux runs pending
	 * softirqs before it returns to process context, for up to
	 * MAX_SOFTIRQ_TIME; after that ksoftirqd queues with the tasks
	 */
	if (item_is_task(it) && !d->task_wait)
		d->task_wait = S.now + 1;
	if (C.softirq_first && !item_is_task(it) &&
	    (!d->task_wait || S.now + 1 - d->task_wait < SIM_SOFTIRQ_NS)) {
		dom_insert_before_tasks(d, it);
	} else if (C.wake_preempt && item_is_task(it)) {
		dom_insert_task(d, it);
	} else {
		it->next = NULL;
		if (d->tail)
			d->tail->next = it;
		else
			d->head = it;
		d->tail = it;
	}
	if (!d->active) {
		d->active = true;
		ev_push(S.now, EV_STEP, d, 0);
	}
}

/*
 * Wake task @t on @d (place_entity() and check_preempt_wakeup()): a
 * sleeper's vruntime is at least min_vruntime less the sleeper credit,
 * and it preempts a running task whose vruntime is more than the
 * wakeup granularity ahead of its own. With wake_preempt=0 it just queues.
 */
static void dom_wake_task(struct dom *d, struct item *t)
{
	u64 *vr = task_vr(t);

	if (C.wake_preempt) {
		dom_update_min_vr(d);
		if (d->min_vr > SIM_SLEEPER_NS && *vr < d->min_vr - SIM_SLEEPER_NS)
			*vr = d->min_vr - SIM_SLEEPER_NS;
		if (d->run && item_is_task(d->run) &&
		    *task_vr(d->run) > *vr + SIM_WAKEUP_GRAN_NS)
			d->resched = true;
	}
	dom_enqueue(d, t);
}

static void dom_enqueue_head(struct dom *d, struct item *it)
{
	it->next = d->head;
	d->head = it;
	if (!d->tail)
		d->tail = it;
	if (!d->active) {
		d->active = true;
		ev_push(S.now, EV_STEP, d, 0);
	}
}

/* Put an interrupted task back as the first of the waiting tasks. */
static void dom_requeue_task(struct dom *d, struct item *t)
{
	dom_insert_before_tasks(d, t);
	if (!d->task_wait)
		d->task_wait = S.now + 1;
}

/* A task got the vCPU: the next waiting task waits from now. */
static void dom_task_started(struct dom *d)
{
	struct item *it;

	d->task_wait = 0;
	d->resched = false;
	d->run_since = S.now;
	for (it = d->head; it; it = it->next)
		if (item_is_task(it)) {
			d->task_wait = S.now + 1;
			break;
		}
}

/* Does a task with a smaller vruntime than @t's wait on @d? */
static bool dom_task_waits(const struct dom *d, const struct item *t)
{
	const struct item *it;

	for (it = d->head; it; it = it->next)
		if (item_is_task(it) && *task_vr(it) < *task_vr(t))
			return true;
	return false;
}

/* Run the vCPU at S.now until it is busy for a while or idle. */
static void dom_advance(struct dom *d)
{
	s64 r;

	for (;;) {
		/* softirq_first: pending softirq work interrupts a task
		 * between two of its steps (a task's packet loop runs with
		 * bottom halves enabled in between)
		 */
		if (d->run && C.softirq_first && item_is_task(d->run) &&
		    d->head && !item_is_task(d->head)) {
			dom_requeue_task(d, d->run);
			d->run = NULL;
		}
		/* wake_preempt: a task that has run a slice (to the next
		 * scheduler tick) gives way to a waiting task with a smaller
		 * vruntime (check_preempt_tick())
		 */
		if (d->run && C.wake_preempt && item_is_task(d->run) &&
		    S.now - d->run_since >= SIM_SLICE_NS && dom_task_waits(d, d->run))
			d->resched = true;
		/* wake_preempt: a woken task takes over between two steps */
		if (d->run && d->resched && item_is_task(d->run)) {
			d->resched = false;
			dom_insert_task(d, d->run);
			if (!d->task_wait)
				d->task_wait = S.now + 1;
			d->run = NULL;
		}
		if (!d->run) {
			d->run = d->head;
			if (!d->run) {
				d->active = false;
				return;
			}
			d->head = d->run->next;
			if (!d->head)
				d->tail = NULL;
			if (item_is_task(d->run))
				dom_task_started(d);
		}
		r = item_step(d, d->run);
		if (r > 0) {
			d->busy_ns += r;
			if (item_is_task(d->run))
				*task_vr(d->run) += r;
			ev_push(S.now + r, EV_STEP, d, 0);
			return;
		}
		if (r < 0) {
			d->run->next = S.ifree;
			S.ifree = d->run;
			d->run = NULL;
		}
	}
}

/* ---- event channels (Xen 2-level semantics + Linux lateeoi) ------------- */

static s64 evtchn_send(struct chan *ch, struct dom *sender, u64 cost)
{
	sender->hcalls++;
	ev_push(S.now + C.evtchn_ns, EV_EVTCHN, ch, 0);
	return cost;
}

static u64 upcall_handle(struct chan *ch);

static void chan_raise(struct chan *ch)
{
	struct item *it = item_new(IT_UPCALL, ch);

	ch->masked = true;
	if (!C.irq_preempt) {
		dom_enqueue(ch->d, it);
		return;
	}
	/* the handler runs now; its cost goes first in the queue */
	it->budget = 1;
	it->bytes = upcall_handle(ch);
	dom_enqueue_head(ch->d, it);
}

static void chan_deliver(struct chan *ch)
{
	if (ch->pending) {
		ch->merged++;
		return;
	}
	ch->pending = true;
	if (!ch->masked)
		chan_raise(ch);
}

static void chan_unmask(struct chan *ch)
{
	ch->masked = false;
	if (ch->pending)
		chan_raise(ch);
}

/* xen_irq_lateeoi(): consecutive spurious events delay the unmask. */
static void chan_eoi(struct chan *ch, bool spurious)
{
	u64 delay;

	ch->eoi_pending = false;
	if (!ch->masked)
		return;
	if (spurious) {
		ch->spurious++;
		if ((1ULL << ch->spur_cnt) < 4 * 250)
			ch->spur_cnt++;
		if (ch->spur_cnt > SIM_SPURIOUS_THRESHOLD) {
			delay = 1ULL << (ch->spur_cnt - 1 - SIM_SPURIOUS_THRESHOLD);
			if (delay > 250)
				delay = 250;
			ch->delays++;
			ch->delay_ns += delay * SIM_JIFFY_NS;
			ev_push(S.now + delay * SIM_JIFFY_NS, EV_UNMASK, ch, 0);
			return;
		}
	} else {
		ch->spur_cnt = 0;
	}
	chan_unmask(ch);
}

/* xcc_chan_now(): the time only where the controller asks for it */
static u64 clk(const struct xcc_ctl *c, u32 frames, bool event)
{
	return xcc_ctl_wants_clock(c, frames, event) ? S.now : 0;
}

/* ---- timers (hrtimers: start restarts, try_to_cancel) ------------------- */

static void timer_start(struct simtimer *t, u32 usecs)
{
	t->gen++;
	t->armed = true;
	t->due = S.now + (u64)usecs * 1000;
	if (usecs > t->max_usecs)
		t->max_usecs = usecs;
	ev_push(t->due + C.timer_slop_ns, EV_TIMER, t, t->gen);
}

static void timer_cancel(struct simtimer *t)
{
	if (t->armed) {
		t->gen++;
		t->armed = false;
	}
}

/* ---- rings -------------------------------------------------------------- */

/* RING_PUSH_{REQUESTS,RESPONSES}_AND_CHECK_NOTIFY */
static bool push_check(u32 *shared_prod, u32 new, u32 event)
{
	u32 old = *shared_prod;

	*shared_prod = new;
	return (u32)(new - event) < (u32)(new - old);
}

static bool push_requests(struct ring *r)
{
	return push_check(&r->req_prod, r->req_prod_pvt, r->req_event);
}

static bool push_responses(struct ring *r)
{
	return push_check(&r->rsp_prod, r->rsp_prod_pvt, r->rsp_event);
}

/* RING_FINAL_CHECK_FOR_RESPONSES (frontend) */
static bool final_check_responses(struct ring *r)
{
	if (r->rsp_prod != r->rsp_cons)
		return true;
	r->rsp_event = r->rsp_cons + 1;
	return r->rsp_prod != r->rsp_cons;
}

/* ---- the external world: links, client, NIC ----------------------------- */

static u64 ser_ns(u32 bytes)
{
	return (u64)bytes * 8000 / C.link_mbps;
}

static void nic_arrive(struct pkt *p);
static void client_arrive(struct pkt *p);
static void oneway_recv(struct flow *f, struct pkt *p, int at, bool in_app);

/* memcached: the client got the response to a request it sent in the window */
static void memc_answered(struct flow *f, const struct pkt *p)
{
	if (in_window(p->t0))
		f->recv++;
}

/* Wire and external host jitter: uniform in [0, wire_jitter_ns]. */
static u64 wire_jitter(void)
{
	return C.wire_jitter_ns ? rng_next() % (C.wire_jitter_ns + 1) : 0;
}

/* A packet leaves the client towards dom0's NIC. */
static void client_send(struct pkt *p)
{
	u64 dep = S.in_free > S.now ? S.in_free : S.now;

	dep += ser_ns(p->bytes);
	S.in_free = dep;
	ev_push(dep + C.wire_ns + wire_jitter(), EV_NIC_ARRIVE, p, 0);
}

/* dom0's NIC transmits a packet of the guest. */
static void wire_out(struct pkt *p)
{
	u64 dep = S.out_free > S.now ? S.out_free : S.now;

	dep += ser_ns(p->bytes);
	S.out_free = dep;
	if (p->kind == PK_ONEWAY)
		lat_add(&S.lat_ow, p->t0, dep - p->t0);
	ev_push(dep + C.wire_ns + wire_jitter(), EV_CLIENT, p, 0);
}

static bool flow_running(const struct flow *f)
{
	return !S.stopping && S.now >= f->start && S.now < f->stop;
}

static void nic_raise(void)
{
	S.nic_sched = true;
	S.nic_irqs++;
	dom_enqueue(&S.d0, item_new(IT_NIC, NULL));
}

static void nic_arrive(struct pkt *p)
{
	p->t_nic = S.now;
	if (S.nicq.len >= SIM_NIC_QLEN) {
		pkt_drop(p);
		return;
	}
	pq_add(&S.nicq, p);
	if (S.nic_sched || S.nic_irq_wait)
		return;
	if (C.nic_usecs) {
		S.nic_irq_wait = true;
		ev_push(S.now + C.nic_usecs * 1000, EV_NIC_IRQ, NULL, 0);
	} else {
		nic_raise();
	}
}

static void client_bulk_fill(struct flow *f)
{
	struct pkt *p;

	while (f->inflight < f->window && flow_running(f)) {
		f->inflight++;
		p = pkt_new(PK_DATA, DIR_RX, f->seg, f->vif, f->id);
		client_send(p);
	}
}

static void client_ack(struct flow *f)
{
	struct pkt *a = pkt_new(PK_ACK, DIR_RX, 66, f->vif, f->id);

	a->acks = f->unacked;
	f->unacked = 0;
	f->delack_gen++;
	client_send(a);
}

static void client_arrive(struct pkt *p)
{
	struct flow *f = &S.f[p->flow];

	switch (p->kind) {
	case PK_ACK:		/* bulk towards the guest: window opens */
		f->inflight -= p->acks < f->inflight ? p->acks : f->inflight;
		pkt_free(p);
		client_bulk_fill(f);
		break;
	case PK_DATA:		/* bulk from the guest: ACK every 2 */
		account_bytes(p->bytes);
		pkt_free(p);
		if (++f->unacked >= 2)
			client_ack(f);
		else
			ev_push(S.now + C.client_delack_ns, EV_DELACK, f,
				f->delack_gen);
		break;
	case PK_RESP:		/* the client's next request of that loop */
		account_bytes(p->bytes);
		lat_rt(&S.lat_rr, f, p->slot, p->t_tx);
		if (f->type == F_MEMC)	/* open loop: no next request */
			memc_answered(f, p);
		else
			ev_push(S.now + C.client_ns, EV_RR_NEXT, f, p->slot);
		pkt_free(p);
		break;
	case PK_ECHO:		/* a one-way packet of ours came back */
		account_bytes(p->bytes);
		lat_rt(&S.lat_echo, f, 0, p->t_tx);
		pkt_free(p);
		break;
	default:
		account_bytes(p->bytes);
		if (p->kind == PK_ONEWAY)
			oneway_recv(f, p, EP_EXT, false);
		pkt_free(p);
		break;
	}
}

/* ---- the levers' settings ----------------------------------------------- */

/* A u64 option as a u32 field: saturated, xcc_params_check() rejects it. */
static u32 sat_u32(u64 v)
{
	return v > 0xffffffffULL ? 0xffffffffU : (u32)v;
}

static struct xcc_params lever_params(const struct lever_cfg *l)
{
	struct xcc_params p = {
		.weight = P.weight,
		.usecs_low = XCC_DEF_USECS_LOW,
		.usecs_high = P.usecs_high,
		.pkt_rate_low = XCC_DEF_PKT_RATE_LOW,
		.pkt_rate_high = XCC_DEF_PKT_RATE_HIGH,
		.budget_usecs = sat_u32(P.budget_us),
		.nic_usecs = sat_u32(P.nic_us),
	};
	const char *why;

	switch (l->pol) {
	case POL_STATIC:
		p.usecs = l->usecs;
		p.frames = l->frames;
		break;
	case POL_DIM:
		p.adapt = XCC_ADAPT_DIM;
		break;
	case POL_ADAPTIVE:
		p.adapt = XCC_ADAPT_OURS;
		break;
	}
	why = xcc_params_check(&p, 1000);
	if (why)
		die("bad lever settings: %s", why);
	return p;
}

/* ---- netback (dom0) ----------------------------------------------------- */

static void nb_kick(struct vif *v);
static void d0app_schedule(struct vif *v);

/*
 * A guest's frame leaves netback: onto the physical NIC, or through
 * dom0's bridge into another guest's vif (xenvif_start_xmit(), the cost
 * is part of d0_tx_pkt_ns).
 */
/* xenvif_start_xmit(): into the vif's queue to the guest, or dropped. */
static void nb_rxq_add(struct vif *v, struct pkt *p)
{
	p->t_nic = S.now;
	if (v->rxq.len >= SIM_RXQ_MAX) {
		pkt_drop(p);
		return;
	}
	pq_add(&v->rxq, p);
	nb_kick(v);
}

static void nb_forward(struct pkt *p)
{
	struct vif *v;

	if (p->dst == EP_EXT) {
		wire_out(p);
		return;
	}
	if (p->dst == EP_D0) {	/* the local stack: the peer's socket */
		v = &S.v[p->vif];
		pq_add(&v->d0sock, p);
		d0app_schedule(v);
		return;
	}
	v = &S.v[p->dst];
	p->vif = p->dst;
	p->dir = DIR_RX;
	nb_rxq_add(v, p);
}

static void nb_napi_schedule(struct vif *v)
{
	if (v->nb_napi)
		return;
	v->nb_napi = true;
	dom_enqueue(&S.d0, item_new(IT_NB_NAPI, v));
}

/* xcc_nb_final_check(): RING_FINAL_CHECK_FOR_REQUESTS with a distance */
static bool nb_final_check(struct vif *v)
{
	struct ring *r = &v->tx;
	u32 dist = v->rx_dist;
	bool more;

	if (r->req_prod != r->req_cons)
		return true;
	r->req_event = r->req_cons + dist;
	more = r->req_prod != r->req_cons;
	if (dist > 1) {
		v->rx_dist = 1;
		if (!more)
			timer_start(&v->t_nb_rx, v->nb_rx.usecs);
	}
	return more;
}

/* xenvif_napi_schedule_or_enable_events() */
static void nb_schedule_or_enable(struct vif *v)
{
	if (nb_final_check(v))
		nb_napi_schedule(v);
	else if (v->c_nb_tx.eoi_pending)
		chan_eoi(&v->c_nb_tx, false);
}

/* xenvif_rx_ring_slots_available() */
static bool nb_rx_slots(struct vif *v)
{
	struct ring *r = &v->rx;
	u32 prod;

	if (!v->rxq.head)
		return false;
	prod = r->req_prod;
	if (prod - r->req_cons >= v->rxq.head->nslots)
		return true;
	r->req_event = prod + 1;
	return r->req_prod - r->req_cons >= v->rxq.head->nslots;
}

static void nb_kick(struct vif *v)
{
	if (v->rxk || !nb_rx_slots(v))
		return;
	v->rxk = true;
	dom_wake_task(&S.d0, item_new(IT_NB_RXK, v));
}

/*
 * poll_batch: pay at once for the packets from slot @cons to @prod that
 * the poll's budget still allows (netfront reads rsp_prod once per poll,
 * netback copies a poll's requests in one grant-copy batch); they are
 * then handled (delivered, answered) at no further cost.
 */
static u64 poll_prepay(struct item *it, const struct ring *r, u32 cons,
		       u32 prod, u64 pkt_ns, u64 byte_ps)
{
	u64 ns = 0;
	struct pkt *p;

	while (cons != prod && it->prepaid < it->budget - it->work) {
		p = r->slot[cons % RS];
		ns += pkt_ns + p->bytes * byte_ps / 1000;
		cons += p->nslots;
		it->prepaid++;
	}
	return ns;
}

/* xenvif_poll(): guest TX requests -> wire; TX responses per packet. */
static s64 nb_napi_step(struct vif *v, struct item *it)
{
	struct ring *r = &v->tx;
	struct pkt *p;
	enum xcc_rearm rearm;
	bool crossed;

	switch (it->phase) {
	case 0:
		it->phase = 1;
		it->budget = v->nb_weight;
		return C.d0_napi_ns;
	case 1:
		p = it->cur;
		if (p) {
			it->cur = NULL;
			r->req_cons += p->nslots;
			v->pv_pkts++;
			v->nb_rx_bytes += p->bytes;
			nb_forward(p);
			/* push_tx_responses() + xcc_nb_txc_push() */
			r->rsp_prod_pvt += p->nslots;
			crossed = push_responses(r);
			switch (xcc_prod_push(&v->nb_txc_p, &v->nb_txc,
					      r->rsp_prod_pvt, crossed, 0,
					      clk(&v->nb_txc, r->rsp_prod_pvt -
						  v->nb_txc_p.prod, true))) {
			case XCC_NOTIFY:
				timer_cancel(&v->t_nb_txc);
				return evtchn_send(&v->c_nf_tx, &S.d0,
						   C.d0_hcall_ns);
			case XCC_ARM:
				timer_start(&v->t_nb_txc, v->nb_txc.usecs);
				break;
			default:
				break;
			}
			return 0;
		}
		if (it->work < it->budget && r->req_prod != r->req_cons) {
			if (C.poll_batch && !it->prepaid)
				return poll_prepay(it, r, r->req_cons, r->req_prod,
						   C.d0_tx_pkt_ns,
						   C.d0_tx_byte_ps);
			p = r->slot[r->req_cons % RS];
			it->cur = p;
			it->work++;
			if (it->prepaid) {
				it->prepaid--;
				return 0;
			}
			return C.d0_tx_pkt_ns + p->bytes * C.d0_tx_byte_ps / 1000;
		}
		/* xcc_nb_poll(): the next poll's weight, then the re-arm */
		if (it->work >= it->budget) {
			v->nb_weight = xcc_ctl_weight(&v->nb_rx, it->work);
			dom_enqueue(&S.d0, item_new(IT_NB_NAPI, v));
			return STEP_DONE;
		}
		v->nb_napi = false;
		rearm = xcc_cons_complete(&v->nb_rx, it->work, v->nb_rx_bytes,
					  clk(&v->nb_rx, it->work, it->work > 0));
		v->nb_weight = v->nb_rx.weight;
		v->nb_rx_bytes = 0;
		if (rearm == XCC_REARM_LATER) {
			timer_start(&v->t_nb_rx, v->nb_rx.usecs);
			return STEP_DONE;
		}
		if (rearm == XCC_REARM_AHEAD)
			v->rx_dist = xcc_event_distance(&v->nb_rx, RS);
		nb_schedule_or_enable(v);
		return STEP_DONE;
	}
	return STEP_DONE;
}

/* xenvif_kthread_guest_rx(): one xenvif_rx_action() cycle per item. */
static s64 nb_rxk_step(struct vif *v, struct item *it)
{
	struct ring *r = &v->rx;
	struct pkt *p;
	bool crossed;

	switch (it->phase) {
	case 0:		/* woken */
		it->phase = 1;
		return C.d0_kthread_ns;
	case 1:		/* cycle */
		it->phase = 2;
		it->work = 0;
		it->bytes = 0;
		it->budget = v->nb_tx.weight;	/* xcc_nb_rx_batch() */
		return 0;
	case 2:
		p = it->cur;
		if (p) {
			it->cur = NULL;
			r->req_cons += p->nslots;
			r->slot[r->rsp_prod_pvt % RS] = p;
			r->rsp_prod_pvt += p->nslots;
			it->bytes += p->bytes;
		}
		if (it->work < it->budget && nb_rx_slots(v)) {
			p = pq_pop(&v->rxq);
			it->cur = p;
			it->work++;
			return C.d0_rx_pkt_ns + p->bytes * C.d0_rx_byte_ps / 1000;
		}
		it->phase = 3;
		xcc_ctl_weight(&v->nb_tx, it->work);	/* xcc_nb_rx_batch() */
		if (!it->work)
			return 0;
		/* xenvif_rx_copy_flush() + xcc_nb_rx_push() */
		crossed = push_responses(r);
		switch (xcc_prod_push(&v->nb_tx_p, &v->nb_tx, r->rsp_prod_pvt,
				      crossed, it->bytes,
				      clk(&v->nb_tx, r->rsp_prod_pvt -
					  v->nb_tx_p.prod, true))) {
		case XCC_NOTIFY:
			timer_cancel(&v->t_nb_tx);
			return evtchn_send(&v->c_nf_rx, &S.d0, C.d0_hcall_ns);
		case XCC_ARM:
			timer_start(&v->t_nb_tx, v->nb_tx.usecs);
			break;
		default:
			break;
		}
		return 0;
	case 3:		/* xenvif_wait_for_rx_work() */
		if (nb_rx_slots(v)) {	/* cond_resched(), next cycle */
			struct item *n = item_new(IT_NB_RXK, v);

			n->phase = 1;
			dom_enqueue(&S.d0, n);
			return STEP_DONE;
		}
		if (v->c_nb_rx.eoi_pending)
			chan_eoi(&v->c_nb_rx, false);
		v->rxk = false;
		return STEP_DONE;
	}
	return STEP_DONE;
}

/* Physical NIC: irq, then NAPI polls of up to 64 frames into the vifs. */
static s64 nic_step(struct item *it)
{
	struct pkt *p = it->cur;
	struct vif *v;

	if (it->phase == 0) {
		it->phase = 1;
		return it->budget ? C.d0_napi_ns : C.nic_irq_ns;
	}
	if (p) {
		it->cur = NULL;
		v = &S.v[p->vif];
		if (v->rxq.len >= SIM_RXQ_MAX) {
			pkt_drop(p);
		} else {
			pq_add(&v->rxq, p);	/* xenvif_start_xmit() */
			nb_kick(v);
		}
	}
	if (it->work < SIM_NIC_BUDGET && S.nicq.head) {
		p = pq_pop(&S.nicq);
		it->cur = p;
		it->work++;
		return C.nic_pkt_ns + p->bytes * C.nic_byte_ps / 1000;
	}
	if (S.nicq.head) {
		struct item *n = item_new(IT_NIC, NULL);

		n->budget = 1;		/* a repoll: no irq cost */
		dom_enqueue(&S.d0, n);
	} else {
		S.nic_sched = false;
	}
	return STEP_DONE;
}

/* ---- netfront (guest) --------------------------------------------------- */

static void nf_napi_schedule(struct vif *v)
{
	if (v->nf_napi)
		return;
	v->nf_napi = true;
	dom_enqueue(v->g, item_new(IT_NF_NAPI, v));
}

static void app_schedule(struct vif *v)
{
	if (v->app)
		return;
	v->app = true;
	dom_wake_task(v->g, item_new(IT_APP, v));
}

static void gq_add(struct vif *v, struct pkt *p)
{
	if (v->gq.len >= SIM_GQ_MAX) {
		pkt_drop(p);
		return;
	}
	pq_add(&v->gq, p);
}

/* ---- endpoints: the external host, dom0's or a guest's application ------ */

/*
 * A packet of @flow from endpoint @from to endpoint @to (a vif, EP_EXT
 * or EP_D0; one of them a vif).
 */
static struct pkt *ep_pkt(int kind, int from, int to, u32 bytes, int flow)
{
	struct pkt *p;

	if (from == EP_EXT || from == EP_D0)
		p = pkt_new(kind, DIR_RX, bytes, to, flow);
	else
		p = pkt_new(kind, DIR_TX, bytes, from, flow);
	p->dst = to;
	return p;
}

/*
 * Endpoint @from sends it: the external host puts it on the link; an
 * application hands it to the stack now (@in_app: it is running; dom0's
 * pays for the send first) or when it next runs (a sender woken by its
 * timer).
 */
static void ep_xmit(struct pkt *p, int from, bool in_app)
{
	struct vif *v = &S.v[p->vif];

	if (from == EP_EXT) {
		client_send(p);
	} else if (from == EP_D0) {
		pq_add(&v->d0tx, p);
		d0app_schedule(v);
	} else if (in_app) {
		gq_add(v, p);
	} else {
		pq_add(&v->apptx, p);
		app_schedule(v);
	}
}

/* The sender and the receiver of one-way flow @f. */
static int oneway_src(const struct flow *f)
{
	return f->dir == DIR_RX ? f->peer : f->vif;
}

static int oneway_dst(const struct flow *f)
{
	return f->dir == DIR_RX ? f->vif : f->peer;
}

/* A one-way packet reached the application at endpoint @at: echo it? */
static void oneway_recv(struct flow *f, struct pkt *p, int at, bool in_app)
{
	struct pkt *e;

	if (in_window(p->t0))
		f->recv++;
	if (!(p->flags & PKF_ECHO))
		return;
	e = ep_pkt(PK_ECHO, at, oneway_src(f), p->bytes, f->id);
	e->t0 = p->t0;
	e->t_tx = p->t_tx;
	ep_xmit(e, at, in_app);
}

/* ---- the peer application in dom0 (peer=dom0) --------------------------- */

static void d0app_schedule(struct vif *v)
{
	if (v->d0app)
		return;
	v->d0app = true;
	dom_wake_task(&S.d0, item_new(IT_D0APP, v));
}

static void d0app_consume(struct vif *v, struct pkt *p)
{
	struct flow *f = &S.f[p->flow];
	struct pkt *q;

	if (p->dir == DIR_RX) {	/* sendto() done: into the vif's queue */
		nb_rxq_add(v, p);
		return;
	}
	account_bytes(p->bytes);
	switch (p->kind) {
	case PK_RESP:		/* the client's next request of that loop */
		lat_rt(&S.lat_rr, f, p->slot, p->t_tx);
		if (f->type == F_MEMC) {
			memc_answered(f, p);
		} else if (flow_running(f)) {
			q = ep_pkt(PK_REQ, EP_D0, f->vif, f->req, p->flow);
			q->slot = p->slot;
			ep_xmit(q, EP_D0, true);
		}
		break;
	case PK_ECHO:
		lat_rt(&S.lat_echo, f, 0, p->t_tx);
		break;
	case PK_ONEWAY:
		lat_add(&S.lat_ow, p->t_tx, S.now - p->t_tx);
		oneway_recv(f, p, EP_D0, true);
		break;
	}
	pkt_free(p);
}

/*
 * One step of a process that receives what came (@rx) and sends what is
 * to be sent (@tx): the guest's application or the peer's in dom0. A run
 * starts with a wake-up (@wake_ns); a packet taken is costed by the
 * caller (%STEP_PKT, in *@taken) and consumed at the next step; with
 * nothing left the process sleeps (*@running false, %STEP_DONE).
 */
#define STEP_PKT	(-2)
static s64 proc_step(struct vif *v, struct item *it, struct pktq *rx, struct pktq *tx,
		     bool *running, s64 wake_ns,
		     void (*consume)(struct vif *, struct pkt *), struct pkt **taken)
{
	struct pkt *p = it->cur;

	if (it->phase == 0) {
		it->phase = 1;
		return wake_ns;
	}
	if (p) {
		it->cur = NULL;
		consume(v, p);
		return 0;
	}
	p = pq_pop(rx);
	if (!p) {
		p = pq_pop(tx);
		/* an echo keeps its origin's, a delayed response its request's */
		if (p && p->kind != PK_ECHO && p->kind != PK_RESP)
			p->t_tx = S.now;
	}
	if (!p) {
		*running = false;
		return STEP_DONE;
	}
	it->cur = p;
	*taken = p;
	return STEP_PKT;
}

/* The peer's process in dom0. */
static s64 d0app_step(struct vif *v, struct item *it)
{
	struct pkt *p;
	s64 r = proc_step(v, it, &v->d0sock, &v->d0tx, &v->d0app, C.d0_app_wake_ns,
			  d0app_consume, &p);

	if (r != STEP_PKT)
		return r;
	return C.d0_app_pkt_ns + p->bytes * C.d0_app_byte_ps / 1000 +
	       (p->dir == DIR_RX ? C.d0_sock_tx_ns : 0);
}

static bool nf_tx_slot_available(const struct vif *v)
{
	return v->tx.req_prod_pvt - v->tx.rsp_cons < RS - SIM_SLOTS_MIN - 1;
}

/* xennet_start_xmit() for the packet at the head of the qdisc. */
static s64 nf_xmit(struct vif *v, struct pkt *p)
{
	struct ring *r = &v->tx;
	bool more = v->gq.len > 0, avail, crossed;
	u32 bytes;

	r->slot[r->req_prod_pvt % RS] = p;
	r->req_prod_pvt += p->nslots;
	avail = nf_tx_slot_available(v);
	if (!avail)
		v->tx_stopped = true;
	/* xcc_nf_tx_hold(): count the bytes; xmit_more && a delay in effect */
	v->nf_tx_bytes += p->bytes;
	if (avail && more && v->nf_tx.usecs) {
		v->held_xmit++;
		return 0;
	}
	crossed = push_requests(r);
	bytes = v->nf_tx_bytes;		/* xcc_nf_tx_push() */
	v->nf_tx_bytes = 0;
	switch (xcc_prod_push(&v->nf_tx_p, &v->nf_tx, r->req_prod_pvt, crossed,
			      bytes,
			      clk(&v->nf_tx, r->req_prod_pvt - v->nf_tx_p.prod,
				  true))) {
	case XCC_NOTIFY:
		timer_cancel(&v->t_nf_tx);
		return evtchn_send(&v->c_nb_tx, v->g, C.g_hcall_ns);
	case XCC_ARM:
		timer_start(&v->t_nf_tx, v->nf_tx.usecs);
		break;
	default:
		break;
	}
	return 0;
}

static void guest_bulk_fill(struct vif *v, struct flow *f)
{
	struct pkt *p;

	while (f->inflight < f->window && flow_running(f)) {
		f->inflight++;
		p = pkt_new(PK_DATA, DIR_TX, f->seg, v->idx, f->id);
		gq_add(v, p);
	}
}

static void guest_ack(struct vif *v, struct flow *f)
{
	struct pkt *a = pkt_new(PK_ACK, DIR_TX, 66, v->idx, f->id);

	a->acks = f->unacked;
	f->unacked = 0;
	gq_add(v, a);
}

/* The guest stack gets a frame from netfront (softirq). */
static void guest_deliver(struct vif *v, struct pkt *p)
{
	struct flow *f = &S.f[p->flow];

	switch (p->kind) {
	case PK_DATA:
		pq_add(&v->sock, p);
		app_schedule(v);
		if (++f->unacked >= 2)
			guest_ack(v, f);
		break;
	case PK_ACK:
		f->inflight -= p->acks < f->inflight ? p->acks : f->inflight;
		pkt_free(p);
		guest_bulk_fill(v, f);
		break;
	default:
		pq_add(&v->sock, p);
		app_schedule(v);
		break;
	}
}

/* xcc_nf_rx_rearm() */
static bool nf_rx_rearm(struct vif *v, u32 work)
{
	struct ring *r = &v->rx;
	enum xcc_rearm rearm;
	u32 dist = 1;

	rearm = xcc_cons_complete(&v->nf_rx, work, v->nf_rx_bytes,
				  clk(&v->nf_rx, work, work > 0));
	v->nf_rx_bytes = 0;
	v->nf_weight = v->nf_rx.weight;
	switch (rearm) {
	case XCC_REARM_LATER:
		timer_start(&v->t_nf_rx, v->nf_rx.usecs);
		return false;
	case XCC_REARM_AHEAD:
		dist = xcc_event_distance(&v->nf_rx,
					  r->req_prod_pvt - r->rsp_cons);
		break;
	case XCC_REARM_NOW:
		break;
	}
	if (dist == 1)
		return final_check_responses(r);
	r->rsp_event = r->rsp_cons + dist;
	if (r->rsp_prod - r->rsp_cons >= dist)
		return true;
	timer_start(&v->t_nf_rx, v->nf_rx.usecs);
	return false;
}

/* xennet_poll() */
static s64 nf_napi_step(struct vif *v, struct item *it)
{
	struct ring *r = &v->rx;
	struct pkt *p;
	int i;

	switch (it->phase) {
	case 0:
		it->phase = 1;
		it->budget = v->nf_weight;
		return C.g_napi_ns;
	case 1:
		p = it->cur;
		if (p) {
			it->cur = NULL;
			r->rsp_cons += p->nslots;
			v->rx_rsp_unconsumed = r->rsp_prod - r->rsp_cons;
			v->pv_pkts++;
			guest_deliver(v, p);
			return 0;
		}
		if (it->work < it->budget && r->rsp_cons != r->rsp_prod) {
			if (C.poll_batch && !it->prepaid)
				return poll_prepay(it, r, r->rsp_cons, r->rsp_prod,
						   C.g_rx_pkt_ns, C.g_rx_byte_ps);
			p = r->slot[r->rsp_cons % RS];
			it->cur = p;
			it->work++;
			/* xcc_nf_rx_count() */
			if (v->nf_rx.params.adapt == XCC_ADAPT_DIM)
				v->nf_rx_bytes += p->bytes;
			if (it->prepaid) {
				it->prepaid--;
				return 0;
			}
			return C.g_rx_pkt_ns + p->bytes * C.g_rx_byte_ps / 1000;
		}
		/* end of the poll's GRO batch: ACK what is left */
		for (i = 0; i < S.nflow; i++)
			if (S.f[i].vif == v->idx && S.f[i].unacked &&
			    S.f[i].type != F_BULK_TX)
				guest_ack(v, &S.f[i]);
		it->phase = 2;
		return 0;
	case 2:		/* xennet_alloc_rx_buffers(): fill the ring, push */
		it->phase = 3;
		r->req_prod_pvt = r->rsp_cons + RS;
		if (push_requests(r))
			return evtchn_send(&v->c_nb_rx, v->g, C.g_hcall_ns);
		return 0;
	case 3:
		if (it->work >= it->budget) {
			/* xcc_nf_rx_poll() */
			v->nf_weight = xcc_ctl_weight(&v->nf_rx, it->work);
			dom_enqueue(v->g, item_new(IT_NF_NAPI, v));
			return STEP_DONE;
		}
		v->nf_napi = false;
		if (nf_rx_rearm(v, it->work))
			nf_napi_schedule(v);
		return STEP_DONE;
	}
	return STEP_DONE;
}

/* memcached: a response of 64 to resp bytes, uniform (a GET's value) */
static u32 memc_resp_bytes(const struct flow *f)
{
	u32 lo = f->resp < 64 ? f->resp : 64;

	return lo + (u32)(rng_next() % (f->resp - lo + 1));
}

static void app_consume(struct vif *v, struct pkt *p)
{
	struct flow *f = &S.f[p->flow];
	struct pkt *q;

	if (p->dir == DIR_TX) {		/* the application sends */
		gq_add(v, p);
		return;
	}
	account_bytes(p->bytes);
	switch (p->kind) {
	case PK_REQ:		/* the server answers the client */
		q = ep_pkt(PK_RESP, v->idx, f->peer,
			   f->type == F_MEMC ? memc_resp_bytes(f) : f->resp, p->flow);
		q->t0 = p->t0;
		q->t_tx = p->t_tx;
		q->slot = p->slot;
		pkt_free(p);
		if (f->type == F_MEMC && f->svc_ns)	/* answered later */
			ev_push(S.now + f->svc_ns, EV_SVC, q, 0);
		else
			gq_add(v, q);
		break;
	case PK_RESP:		/* a client in this guest (g2g): next request */
		lat_rt(&S.lat_rr, f, p->slot, p->t_tx);
		if (flow_running(f)) {
			q = ep_pkt(PK_REQ, v->idx, f->vif, f->req, p->flow);
			q->slot = p->slot;
			ep_xmit(q, v->idx, true);
		}
		pkt_free(p);
		break;
	case PK_ECHO:
		lat_rt(&S.lat_echo, f, 0, p->t_tx);
		pkt_free(p);
		break;
	default:
		lat_add(&S.lat_ow, p->t_nic, S.now - p->t_nic);
		if (p->kind == PK_ONEWAY)
			oneway_recv(f, p, v->idx, true);
		pkt_free(p);
		break;
	}
}

/* The guest's application. */
static s64 app_step(struct vif *v, struct item *it)
{
	struct pkt *p;
	s64 r = proc_step(v, it, &v->sock, &v->apptx, &v->app, C.g_app_wake_ns, app_consume,
			  &p);

	if (r != STEP_PKT)
		return r;
	return (p->kind != PK_REQ ? C.g_app_pkt_ns :
		S.f[p->flow].type == F_MEMC ? C.g_app_req_ns : S.f[p->flow].svc_ns) +
	       p->bytes * C.g_app_byte_ps / 1000;
}

/*
 * Items of the guest that may transmit drain the qdisc first (the stack
 * transmits from the context that queued the packet).
 */
static s64 guest_item(struct vif *v, struct item *it,
		      s64 (*fn)(struct vif *, struct item *))
{
	struct pkt *p;
	s64 r;

	for (;;) {
		p = it->txp;
		if (p) {
			it->txp = NULL;
			r = nf_xmit(v, p);
			if (r)
				return r;
			continue;
		}
		if (it->phase && v->gq.head && !v->tx_stopped) {
			p = pq_pop(&v->gq);
			it->txp = p;
			return C.g_tx_pkt_ns + p->bytes * C.g_tx_byte_ps / 1000;
		}
		if (it->done)
			return STEP_DONE;
		r = fn(v, it);
		if (r < 0)
			it->done = true;
		else if (r > 0)
			return r;
	}
}

static s64 nettx_step(struct vif *v, struct item *it)
{
	if (it->phase == 0) {
		it->phase = 1;
		return 0;
	}
	v->nettx = false;
	return STEP_DONE;
}

/* ---- upcalls and timer callbacks ---------------------------------------- */

/*
 * The hard-irq handler of a channel end. Returns extra CPU time it takes
 * beyond the upcall itself.
 */
static u64 upcall_handle(struct chan *ch)
{
	struct vif *v = ch->v;
	struct ring *r;
	u32 n, wq;
	bool spurious;

	ch->pending = false;
	ch->irqs++;
	switch (ch->kind) {
	case CH_NB_TX:		/* xenvif_tx_interrupt() */
		if (v->tx.req_prod != v->tx.req_cons) {
			ch->eoi_pending = true;
			nb_napi_schedule(v);
		} else {
			chan_eoi(ch, true);
		}
		break;
	case CH_NB_RX:		/* xenvif_rx_interrupt() */
		if (nb_rx_slots(v)) {
			ch->eoi_pending = true;
			nb_kick(v);
		} else {
			chan_eoi(ch, true);
		}
		break;
	case CH_NF_RX:		/* xennet_rx_interrupt() */
		r = &v->rx;
		wq = r->rsp_prod - r->rsp_cons;
		spurious = wq <= v->rx_rsp_unconsumed;
		if (!spurious)
			v->rx_rsp_unconsumed = wq;
		if (wq)
			nf_napi_schedule(v);
		chan_eoi(ch, spurious);
		break;
	case CH_NF_TX:		/* xennet_tx_interrupt() -> xennet_tx_buf_gc() */
		r = &v->tx;
		n = 0;
		do {
			n += r->rsp_prod - r->rsp_cons;
			r->rsp_cons = r->rsp_prod;
		} while (final_check_responses(r));
		if (v->tx_stopped && nf_tx_slot_available(v)) {
			v->tx_stopped = false;
			if (v->gq.head && !v->nettx) {
				v->nettx = true;
				dom_enqueue(v->g, item_new(IT_NETTX, v));
			}
		}
		chan_eoi(ch, !n);
		return n * C.g_gc_pkt_ns;
	}
	return 0;
}

/*
 * An upcall item: the irq entry cost, then the handler. With irq_preempt
 * the handler already ran when the event was delivered and the item only
 * charges its cost (it->budget = 1).
 */
static s64 upcall_step(struct chan *ch, struct item *it)
{
	u64 extra;

	switch (it->phase) {
	case 0:
		it->phase = 1;
		return ch->d == &S.d0 ? C.d0_irq_ns : C.g_irq_ns;
	case 1:
		it->phase = 2;
		if (it->budget)
			return (s64)it->bytes;
		extra = upcall_handle(ch);
		return (s64)extra;
	}
	return STEP_DONE;
}

static struct xcc_ctl *timer_ctl(struct simtimer *t)
{
	struct vif *v = t->v;

	switch (t->kind) {
	case TM_NB_RX:
		return &v->nb_rx;
	case TM_NB_TX:
		return &v->nb_tx;
	case TM_NB_TXC:
		return &v->nb_txc;
	case TM_NF_RX:
		return &v->nf_rx;
	default:
		return &v->nf_tx;
	}
}

static s64 timer_step(struct simtimer *t, struct item *it)
{
	struct vif *v = t->v;

	if (it->phase == 0) {
		it->phase = 1;
		return t->d == &S.d0 ? C.d0_timer_ns : C.g_timer_ns;
	}
	if (it->phase == 2)
		return STEP_DONE;
	it->phase = 2;
	xcc_timer_late(timer_ctl(t), S.now - t->due);	/* xcc_chan_fired() */
	switch (t->kind) {
	case TM_NB_RX:		/* xcc_nb_rx_timer() */
		v->tx.req_event = v->tx.req_cons;	/* poll with the event behind */
		xcc_cons_expire(&v->nb_rx, v->tx.req_prod != v->tx.req_cons);
		v->rx_dist = 1;
		nb_schedule_or_enable(v);
		break;
	case TM_NB_TX:		/* xcc_nb_tx_timer() */
		if (xcc_prod_expire(&v->nb_tx_p, &v->nb_tx, v->rx.rsp_event,
				    clk(&v->nb_tx, 0, true)))
			return evtchn_send(&v->c_nf_rx, &S.d0, C.d0_hcall_ns);
		break;
	case TM_NB_TXC:		/* xcc_nb_txc_timer() */
		if (xcc_prod_expire(&v->nb_txc_p, &v->nb_txc, v->tx.rsp_event,
				    clk(&v->nb_txc, 0, true)))
			return evtchn_send(&v->c_nf_tx, &S.d0, C.d0_hcall_ns);
		break;
	case TM_NF_RX:		/* xcc_nf_rx_timer() */
		v->rx.rsp_event = v->rx.rsp_cons;	/* poll with the event behind */
		xcc_cons_expire(&v->nf_rx, v->rx.rsp_prod != v->rx.rsp_cons);
		nf_napi_schedule(v);
		break;
	case TM_NF_TX:		/* xcc_nf_tx_timer() */
		if (xcc_prod_expire(&v->nf_tx_p, &v->nf_tx, v->tx.req_event,
				    clk(&v->nf_tx, 0, true)))
			return evtchn_send(&v->c_nb_tx, v->g, C.g_hcall_ns);
		break;
	}
	return 0;
}

static s64 item_step(struct dom *d, struct item *it)
{
	switch (it->type) {
	case IT_UPCALL:
		return upcall_step(it->obj, it);
	case IT_TIMER:
		return timer_step(it->obj, it);
	case IT_NIC:
		return nic_step(it);
	case IT_NB_NAPI:
		return nb_napi_step(it->obj, it);
	case IT_NB_RXK:
		return nb_rxk_step(it->obj, it);
	case IT_NF_NAPI:
		return guest_item(it->obj, it, nf_napi_step);
	case IT_APP:
		return guest_item(it->obj, it, app_step);
	case IT_NETTX:
		return guest_item(it->obj, it, nettx_step);
	case IT_D0APP:
		return d0app_step(it->obj, it);
	case IT_PACE:
		if (it->phase)
			return STEP_DONE;
		it->phase = 1;
		return d == &S.d0 ? C.d0_pace_ns : C.g_pace_ns;
	}
	return STEP_DONE;
}

/* ---- workloads ---------------------------------------------------------- */

static struct flow *flow_add(int type, int vif, u64 start, u64 stop)
{
	struct flow *f;

	if (S.nflow == (int)(sizeof(S.f) / sizeof(S.f[0])))
		die("too many flows");
	f = &S.f[S.nflow];
	f->id = S.nflow++;
	f->type = type;
	f->vif = vif;
	/* rr and one-way sources: the peer= endpoint */
	f->peer = (type == F_RR || type == F_POISSON || type == F_ONOFF ||
		   type == F_OPEN || type == F_MEMC) &&
		  !strcmp(P.peer, "dom0") ? EP_D0 : EP_EXT;
	f->dir = DIR_RX;
	f->start = start;
	f->stop = stop;
	f->window = P.window;
	f->seg = P.seg;
	f->conc = P.conc;
	f->req = P.req;
	f->resp = P.resp;
	f->svc_ns = P.svc_ns != ~0ULL ? P.svc_ns : C.g_app_req_ns;
	f->rate = P.rate;
	f->pkt = P.pkt;
	f->on_ns = P.on_us * 1000;
	f->off_ns = P.off_us * 1000;
	f->ngrp = type == F_RR ? f->conc : 1;
	f->grp = xalloc(f->ngrp * sizeof(*f->grp));
	ev_push(start, EV_GEN, f, 0);
	return f;
}

/*
 * An open-loop constant-rate stream (the lab's UDP sender): packet i is
 * due at start + i / rate, every echo-th is echoed by the receiver. The
 * sender's timer has a granularity of tick_ns (0: exact); it starts at a
 * random phase of it.
 */
static struct flow *open_add(int vif, int dir)
{
	u64 phase = P.tick_ns ? rng_next() % P.tick_ns : 0;
	struct flow *f = flow_add(F_OPEN, vif, phase, S.end);

	f->dir = dir;
	f->echo = P.echo;
	S.offered_pps += f->rate;
	return f;
}

static void rr_send(struct flow *f, u32 slot)
{
	struct pkt *p = ep_pkt(PK_REQ, f->peer, f->vif, f->req, f->id);

	p->slot = slot;
	ep_xmit(p, f->peer, false);
}

/* memcached: the client sends a request (Poisson arrivals, open loop). */
static void memc_send(struct flow *f)
{
	struct pkt *p = ep_pkt(PK_REQ, f->peer, f->vif, f->req, f->id);

	if (in_window(S.now))
		f->offered++;
	f->sent++;
	ep_xmit(p, f->peer, false);
}

/* A one-way source sends its next packet. */
static void oneway_send(struct flow *f)
{
	struct pkt *p = ep_pkt(PK_ONEWAY, oneway_src(f), oneway_dst(f), f->pkt,
			       f->id);

	if (f->echo && f->sent % f->echo == 0)
		p->flags |= PKF_ECHO;
	if (in_window(S.now))
		f->offered++;
	f->sent++;
	ep_xmit(p, oneway_src(f), false);
}

/*
 * The open stream's sender wakes (at the earliest tick_ns after its last
 * wake-up, hrtimer granularity) and sends every packet due by now: even
 * spacing where the interval exceeds the tick, catch-up bursts of
 * rate x tick_ns packets where it does not.
 */
static void open_wake(struct flow *f)
{
	u64 due = (S.now - f->start) * f->rate / NSEC + 1, t;
	int src = oneway_src(f);
	struct dom *d = src == EP_EXT ? NULL : src == EP_D0 ? &S.d0 : S.v[src].g;
	u64 pace = !d ? 0 : d == &S.d0 ? C.d0_pace_ns : C.g_pace_ns;

	if (in_window(S.now))
		f->wakes++;
	/* the hrtimer's interrupt, ahead of the sender it wakes (d0_pace_ns,
	 * g_pace_ns: 0 by default, no item at all) */
	if (pace) {
		if (C.irq_preempt)
			dom_enqueue_head(d, item_new(IT_PACE, d));
		else
			dom_enqueue(d, item_new(IT_PACE, d));
	}
	while (f->sent < due)
		oneway_send(f);
	t = f->start + (f->sent * NSEC + f->rate - 1) / f->rate;
	if (t < S.now + P.tick_ns)
		t = S.now + P.tick_ns;
	ev_push(t, EV_GEN, f, 4);
}

/* Poisson (and on/off) sources: next arrival, skipping off periods. */
static void oneway_next(struct flow *f)
{
	u64 t = S.now + rng_exp(1e9 / (double)f->rate), period, in;

	if (f->type == F_ONOFF) {
		period = f->on_ns + f->off_ns;
		in = (t - f->start) % period;
		if (in >= f->on_ns)
			t += period - in;
	}
	ev_push(t, EV_GEN, f, 2);
}

static void gen_event(struct flow *f, u32 what)
{
	struct vif *v = &S.v[f->vif];
	struct trace_row *row;
	struct pkt *p;
	u32 i;

	if (!flow_running(f))
		return;
	switch (f->type) {
	case F_BULK_RX:
		client_bulk_fill(f);
		break;
	case F_BULK_TX:		/* the application fills the socket */
		while (f->inflight < f->window) {
			f->inflight++;
			pq_add(&v->apptx, pkt_new(PK_DATA, DIR_TX, f->seg,
						  v->idx, f->id));
		}
		app_schedule(v);
		break;
	case F_RR:
		for (i = 0; i < f->conc; i++)
			rr_send(f, i);
		break;
	case F_POISSON:
	case F_ONOFF:
		if (what == 2)
			oneway_send(f);
		oneway_next(f);
		break;
	case F_MEMC:
		if (what == 2)
			memc_send(f);
		oneway_next(f);
		break;
	case F_OPEN:
		open_wake(f);
		break;
	case F_TRACE:
		if (in_window(S.now))
			f->offered++;
		row = &S.trace[f->sent++];
		if (row->dir == DIR_RX) {
			p = pkt_new(PK_ONEWAY, DIR_RX, row->bytes, f->vif, f->id);
			nic_arrive(p);
		} else {
			p = pkt_new(PK_ONEWAY, DIR_TX, row->bytes, f->vif, f->id);
			pq_add(&v->apptx, p);
			app_schedule(v);
		}
		if (f->sent < S.ntrace)
			ev_push(S.trace[f->sent].t, EV_GEN, f, 3);
		break;
	}
}

static void trace_load(const char *path)
{
	char line[256];
	FILE *fp = fopen(path, "r");
	size_t cap = 0, lineno = 0;
	unsigned long long t;
	unsigned int bytes;
	char dir[8];

	if (!fp)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (lineno == 1 && !strncmp(line, "t_ns", 4))
			continue;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%llu,%u,%7s", &t, &bytes, dir) != 3 ||
		    (strcmp(dir, "rx") && strcmp(dir, "tx")) || !bytes ||
		    bytes > 65536)
			die("%s:%zu: expected t_ns,bytes,rx|tx", path, lineno);
		if (S.ntrace && t < S.trace[S.ntrace - 1].t)
			die("%s:%zu: times must not go backwards", path, lineno);
		if (S.ntrace == cap) {
			cap = cap ? cap * 2 : 1024;
			S.trace = realloc(S.trace, cap * sizeof(*S.trace));
			if (!S.trace)
				die("out of memory");
		}
		S.trace[S.ntrace].t = t;
		S.trace[S.ntrace].bytes = bytes;
		S.trace[S.ntrace].dir = dir[0] == 'r' ? DIR_RX : DIR_TX;
		S.ntrace++;
	}
	fclose(fp);
	if (!S.ntrace)
		die("%s: no packets", path);
}

static void workload_setup(void)
{
	const char *w = P.workload;
	u64 end = S.end, half = S.end / 2;
	int dir = strcmp(P.dir, "tx") ? DIR_RX : DIR_TX;
	struct flow *f;
	u64 i;

	S.nvif = 1;
	S.offered_pps = -1;
	if (!strcmp(w, "open")) {
		S.offered_pps = 0;
		open_add(0, dir);
	} else if (!strcmp(w, "redis")) {
		flow_add(F_RR, 0, 0, end);
	} else if (!strcmp(w, "memcached")) {
		flow_add(F_MEMC, 0, 0, end);
		S.offered_pps = P.rate;
	} else if (!strcmp(w, "density")) {
		S.nvif = P.guests;
		S.offered_pps = 0;
		for (i = 0; i < P.guests; i++) {
			f = open_add(i, dir);
			if (!P.probe) {
				flow_add(F_RR, i, 0, end);
				continue;
			}
			/* the lab's rr=RATE: a second stream, every packet
			 * echoed, whose round trips are the row's latency */
			f->nolat = true;
			f = open_add(i, dir);
			f->rate = P.probe;
			f->echo = 1;
			f->probe = true;
			S.offered_pps -= P.rate;
		}
	} else if (!strcmp(w, "g2g")) {
		S.nvif = 2;		/* guest0's client, guest1's server */
		f = flow_add(F_RR, 1, 0, end);
		f->peer = 0;
	} else if (!strcmp(w, "g2g_open")) {
		S.nvif = 2;		/* guest0 -> guest1, echoed back */
		S.offered_pps = 0;
		f = open_add(0, DIR_TX);
		f->peer = 1;
	} else if (!strcmp(w, "bulk_rx")) {
		flow_add(F_BULK_RX, 0, 0, end);
	} else if (!strcmp(w, "bulk_tx")) {
		flow_add(F_BULK_TX, 0, 0, end);
	} else if (!strcmp(w, "rr")) {
		flow_add(F_RR, 0, 0, end);
	} else if (!strcmp(w, "poisson")) {
		flow_add(F_POISSON, 0, 0, end);
		S.offered_pps = P.rate;
	} else if (!strcmp(w, "onoff")) {
		flow_add(F_ONOFF, 0, 0, end);
		S.offered_pps = (double)P.rate * P.on_us / (P.on_us + P.off_us);
	} else if (!strcmp(w, "mixed")) {
		S.nvif = 2;
		flow_add(F_BULK_RX, 0, 0, end);
		flow_add(F_RR, 1, 0, end);
	} else if (!strcmp(w, "mixed_tx")) {
		S.nvif = 2;
		flow_add(F_BULK_TX, 0, 0, end);
		flow_add(F_RR, 1, 0, end);
	} else if (!strcmp(w, "phase")) {
		flow_add(F_BULK_RX, 0, 0, half);
		flow_add(F_RR, 0, half, end);
	} else if (!strcmp(w, "trace")) {
		if (!P.trace)
			die("workload=trace needs trace=FILE");
		trace_load(P.trace);
		flow_add(F_TRACE, 0, S.trace[0].t, ~0ULL);
	} else {
		die("unknown workload '%s'", w);
	}
}

/* ---- setup, run, report -------------------------------------------------- */

static void chan_init(struct chan *ch, struct vif *v, struct dom *d, int kind)
{
	ch->v = v;
	ch->d = d;
	ch->kind = kind;
}

static void timer_init(struct simtimer *t, struct vif *v, struct dom *d,
		       int kind)
{
	t->v = v;
	t->d = d;
	t->kind = kind;
}

static void vif_init(struct vif *v, int idx)
{
	static const char * const names[SIM_MAX_VIFS] = {
		"guest0", "guest1", "guest2", "guest3",
		"guest4", "guest5", "guest6", "guest7",
	};
	struct xcc_params p;

	v->idx = idx;
	v->g = &S.g[idx];
	v->g->name = names[idx];
	/* SHARED_RING_INIT, then xennet_open()/connect: 256 RX buffers */
	v->tx.req_event = v->tx.rsp_event = 1;
	v->rx.req_event = v->rx.rsp_event = 1;
	v->rx.req_prod = v->rx.req_prod_pvt = RS;

	p = lever_params(&lever[L_VIF_RX]);
	xcc_ctl_init(&v->nb_rx, &p);
	p = lever_params(&lever[L_VIF_TX]);
	xcc_ctl_init(&v->nb_tx, &p);
	xcc_ctl_init(&v->nb_txc, &p);
	p = lever_params(&lever[L_ETH_RX]);
	xcc_ctl_init(&v->nf_rx, &p);
	p = lever_params(&lever[L_ETH_TX]);
	xcc_ctl_init(&v->nf_tx, &p);
	xcc_prod_reset(&v->nb_tx_p, 0);
	xcc_prod_reset(&v->nb_txc_p, 0);
	xcc_prod_reset(&v->nf_tx_p, 0);
	v->rx_dist = 1;
	v->nb_weight = v->nb_rx.weight;
	v->nf_weight = v->nf_rx.weight;

	chan_init(&v->c_nb_tx, v, &S.d0, CH_NB_TX);
	chan_init(&v->c_nb_rx, v, &S.d0, CH_NB_RX);
	chan_init(&v->c_nf_tx, v, v->g, CH_NF_TX);
	chan_init(&v->c_nf_rx, v, v->g, CH_NF_RX);
	timer_init(&v->t_nb_rx, v, &S.d0, TM_NB_RX);
	timer_init(&v->t_nb_tx, v, &S.d0, TM_NB_TX);
	timer_init(&v->t_nb_txc, v, &S.d0, TM_NB_TXC);
	timer_init(&v->t_nf_rx, v, v->g, TM_NF_RX);
	timer_init(&v->t_nf_tx, v, v->g, TM_NF_TX);
}

static void counters_now(struct counters *c)
{
	const struct xcc_ctl *ctls[5];
	const struct chan *g_ch[2], *d_ch[2];
	int i, k;

	memset(c, 0, sizeof(*c));
	c->nic_irqs = S.nic_irqs;
	c->d0_busy = S.d0.busy_ns;
	c->bytes = S.bytes;
	c->drops = S.drops;
	for (i = 0; i < S.nvif; i++) {
		struct vif *v = &S.v[i];

		c->pv_pkts += v->pv_pkts;
		c->g_busy += v->g->busy_ns;
		c->held_xmit += v->held_xmit;
		d_ch[0] = &v->c_nb_tx;
		d_ch[1] = &v->c_nb_rx;
		g_ch[0] = &v->c_nf_tx;
		g_ch[1] = &v->c_nf_rx;
		for (k = 0; k < 2; k++) {
			c->d0_irqs += d_ch[k]->irqs;
			c->g_irqs += g_ch[k]->irqs;
			c->d0_spur += d_ch[k]->spurious;
			c->g_spur += g_ch[k]->spurious;
			c->eoi_delays += d_ch[k]->delays + g_ch[k]->delays;
			c->merged += d_ch[k]->merged + g_ch[k]->merged;
		}
		c->timer_fires += v->t_nb_rx.fires + v->t_nb_tx.fires +
				  v->t_nb_txc.fires + v->t_nf_rx.fires +
				  v->t_nf_tx.fires;
		ctls[0] = &v->nb_rx;
		ctls[1] = &v->nb_tx;
		ctls[2] = &v->nb_txc;
		ctls[3] = &v->nf_rx;
		ctls[4] = &v->nf_tx;
		for (k = 0; k < 5; k++)
			c->deferred += ctls[k]->stats.notify_deferred;
		c->notify += v->nb_tx.stats.notify_sent +
			     v->nb_txc.stats.notify_sent +
			     v->nf_tx.stats.notify_sent;
	}
}

static void mark(u32 what)
{
	if (what == 0) {
		S.measuring = true;
		counters_now(&S.c_warm);
	} else {
		counters_now(&S.c_end);
		S.measuring = false;
		S.stopping = true;
	}
}

static void dispatch(const struct event *e)
{
	struct simtimer *t;
	struct flow *f;
	struct pkt *p;

	switch (e->type) {
	case EV_STEP:
		dom_advance(e->p);
		break;
	case EV_TIMER:
		t = e->p;
		if (e->gen != t->gen)
			break;		/* cancelled or restarted */
		t->armed = false;
		t->fires++;
		/* a timer interrupt: with irq_preempt its softirq callback
		 * runs after the item in progress, like an upcall's
		 */
		if (C.irq_preempt)
			dom_enqueue_head(t->d, item_new(IT_TIMER, t));
		else
			dom_enqueue(t->d, item_new(IT_TIMER, t));
		break;
	case EV_EVTCHN:
		chan_deliver(e->p);
		break;
	case EV_UNMASK:
		chan_unmask(e->p);
		break;
	case EV_NIC_ARRIVE:
		nic_arrive(e->p);
		break;
	case EV_NIC_IRQ:
		S.nic_irq_wait = false;
		if (!S.nic_sched && S.nicq.head)
			nic_raise();
		break;
	case EV_CLIENT:
		client_arrive(e->p);
		break;
	case EV_GEN:
		gen_event(e->p, e->gen);
		break;
	case EV_RR_NEXT:
		if (flow_running(e->p))
			rr_send(e->p, e->gen);
		break;
	case EV_DELACK:
		f = e->p;
		if (e->gen == f->delack_gen && f->unacked)
			client_ack(f);
		break;
	case EV_MARK:
		mark(e->gen);
		break;
	case EV_SVC:		/* memcached: a response is ready, the server sends it */
		p = e->p;
		pq_add(&S.v[p->vif].apptx, p);
		app_schedule(&S.v[p->vif]);
		break;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static double pct_us(struct lat *l, double q)
{
	size_t i;

	if (!l->n)
		return -1;
	i = (size_t)(q * (double)(l->n - 1) + 0.5);
	return l->v[i] / 1000.0;
}

/* ---- command line ------------------------------------------------------- */

struct opt {
	const char *name;
	u64 *u;
	const char **s;
	const char *help;
};

static const struct opt opts[] = {
	{ "workload", NULL, &P.workload,
	  "bulk_rx | bulk_tx | rr | redis | memcached | poisson | onoff | open | mixed | mixed_tx | phase | density | g2g | g2g_open | trace" },
	{ "policy", NULL, &P.policy, "off | static | dim | adaptive (all levers)" },
	{ "usecs", &P.usecs, NULL, "static: usecs on every lever" },
	{ "frames", &P.frames, NULL, "static: frames on every lever" },
	{ "vif_rx", NULL, &P.lever[L_VIF_RX],
	  "override netback rx lever: off|dim|adaptive|U[/F]" },
	{ "vif_tx", NULL, &P.lever[L_VIF_TX],
	  "override netback tx+txc levers: off|dim|adaptive|U[/F]" },
	{ "eth_rx", NULL, &P.lever[L_ETH_RX],
	  "override netfront rx lever: off|dim|adaptive|U[/F]" },
	{ "eth_tx", NULL, &P.lever[L_ETH_TX],
	  "override netfront tx lever: off|dim|adaptive|U[/F]" },
	{ "usecs_high", &P.usecs_high, NULL, "adaptive: usecs-high" },
	{ "budget_us", &P.budget_us, NULL,
	  "latency budget of every lever (latency_budget_usecs; 0: none): an adaptive lever adds at most (budget_us - nic_us) / 2" },
	{ "nic_us", &P.nic_us, NULL,
	  "the NIC's delay the budget counts (the levers' nic_usecs; the model's NIC delay is nic_usecs=)" },
	{ "weight", &P.weight, NULL, "per-poll weight cap of every lever (1-64)" },
	{ "label", NULL, &P.label, "policy name in the output" },
	{ "seed", &P.seed, NULL, "PRNG seed" },
	{ "dur_us", &P.dur_us, NULL, "traffic time (us)" },
	{ "warm_us", &P.warm_us, NULL, "warm-up excluded from metrics (us)" },
	{ "drain_ms", &P.drain_ms, NULL, "max time to drain after traffic stops" },
	{ "window", &P.window, NULL, "bulk: segments in flight" },
	{ "seg", &P.seg, NULL, "bulk: segment bytes (up to 65536: GSO)" },
	{ "conc", &P.conc, NULL,
	  "rr/g2g: requests outstanding (closed loops; default 1), redis: clients (50)" },
	{ "req", &P.req, NULL, "rr/memcached: request bytes (default 64, redis 40)" },
	{ "resp", &P.resp, NULL, "rr: response bytes (default 64, redis 64); memcached: 64 to resp, uniform (256)" },
	{ "svc_ns", &P.svc_ns, NULL,
	  "rr: application work per request (default g_app_req_ns, redis 10000); memcached: the response's delay (30000; the work is g_app_req_ns)" },
	{ "rate", &P.rate, NULL, "poisson/onoff/open/density/g2g_open: packets per second (per stream, default 10000); memcached: requests per second (40000)" },
	{ "pkt", &P.pkt, NULL, "poisson/onoff/open/density/g2g_open: packet bytes" },
	{ "dir", NULL, &P.dir, "open/density: rx (to the guest) | tx (from the guest)" },
	{ "peer", NULL, &P.peer,
	  "rr/redis/memcached/poisson/onoff/open/density: ext (external host via the NIC) | dom0 (an application in dom0)" },
	{ "tick_ns", &P.tick_ns, NULL,
	  "open: the sender's timer granularity (0: evenly spaced packets)" },
	{ "echo", &P.echo, NULL, "open: the receiver echoes every echo-th packet (0: none)" },
	{ "guests", &P.guests, NULL, "density: guests, each an open stream and an rr loop" },
	{ "probe", &P.probe, NULL,
	  "density: per guest a probe at this rate (every packet echoed: the latency) instead of the rr loop (the lab's rr=RATE; 0: the loop)" },
	{ "on_us", &P.on_us, NULL, "onoff: on period (us)" },
	{ "off_us", &P.off_us, NULL, "onoff: off period (us)" },
	{ "trace", NULL, &P.trace, "trace: CSV file t_ns,bytes,dir" },
	{ "out", NULL, &P.out, "append the CSV row to this file" },
	{ "lat_out", NULL, &P.lat_out,
	  "write every latency sample (kind,t_ns,lat_ns) to this CSV file" },
	{ "params", NULL, NULL,
	  "read name=value lines from this file here (# comments; later arguments override)" },
	{ "header", &P.header, NULL, "1: print the CSV header first" },
	{ "verbose", &P.verbose, NULL, "1: per-lever counters on stderr" },
};

static u64 *cost_field(const char *name)
{
#define X(n, def, help) if (!strcmp(name, #n)) return &C.n;
	SIM_COSTS(X)
#undef X
	return NULL;
}

static void usage(void)
{
	size_t i;

	printf("usage: xcc-sim [name=value ...]\n\nrun:\n");
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		printf("  %-14s %s\n", opts[i].name, opts[i].help);
	printf("\ncosts and model (ns unless noted):\n");
#define X(n, def, help) printf("  %-17s %8llu  %s\n", #n, (unsigned long long)def, help);
	SIM_COSTS(X)
#undef X
	exit(0);
}

static void parse_arg(char *arg, const char *where);

/*
 * params=FILE: the name=value lines of FILE, as if given on the command
 * line in their place (blank lines and lines starting with '#' skipped;
 * a later argument overrides them).
 */
static void parse_file(const char *path)
{
	char line[512], where[600], *s, *e;
	unsigned int n = 0;
	FILE *fp = fopen(path, "r");

	if (!fp)
		die("params=%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), fp)) {
		n++;
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (!strchr(line, '\n') && !feof(fp)) {
			if (*s != '#')
				die("%s:%u: line too long", path, n);
			while (fgets(line, sizeof(line), fp) && !strchr(line, '\n'))
				;	/* the rest of a long comment */
			continue;
		}
		for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
			;
		*e = '\0';
		if (!*s || *s == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%u: ", path, n);
		parse_arg(strdup(s), where);
	}
	if (ferror(fp))
		die("params=%s: read error", path);
	fclose(fp);
}

/* One name=value argument; @where prefixes the errors (a params file's line). */
static void parse_arg(char *arg, const char *where)
{
	char *eq, *end;
	size_t i;
	u64 *u;

	if (!arg)
		die("out of memory");
	eq = strchr(arg, '=');
	if (!eq)
		die("%sargument '%s' is not name=value (try -h)", where, arg);
	*eq++ = '\0';
	if (!strcmp(arg, "params")) {
		if (*where)
			die("%sparams= inside a params file", where);
		parse_file(eq);
		return;
	}
	u = cost_field(arg);
	for (i = 0; !u && i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strcmp(arg, opts[i].name))
			continue;
		if (opts[i].s) {
			*opts[i].s = eq;
			break;
		}
		u = opts[i].u;
	}
	if (u) {
		errno = 0;
		*u = strtoull(eq, &end, 0);
		if (errno || *end || end == eq)
			die("%s%s: not a number: '%s'", where, arg, eq);
	} else if (i == sizeof(opts) / sizeof(opts[0])) {
		die("%sunknown parameter '%s' (try -h)", where, arg);
	}
}

static void parse_args(int argc, char **argv)
{
	bool redis, memc;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help"))
			usage();
		parse_arg(argv[a], "");
	}
	/* the workload's defaults */
	redis = !strcmp(P.workload, "redis");
	memc = !strcmp(P.workload, "memcached");
	if (!P.conc)
		P.conc = redis ? 50 : 1;
	if (!P.req)
		P.req = redis ? 40 : 64;
	if (!P.resp)
		P.resp = memc ? 256 : 64;
	if (redis && P.svc_ns == ~0ULL)
		P.svc_ns = 10000;
	if (memc && P.svc_ns == ~0ULL)
		P.svc_ns = 30000;
	if (P.rate == ~0ULL)
		P.rate = memc ? 40000 : 10000;
	if (strcmp(P.dir, "rx") && strcmp(P.dir, "tx"))
		die("dir must be rx or tx");
	if (strcmp(P.peer, "ext") && strcmp(P.peer, "dom0"))
		die("peer must be ext or dom0");
	if (P.guests < 1 || P.guests > SIM_MAX_VIFS)
		die("guests must be 1..%d", SIM_MAX_VIFS);
	if (!C.link_mbps)
		die("link_mbps must be > 0");
	if (!P.rate)
		die("rate must be > 0");
	if (P.window < 1 || P.conc < 1 || P.conc > 65536 || P.seg < 1 || P.seg > 65536 ||
	    P.req < 1 || P.resp < 1 || P.resp > 65536 || P.req > 65536 ||
	    P.pkt < 1 || P.pkt > 65536)
		die("window, conc, seg, req, resp and pkt must be 1..65536");
	if (P.warm_us >= P.dur_us)
		die("warm_us must be below dur_us");
}

static int parse_pol(const char *s)
{
	if (!strcmp(s, "off") || !strcmp(s, "stock"))
		return POL_OFF;
	if (!strcmp(s, "static"))
		return POL_STATIC;
	if (!strcmp(s, "dim"))
		return POL_DIM;
	if (!strcmp(s, "adaptive"))
		return POL_ADAPTIVE;
	die("unknown policy '%s'", s);
	return POL_OFF;
}

static void levers_setup(void)
{
	unsigned int u, f;
	int i, pol = parse_pol(P.policy);

	for (i = 0; i < L_NR; i++) {
		lever[i].pol = pol;
		lever[i].usecs = P.usecs;
		lever[i].frames = P.frames;
		if (pol == POL_STATIC && !P.usecs)
			lever[i].pol = POL_OFF;
		if (!P.lever[i])
			continue;
		if (sscanf(P.lever[i], "%u/%u", &u, &f) == 2 ||
		    (f = 0, sscanf(P.lever[i], "%u", &u) == 1)) {
			lever[i].pol = u ? POL_STATIC : POL_OFF;
			lever[i].usecs = u;
			lever[i].frames = f;
		} else {
			lever[i].pol = parse_pol(P.lever[i]);
		}
	}
}

static const char *policy_label(char *buf, size_t len)
{
	if (P.label)
		return P.label;
	if (!strcmp(P.policy, "static"))
		snprintf(buf, len, "static-u%llu-f%llu",
			 (unsigned long long)P.usecs,
			 (unsigned long long)P.frames);
	else
		snprintf(buf, len, "%s", !strcmp(P.policy, "off") ? "stock" :
			 P.policy);
	return buf;
}

static void dump_lever(const char *who, int q, const struct xcc_ctl *c,
		       const struct simtimer *t)
{
	const struct xcc_stats *s = &c->stats;

	fprintf(stderr,
		"%s q%d: usecs %u frames %u late %u ns sent %llu deferred %llu flush %llu hits %llu avoided %llu cycles %llu frames %llu events %llu timer max %u us\n",
		who, q, c->usecs, c->frames, c->late_ns,
		(unsigned long long)s->notify_sent,
		(unsigned long long)s->notify_deferred,
		(unsigned long long)s->timer_flush,
		(unsigned long long)s->frame_hits,
		(unsigned long long)s->spurious_avoided,
		(unsigned long long)s->cycles,
		(unsigned long long)s->frames,
		(unsigned long long)c->events, t->max_usecs);
}

/* The workload's class in build/bench/summary.csv (README.md). */
static const char *wl_class(void)
{
	const char *w = P.workload;

	if (!strncmp(w, "bulk_", 5))
		return "bulk";
	if (!strcmp(w, "rr"))
		return P.conc >= 8 ? "manyflow" : "rr";
	if (!strcmp(w, "redis"))
		return "manyflow";
	if (!strncmp(w, "mixed", 5) || !strcmp(w, "phase"))
		return "mixed";
	if (!strcmp(w, "density"))
		return "density";
	if (!strncmp(w, "g2g", 3))
		return "g2g";
	return "open";		/* poisson, onoff, open, trace, memcached */
}

/* Xen's default timer slop is 50 us; none at all is the model's default. */
static const char *timers_label(void)
{
	if (C.timer_slop_ns == 50000)
		return "default";
	return C.timer_slop_ns ? "tuned" : "exact";
}

/*
 * The worst p99 of the round-trip groups (each request/response loop,
 * each open stream) of the kind the row reports.
 */
static double worst_p99_us(const struct lat *pl)
{
	double w = -1, v;
	struct lat *l;
	int i;
	u32 k;

	for (i = 0; i < S.nflow; i++) {
		struct flow *f = &S.f[i];

		if ((pl == &S.lat_rr) != (f->type == F_RR || f->type == F_MEMC) ||
		    (pl == &S.lat_echo) != (f->type == F_OPEN))
			continue;
		for (k = 0; k < f->ngrp; k++) {
			l = &f->grp[k];
			qsort(l->v, l->n, sizeof(u64), cmp_u64);
			v = pct_us(l, 0.99);
			if (v > w)
				w = v;
		}
	}
	return w;
}

static const char *csv_header =
	"seed,workload,policy,guests,dur_us,pkts,guest_irqs,dom0_irqs,nic_irqs,"
	"guest_irq_per_pkt,dom0_irq_per_pkt,guest_cpu_ns_per_pkt,"
	"dom0_cpu_ns_per_pkt,cpu_ns_per_pkt,guest_util,dom0_util,"
	"p50_us,p99_us,p999_us,lat_n,ow_p50_us,ow_p99_us,throughput_mbps,"
	"drops,guest_spurious,dom0_spurious,eoi_delays,timer_fires,notify_sent,"
	"held,xmit_more_held,evt_merged,stranded,owed,"
	"class,timers,offered_pps,pps,offered,loss,ops_per_s,cpu_ns_per_op,"
	"worst_p99_us\n";

static void report(u64 stranded, u64 owed)
{
	struct counters *a = &S.c_warm, *b = &S.c_end;
	double win = (double)(S.end - S.warm);
	u64 pk = b->pv_pkts - a->pv_pkts;
	double pkts = pk ? (double)pk : 1;
	u64 gb = b->g_busy - a->g_busy, db = b->d0_busy - a->d0_busy;
	struct lat *pl = S.lat_rr.n ? &S.lat_rr :
			 S.lat_echo.n ? &S.lat_echo : &S.lat_ow;
	u64 offered = 0, recv = 0, ops = S.lat_rr.n;
	bool oneway = false;
	char lbl[64], row[2048];
	size_t n;
	FILE *fp;
	int i;

	for (i = 0; i < S.nflow; i++) {
		struct flow *f = &S.f[i];

		if ((f->type == F_POISSON || f->type == F_ONOFF ||
		     f->type == F_OPEN || f->type == F_TRACE ||
		     f->type == F_MEMC) && !f->probe) {
			oneway = true;
			offered += f->offered;
			recv += f->recv;
		}
	}
	qsort(S.lat_rr.v, S.lat_rr.n, sizeof(u64), cmp_u64);
	qsort(S.lat_ow.v, S.lat_ow.n, sizeof(u64), cmp_u64);
	qsort(S.lat_echo.v, S.lat_echo.n, sizeof(u64), cmp_u64);
	n = snprintf(row, sizeof(row),
		 "%llu,%s,%s,%d,%llu,%llu,%llu,%llu,%llu,%.4f,%.4f,%.1f,%.1f,%.1f,%.4f,%.4f,%.2f,%.2f,%.2f,%zu,%.2f,%.2f,%.1f,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,",
		 (unsigned long long)P.seed, P.workload,
		 policy_label(lbl, sizeof(lbl)), S.nvif,
		 (unsigned long long)P.dur_us, (unsigned long long)pk,
		 (unsigned long long)(b->g_irqs - a->g_irqs),
		 (unsigned long long)(b->d0_irqs - a->d0_irqs),
		 (unsigned long long)(b->nic_irqs - a->nic_irqs),
		 (b->g_irqs - a->g_irqs) / pkts,
		 (b->d0_irqs - a->d0_irqs) / pkts,
		 gb / pkts, db / pkts, (gb + db) / pkts,
		 gb / win / S.nvif, db / win,
		 pct_us(pl, 0.50), pct_us(pl, 0.99), pct_us(pl, 0.999), pl->n,
		 pct_us(&S.lat_ow, 0.50), pct_us(&S.lat_ow, 0.99),
		 (b->bytes - a->bytes) * 8.0 / win * 1000.0,
		 (unsigned long long)(b->drops - a->drops),
		 (unsigned long long)(b->g_spur - a->g_spur),
		 (unsigned long long)(b->d0_spur - a->d0_spur),
		 (unsigned long long)(b->eoi_delays - a->eoi_delays),
		 (unsigned long long)(b->timer_fires - a->timer_fires),
		 (unsigned long long)(b->notify - a->notify),
		 (unsigned long long)(b->deferred - a->deferred),
		 (unsigned long long)(b->held_xmit - a->held_xmit),
		 (unsigned long long)(b->merged - a->merged),
		 (unsigned long long)stranded, (unsigned long long)owed);
	/* -1: not applicable (no offered rate, no one-way flow, no rr) */
	snprintf(row + n, sizeof(row) - n,
		 "%s,%s,%.0f,%.1f,%llu,%.6f,%.1f,%.1f,%.2f\n",
		 wl_class(), timers_label(), S.offered_pps, pk / win * 1e9,
		 (unsigned long long)offered,
		 !oneway || !offered ? -1.0 :
		 (double)(offered - (recv < offered ? recv : offered)) / offered,
		 ops ? ops / win * 1e9 : -1.0,
		 ops ? (gb + db) / (double)ops : -1.0,
		 worst_p99_us(pl));
	if (P.header)
		fputs(csv_header, stdout);
	fputs(row, stdout);
	if (P.out) {
		fp = fopen(P.out, "a");
		if (!fp)
			die("%s: %s", P.out, strerror(errno));
		if (!ftell(fp))
			fputs(csv_header, fp);
		fputs(row, fp);
		fclose(fp);
	}
}

int main(int argc, char **argv)
{
	struct event e;
	u64 limit, owed = 0;
	int i;

	parse_args(argc, argv);
	levers_setup();
	rng_seed(P.seed);
	S.d0.name = "dom0";
	S.lat_rr.kind = "rr";
	S.lat_ow.kind = "oneway";
	S.lat_echo.kind = "echo";
	if (P.lat_out) {
		S.lat_out = fopen(P.lat_out, "w");
		if (!S.lat_out)
			die("%s: %s", P.lat_out, strerror(errno));
		fputs("kind,t_ns,lat_ns\n", S.lat_out);
	}
	S.warm = P.warm_us * 1000;
	S.end = P.dur_us * 1000;
	workload_setup();
	if (S.ntrace) {		/* the trace sets the run's length (+1 ms) */
		S.end = S.trace[S.ntrace - 1].t + 1000000;
		if (S.warm >= S.end)
			S.warm = 0;
	}
	for (i = 0; i < S.nvif; i++)
		vif_init(&S.v[i], i);
	ev_push(S.warm, EV_MARK, NULL, 0);
	ev_push(S.end, EV_MARK, NULL, 1);

	limit = S.end + P.drain_ms * 1000000;
	while (S.nheap) {
		e = ev_pop();
		if (e.t > limit)
			break;
		S.now = e.t;
		dispatch(&e);
	}
	for (i = 0; i < S.nvif; i++)
		owed += S.v[i].nb_tx_p.owed + S.v[i].nb_txc_p.owed +
			S.v[i].nf_tx_p.owed;
	report(S.live_pkts, owed);
	if (S.lat_out && fclose(S.lat_out))
		die("%s: %s", P.lat_out, strerror(errno));
	if (P.verbose) {
		for (i = 0; i < S.nvif; i++) {
			dump_lever("vif rx ", i, &S.v[i].nb_rx, &S.v[i].t_nb_rx);
			dump_lever("vif tx ", i, &S.v[i].nb_tx, &S.v[i].t_nb_tx);
			dump_lever("vif txc", i, &S.v[i].nb_txc, &S.v[i].t_nb_txc);
			dump_lever("eth rx ", i, &S.v[i].nf_rx, &S.v[i].t_nf_rx);
			dump_lever("eth tx ", i, &S.v[i].nf_tx, &S.v[i].t_nf_tx);
		}
		for (i = 0; i < S.nvif; i++) {
			const struct chan *chs[4] = { &S.v[i].c_nb_tx,
				&S.v[i].c_nb_rx, &S.v[i].c_nf_tx, &S.v[i].c_nf_rx };
			static const char * const cn[4] = { "nb_tx", "nb_rx",
				"nf_tx", "nf_rx" };
			int k;

			for (k = 0; k < 4; k++)
				fprintf(stderr, "chan %s q%d: irqs %llu merged %llu spurious %llu eoi delays %llu (%.1f ms)\n",
					cn[k], i,
					(unsigned long long)chs[k]->irqs,
					(unsigned long long)chs[k]->merged,
					(unsigned long long)chs[k]->spurious,
					(unsigned long long)chs[k]->delays,
					chs[k]->delay_ns / 1e6);
		}
		for (i = 0; i < S.nflow; i++) {
			struct flow *f = &S.f[i];
			double w = -1, v;
			size_t n = 0;
			u32 k;

			for (k = 0; k < f->ngrp; k++) {
				qsort(f->grp[k].v, f->grp[k].n, sizeof(u64), cmp_u64);
				v = pct_us(&f->grp[k], 0.99);
				if (v > w)
					w = v;
				n += f->grp[k].n;
			}
			fprintf(stderr, "flow %d: type %d guest%d peer %d offered %llu received %llu sender wake-ups %llu round trips %zu worst loop p99 %.2f us\n",
				i, f->type, f->vif, f->peer,
				(unsigned long long)f->offered,
				(unsigned long long)f->recv,
				(unsigned long long)f->wakes, n, w);
		}
		fprintf(stderr, "end at %.3f ms, %llu packets live\n",
			S.now / 1e6, (unsigned long long)S.live_pkts);
	}
	return 0;
}
