// SPDX-License-Identifier: GPL-2.0
/*
 * xcc glue shared by xen-netback and xen-netfront, see xcc_glue.h.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rtnetlink.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>

#include "xcc_compat.h"
#include "xcc_glue.h"

#define CREATE_TRACE_POINTS
#include "xcc_trace.h"

MODULE_VERSION(XCC_VERSION);

/* ---- module parameters: defaults for devices created later ---------- */

static unsigned int coalesce_max_usecs = 1000;
static unsigned int coalesce_rx_usecs;
static unsigned int coalesce_rx_frames;
static unsigned int coalesce_tx_usecs;
static unsigned int coalesce_tx_frames;
static unsigned int coalesce_weight = XCC_WEIGHT_MAX;
static bool coalesce_adaptive_rx;
static bool coalesce_adaptive_tx;

static int xcc_param_set_usecs(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, XCC_USECS_MAX);
}

static int xcc_param_set_max_usecs(const char *val,
				   const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, XCC_USECS_MAX);
}

static int xcc_param_set_frames(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, XCC_FRAMES_MAX);
}

static int xcc_param_set_weight(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, XCC_WEIGHT_MIN, XCC_WEIGHT_MAX);
}

static const struct kernel_param_ops xcc_usecs_ops = {
	.set = xcc_param_set_usecs,
	.get = param_get_uint,
};

static const struct kernel_param_ops xcc_max_usecs_ops = {
	.set = xcc_param_set_max_usecs,
	.get = param_get_uint,
};

static const struct kernel_param_ops xcc_frames_ops = {
	.set = xcc_param_set_frames,
	.get = param_get_uint,
};

static const struct kernel_param_ops xcc_weight_ops = {
	.set = xcc_param_set_weight,
	.get = param_get_uint,
};

module_param_cb(coalesce_max_usecs, &xcc_max_usecs_ops, &coalesce_max_usecs,
		0644);
MODULE_PARM_DESC(coalesce_max_usecs,
		 "Ceiling for rx/tx-usecs set by ethtool or sysfs (1-10000, default 1000)");
module_param_cb(coalesce_rx_usecs, &xcc_usecs_ops, &coalesce_rx_usecs, 0644);
MODULE_PARM_DESC(coalesce_rx_usecs, "rx-usecs of new devices (default 0: off)");
module_param_cb(coalesce_rx_frames, &xcc_frames_ops, &coalesce_rx_frames,
		0644);
MODULE_PARM_DESC(coalesce_rx_frames, "rx-frames of new devices (0-256, default 0)");
module_param_cb(coalesce_tx_usecs, &xcc_usecs_ops, &coalesce_tx_usecs, 0644);
MODULE_PARM_DESC(coalesce_tx_usecs, "tx-usecs of new devices (default 0: off)");
module_param_cb(coalesce_tx_frames, &xcc_frames_ops, &coalesce_tx_frames,
		0644);
MODULE_PARM_DESC(coalesce_tx_frames, "tx-frames of new devices (0-256, default 0)");
module_param_cb(coalesce_weight, &xcc_weight_ops, &coalesce_weight, 0644);
MODULE_PARM_DESC(coalesce_weight, "Per-poll weight cap of new devices (1-64, default 64)");
module_param(coalesce_adaptive_rx, bool, 0644);
MODULE_PARM_DESC(coalesce_adaptive_rx, "adaptive-rx of new devices (default off)");
module_param(coalesce_adaptive_tx, bool, 0644);
MODULE_PARM_DESC(coalesce_adaptive_tx, "adaptive-tx of new devices (default off)");

static void xcc_params_defaults(struct xcc_params *rx, struct xcc_params *tx)
{
	u32 max = READ_ONCE(coalesce_max_usecs);
	struct xcc_params common = {
		.weight = READ_ONCE(coalesce_weight),
		.usecs_low = min(XCC_DEF_USECS_LOW, max),
		.usecs_high = min(XCC_DEF_USECS_HIGH, max),
		.pkt_rate_low = XCC_DEF_PKT_RATE_LOW,
		.pkt_rate_high = XCC_DEF_PKT_RATE_HIGH,
	};

	*rx = common;
	rx->usecs = READ_ONCE(coalesce_rx_usecs);
	rx->frames = READ_ONCE(coalesce_rx_frames);
	rx->adapt = READ_ONCE(coalesce_adaptive_rx) ? XCC_ADAPT_OURS : XCC_ADAPT_NONE;
	*tx = common;
	tx->usecs = READ_ONCE(coalesce_tx_usecs);
	tx->frames = READ_ONCE(coalesce_tx_frames);
	tx->adapt = READ_ONCE(coalesce_adaptive_tx) ? XCC_ADAPT_OURS : XCC_ADAPT_NONE;
}

/**
 * xcc_params_init() - check the module parameters at load time
 *
 * Return: 0, or -EINVAL with a message naming the bad combination.
 */
int xcc_params_init(void)
{
	struct xcc_params rx, tx;
	const char *why;

	xcc_params_defaults(&rx, &tx);
	why = xcc_params_check(&rx, coalesce_max_usecs);
	if (why) {
		pr_err("coalesce_rx_usecs/coalesce_rx_frames: %s\n", why);
		return -EINVAL;
	}
	why = xcc_params_check(&tx, coalesce_max_usecs);
	if (why) {
		pr_err("coalesce_tx_usecs/coalesce_tx_frames: %s\n", why);
		return -EINVAL;
	}
	return 0;
}

/**
 * xcc_dev_init() - settings of a new device from the module parameters
 * @d: device settings
 *
 * Parameters changed at run time into a combination that does not hold
 * (say frames without usecs) are reported and replaced by "off".
 */
void xcc_dev_init(struct xcc_dev *d)
{
	u32 max = READ_ONCE(coalesce_max_usecs);

	xcc_params_defaults(&d->rx, &d->tx);
	if (xcc_params_check(&d->rx, max)) {
		pr_warn_once("coalesce_rx_* parameters inconsistent, rx coalescing off\n");
		d->rx.usecs = 0;
		d->rx.frames = 0;
	}
	if (xcc_params_check(&d->tx, max)) {
		pr_warn_once("coalesce_tx_* parameters inconsistent, tx coalescing off\n");
		d->tx.usecs = 0;
		d->tx.frames = 0;
	}
}

/* ---- channels ------------------------------------------------------- */

/**
 * xcc_chan_init() - set up a lever; its timer is valid from here on
 * @ch: the lever
 * @p: initial settings
 * @fn: timer callback (runs in softirq context)
 * @dev: the device of the lever's queue
 * @queue: the queue's index
 * @lever: the lever's name (a string constant)
 */
void xcc_chan_init(struct xcc_chan *ch, const struct xcc_params *p,
		   enum hrtimer_restart (*fn)(struct hrtimer *),
		   struct net_device *dev, u16 queue, const char *lever)
{
	ch->dev = dev;
	ch->queue = queue;
	ch->lever = lever;
	spin_lock_init(&ch->lock);
	xcc_hrtimer_setup(&ch->timer, fn);
	ch->req = *p;
	ch->req_gen = 0;
	ch->gen = 0;
	xcc_ctl_init(&ch->ctl, p);
	xcc_prod_reset(&ch->prod, 0);
}

/*
 * Settings cross from the control path (RTNL) to the datapath field by
 * field; every mix of old and new fields is safe (a zero delay wins over
 * a frame threshold, and the controller clamps to its bounds).
 */

/**
 * xcc_chan_request() - ask the datapath to use new settings
 * @ch: the lever
 * @p: validated settings
 */
void xcc_chan_request(struct xcc_chan *ch, const struct xcc_params *p)
{
	struct xcc_params *r = &ch->req;

	WRITE_ONCE(r->usecs, p->usecs);
	WRITE_ONCE(r->frames, p->frames);
	WRITE_ONCE(r->weight, p->weight);
	WRITE_ONCE(r->adapt, p->adapt);
	WRITE_ONCE(r->usecs_low, p->usecs_low);
	WRITE_ONCE(r->usecs_high, p->usecs_high);
	WRITE_ONCE(r->pkt_rate_low, p->pkt_rate_low);
	WRITE_ONCE(r->pkt_rate_high, p->pkt_rate_high);
	WRITE_ONCE(r->budget_usecs, p->budget_usecs);
	WRITE_ONCE(r->nic_usecs, p->nic_usecs);
	/* writers are serialised (RTNL); pairs with the datapath's acquire
	 * in xcc_chan_sync() and xcc_chan_quiet(): @req before the bump
	 */
	smp_store_release(&ch->req_gen, ch->req_gen + 1);
}

/**
 * xcc_chan_requested() - the settings last requested for a lever
 * @ch: the lever
 * @p: filled in
 */
void xcc_chan_requested(const struct xcc_chan *ch, struct xcc_params *p)
{
	const struct xcc_params *r = &ch->req;

	p->usecs = READ_ONCE(r->usecs);
	p->frames = READ_ONCE(r->frames);
	p->weight = READ_ONCE(r->weight);
	p->adapt = READ_ONCE(r->adapt);
	p->usecs_low = READ_ONCE(r->usecs_low);
	p->usecs_high = READ_ONCE(r->usecs_high);
	p->pkt_rate_low = READ_ONCE(r->pkt_rate_low);
	p->pkt_rate_high = READ_ONCE(r->pkt_rate_high);
	p->budget_usecs = READ_ONCE(r->budget_usecs);
	p->nic_usecs = READ_ONCE(r->nic_usecs);
}

static u64 xcc_chan_decision(const struct xcc_chan *ch)
{
	return XCC_DECISION(ch->ctl.usecs, ch->ctl.frames, xcc_chan_phase(ch));
}

/* Not a decision: tracing was off when the cycle began. */
#define XCC_DECISION_NONE	U64_MAX

/* The decision before a cycle, noted only while the tracepoint is on. */
static u64 xcc_chan_before(const struct xcc_chan *ch)
{
	return trace_xcc_decision_enabled() ? xcc_chan_decision(ch) :
					      XCC_DECISION_NONE;
}

/*
 * Trace the lever's decision if it changed since @before. A cycle that
 * began before tracing was switched on traces nothing.
 */
static void xcc_chan_decided(const struct xcc_chan *ch, u64 before)
{
	if (before != XCC_DECISION_NONE && xcc_chan_decision(ch) != before)
		trace_xcc_decision(ch, before);
}

/**
 * xcc_chan_sync() - datapath side: pick up requested settings
 * @ch: the lever, in its owner's context
 *
 * And the lateness its timer last measured (see xcc_chan_fired()).
 */
void xcc_chan_sync(struct xcc_chan *ch)
{
	struct xcc_params p;
	u32 late, gen;
	u64 before;

	/* pairs with xcc_chan_request(): @req as of @gen or newer */
	gen = smp_load_acquire(&ch->req_gen);
	late = READ_ONCE(ch->late) ? xchg(&ch->late, 0) : 0;
	if (gen == ch->gen && !late)
		return;
	before = xcc_chan_before(ch);
	if (gen != ch->gen) {
		xcc_chan_requested(ch, &p);
		ch->gen = gen;
		xcc_ctl_set(&ch->ctl, &p);
	}
	if (late)
		xcc_timer_late(&ch->ctl, late - 1);
	xcc_chan_decided(ch, before);
}

/**
 * xcc_chan_stop() - cancel the lever's timer and wait for its callback
 * @ch: the lever
 *
 * Must not be called with @ch->lock held or from the timer itself.
 */
void xcc_chan_stop(struct xcc_chan *ch)
{
	hrtimer_cancel(&ch->timer);
}

/**
 * xcc_chan_arm() - start the lever's timer for its current delay
 * @ch: the lever
 *
 * Restarts a pending timer. Producer levers call it under @ch->lock.
 */
void xcc_chan_arm(struct xcc_chan *ch)
{
	hrtimer_start(&ch->timer, ns_to_ktime((u64)ch->ctl.usecs * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_SOFT);
}

/**
 * xcc_chan_fired() - note how late the lever's timer fired
 * @ch: the lever, from its timer callback
 *
 * The timer may run beside the datapath, so it only leaves the sample;
 * the datapath accounts it (xcc_timer_late()) at its next sync.
 */
void xcc_chan_fired(struct xcc_chan *ch)
{
	s64 late;

	late = ktime_to_ns(ktime_sub(ktime_get(),
				     hrtimer_get_expires(&ch->timer)));
	late = clamp_t(s64, late, 0, (s64)XCC_USECS_MAX * NSEC_PER_USEC);
	WRITE_ONCE(ch->late, (u32)late + 1);
}

/*
 * The time for the controller's next update, read only when it needs it
 * (an adaptive policy at a decision point, see xcc_ctl_wants_clock()).
 */
static u64 xcc_chan_now(const struct xcc_chan *ch, u32 frames, bool event)
{
	return xcc_ctl_wants_clock(&ch->ctl, frames, event) ? ktime_get_ns() : 0;
}

/**
 * xcc_chan_reset() - a producer ring is (re)attached
 * @ch: the lever, with no timer running
 * @prod: producer index of the attached ring
 */
void xcc_chan_reset(struct xcc_chan *ch, u32 prod)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	xcc_prod_reset(&ch->prod, prod);
	spin_unlock_irqrestore(&ch->lock, flags);
}

/*
 * A lever that adds no delay (off, or the adaptive policy measuring),
 * holds nothing and has no timer pending or running is used by its pusher
 * alone: the driver serialises its pushes, and only a push arms the
 * timer. Such a push needs no lock as long as the settings are the ones
 * the lever applied (@ch->gen): it notifies exactly as stock and only
 * counts, and if the adaptive policy decides to probe, the next push
 * takes the locked path. (netback pushes TX responses once per released
 * slot: the lock's irqsave is a paravirt call under Xen, and taking it
 * there cost bulk TX 2-3% of its throughput in the lab.)
 */
static bool xcc_chan_quiet(const struct xcc_chan *ch)
{
	/* pairs with xcc_chan_request(): no settings newer than applied */
	return smp_load_acquire(&ch->req_gen) == ch->gen && !ch->ctl.usecs &&
	       !ch->prod.owed && !READ_ONCE(ch->late) &&
	       !hrtimer_active(&ch->timer);
}

/**
 * xcc_chan_push() - producer: the ring was just pushed
 * @ch: the lever
 * @new_prod: the producer index published, from the private copy
 * @crossed: RING_PUSH_*_AND_CHECK_NOTIFY asked for a notification
 * @bytes: bytes pushed since the last push, 0 if unknown
 *
 * Return: true if the caller must notify the peer now.
 */
bool xcc_chan_push(struct xcc_chan *ch, u32 new_prod, bool crossed, u32 bytes)
{
	enum xcc_verdict v;
	unsigned long flags;
	u64 before;

	if (xcc_chan_quiet(ch)) {
		before = xcc_chan_before(ch);
		v = xcc_prod_push(&ch->prod, &ch->ctl, new_prod, crossed, bytes,
				  xcc_chan_now(ch, new_prod - ch->prod.prod, true));
		xcc_chan_decided(ch, before);
		return v == XCC_NOTIFY;
	}
	spin_lock_irqsave(&ch->lock, flags);
	xcc_chan_sync(ch);
	before = xcc_chan_before(ch);
	v = xcc_prod_push(&ch->prod, &ch->ctl, new_prod, crossed, bytes,
			  xcc_chan_now(ch, new_prod - ch->prod.prod, true));
	xcc_chan_decided(ch, before);
	if (v == XCC_ARM)
		xcc_chan_arm(ch);
	else if (v == XCC_NOTIFY)
		hrtimer_try_to_cancel(&ch->timer);
	spin_unlock_irqrestore(&ch->lock, flags);

	return v == XCC_NOTIFY;
}

/**
 * xcc_chan_expire() - producer: re-evaluate a held notification
 * @ch: the lever
 * @event: the peer's event index in the shared page (read once here)
 *
 * Return: true if the caller must notify the peer now.
 */
bool xcc_chan_expire(struct xcc_chan *ch, const u32 *event)
{
	unsigned long flags;
	bool notify;
	u64 before;

	spin_lock_irqsave(&ch->lock, flags);
	before = xcc_chan_before(ch);
	/* Our producer index was published before this point (and fenced
	 * by the push); read the event the peer wrote after it.
	 */
	smp_mb();
	notify = xcc_prod_expire(&ch->prod, &ch->ctl, READ_ONCE(*event),
				 xcc_chan_now(ch, 0, true));
	xcc_chan_decided(ch, before);
	spin_unlock_irqrestore(&ch->lock, flags);

	return notify;
}

/**
 * xcc_chan_flush() - producer: stop the timer, settle what is held
 * @ch: the lever
 * @event: the peer's event index
 *
 * For down and teardown paths, while the interrupt is still bound.
 *
 * Return: true if the caller must notify the peer now.
 */
bool xcc_chan_flush(struct xcc_chan *ch, const u32 *event)
{
	xcc_chan_stop(ch);
	return xcc_chan_expire(ch, event);
}

/**
 * xcc_chan_complete() - consumer: a poll cycle ended
 * @ch: the lever, in its poll context
 * @work: frames handled
 * @bytes: bytes in those frames, 0 if unknown
 *
 * Starts the lever's timer for %XCC_REARM_LATER. For %XCC_REARM_AHEAD
 * the caller starts it with xcc_chan_arm() after writing the event
 * index, so that no far event is ever left without a timer behind it.
 *
 * Return: how to re-arm, see &enum xcc_rearm.
 */
enum xcc_rearm xcc_chan_complete(struct xcc_chan *ch, u32 work, u32 bytes)
{
	enum xcc_rearm r;
	u64 before;

	xcc_chan_sync(ch);
	before = xcc_chan_before(ch);
	r = xcc_cons_complete(&ch->ctl, work, bytes,
			      xcc_chan_now(ch, work, work > 0));
	xcc_chan_decided(ch, before);
	if (r == XCC_REARM_LATER)
		xcc_chan_arm(ch);
	return r;
}

/**
 * xcc_chan_weight() - the poll weight for the next cycle
 * @ch: a consumer lever, in its poll context
 * @work: frames the poll that just ended handled
 *
 * For a poll that does not complete (a full one); a completing poll's
 * xcc_chan_complete() sets the weight too (see xcc_ctl_weight()).
 *
 * Return: 1..64.
 */
u32 xcc_chan_weight(struct xcc_chan *ch, u32 work)
{
	xcc_chan_sync(ch);
	return xcc_ctl_weight(&ch->ctl, work);
}

/**
 * xcc_chan_batch() - the batch of a producer lever's next cycle
 * @ch: the lever, in its pushing context
 * @work: frames the previous cycle moved
 *
 * The requested weight unless the lever is or becomes adaptive; then the
 * controller's choice (xcc_ctl_weight()), under the lever's lock, which
 * its timer shares. The lever's settings are applied only from its
 * pushing context (here and in xcc_chan_push()), so the unlocked look at
 * the policy in effect sees the latest one.
 *
 * Return: 1..64.
 */
u32 xcc_chan_batch(struct xcc_chan *ch, u32 work)
{
	unsigned long flags;
	u32 w;

	if (READ_ONCE(ch->req.adapt) != XCC_ADAPT_OURS &&
	    READ_ONCE(ch->ctl.params.adapt) != XCC_ADAPT_OURS)
		return READ_ONCE(ch->req.weight);
	spin_lock_irqsave(&ch->lock, flags);
	xcc_chan_sync(ch);
	w = xcc_ctl_weight(&ch->ctl, work);
	spin_unlock_irqrestore(&ch->lock, flags);
	return w;
}

/* ---- ethtool -S and debugfs ----------------------------------------- */

static const char * const xcc_stat_names[XCC_CHAN_NSTATS] = {
	"notify_sent", "notify_deferred", "notify_saved", "timer_flush",
	"frame_hits", "spurious_avoided", "cycles", "frames", "events",
	"cur_usecs", "cur_frames", "weight", "timer_late_ns", "bytes",
};

/**
 * xcc_chan_strings() - ethtool -S names of a lever
 * @data: cursor into the strings buffer, advanced
 * @q: queue index
 * @lever: lever name
 */
void xcc_chan_strings(u8 **data, unsigned int q, const char *lever)
{
	unsigned int i;

	for (i = 0; i < XCC_CHAN_NSTATS; i++)
		ethtool_sprintf(data, "q%u_%s_%s", q, lever, xcc_stat_names[i]);
}

/**
 * xcc_chan_stats() - ethtool -S values of a lever
 * @data: cursor into the values buffer, advanced
 * @ch: the lever
 */
void xcc_chan_stats(u64 **data, const struct xcc_chan *ch)
{
	const struct xcc_stats *s = &ch->ctl.stats;
	u64 *d = *data;

	d[0] = READ_ONCE(s->notify_sent);
	d[1] = READ_ONCE(s->notify_deferred);
	d[2] = xcc_stats_saved(s);
	d[3] = READ_ONCE(s->timer_flush);
	d[4] = READ_ONCE(s->frame_hits);
	d[5] = READ_ONCE(s->spurious_avoided);
	d[6] = READ_ONCE(s->cycles);
	d[7] = READ_ONCE(s->frames);
	d[8] = READ_ONCE(ch->ctl.events);
	d[9] = READ_ONCE(ch->ctl.usecs);
	d[10] = READ_ONCE(ch->ctl.frames);
	d[11] = READ_ONCE(ch->ctl.weight);
	d[12] = READ_ONCE(ch->ctl.late_ns);
	d[13] = READ_ONCE(ch->ctl.bytes);
	*data = d + XCC_CHAN_NSTATS;
}

/**
 * xcc_chan_stats_absent() - ethtool -S values of a queue not connected
 * @data: cursor into the values buffer, advanced
 */
void xcc_chan_stats_absent(u64 **data)
{
	memset(*data, 0, XCC_CHAN_NSTATS * sizeof(u64));
	*data += XCC_CHAN_NSTATS;
}

static const char * const xcc_policy_names[XCC_POLICY_NR] = {
	[XCC_POLICY_OFF] = "off",
	[XCC_POLICY_STATIC] = "static",
	[XCC_POLICY_DIM] = "dim",
	[XCC_POLICY_ADAPTIVE] = "adaptive",
};

/**
 * xcc_chan_seq_show() - controller state of a lever for debugfs
 * @m: the seq_file
 * @lever: lever name
 * @ch: the lever
 */
void xcc_chan_seq_show(struct seq_file *m, const char *lever,
		       const struct xcc_chan *ch)
{
	const struct xcc_stats *s = &ch->ctl.stats;

	seq_printf(m, "xcc %s: policy %s usecs %u frames %u weight %u timer %d owed %d pending %u\n",
		   lever, xcc_policy_names[xcc_params_policy(&ch->ctl.params)],
		   ch->ctl.usecs, ch->ctl.frames, ch->ctl.weight,
		   hrtimer_active(&ch->timer), ch->prod.owed, ch->prod.pending);
	seq_printf(m, "xcc %s: sent %llu deferred %llu saved %llu flush %llu hits %llu avoided %llu cycles %llu frames %llu\n",
		   lever, s->notify_sent, s->notify_deferred, xcc_stats_saved(s),
		   s->timer_flush, s->frame_hits, s->spurious_avoided,
		   s->cycles, s->frames);
	if (ch->ctl.params.adapt == XCC_ADAPT_OURS)
		seq_printf(m, "xcc %s: adaptive phase %u ref_rate %u ref_batch16 %u votes %u backoff %u/%u window %u events %u frames, cap %u us, timer late %u ns\n",
			   lever, ch->ctl.ad.phase, ch->ctl.ad.ref_rate,
			   ch->ctl.ad.ref_batch16, ch->ctl.ad.votes,
			   ch->ctl.ad.backoff, ch->ctl.ad.backoff_len,
			   ch->ctl.ad.win_events, ch->ctl.ad.win_frames,
			   xcc_cap_usecs(&ch->ctl.params), ch->ctl.late_ns);
}

/* ---- ethtool -c/-C -------------------------------------------------- */

/*
 * With an adaptive policy the controller owns usecs and frames: ethtool
 * shows the values in effect (queue 0's lever) and ignores what it is
 * given for them, so "ethtool -C" cannot race with the controller.
 * Turning adaptive off keeps the values then shown as static settings.
 */
static void xcc_fill_half(const struct xcc_params *p, const struct xcc_chan *ch,
			  u32 *usecs, u32 *frames, u32 *adaptive, u32 *low,
			  u32 *high)
{
	*adaptive = p->adapt != XCC_ADAPT_NONE;
	*usecs = p->usecs;
	*frames = p->frames;
	if (*adaptive && ch) {
		*usecs = READ_ONCE(ch->ctl.usecs);
		*frames = READ_ONCE(ch->ctl.frames);
	}
	*low = p->usecs_low;
	*high = p->usecs_high;
}

static void xcc_ethtool_fill(struct ethtool_coalesce *ec,
			     const struct xcc_params *rx,
			     const struct xcc_params *tx,
			     const struct xcc_chan *rx_ch,
			     const struct xcc_chan *tx_ch)
{
	xcc_fill_half(rx, rx_ch, &ec->rx_coalesce_usecs,
		      &ec->rx_max_coalesced_frames, &ec->use_adaptive_rx_coalesce,
		      &ec->rx_coalesce_usecs_low, &ec->rx_coalesce_usecs_high);
	xcc_fill_half(tx, tx_ch, &ec->tx_coalesce_usecs,
		      &ec->tx_max_coalesced_frames, &ec->use_adaptive_tx_coalesce,
		      &ec->tx_coalesce_usecs_low, &ec->tx_coalesce_usecs_high);
	ec->pkt_rate_low = rx->pkt_rate_low;
	ec->pkt_rate_high = rx->pkt_rate_high;
}

static void xcc_parse_half(struct xcc_params *p, u32 usecs, u32 frames,
			   u32 adaptive, u32 low, u32 high)
{
	if (!adaptive) {
		p->adapt = XCC_ADAPT_NONE;
		p->usecs = usecs;
		p->frames = frames;
	} else if (p->adapt == XCC_ADAPT_NONE) {
		p->adapt = XCC_ADAPT_OURS;
	}
	p->usecs_low = low;
	p->usecs_high = high;
}

static int xcc_ethtool_parse(const struct ethtool_coalesce *ec,
			     struct xcc_params *rx, struct xcc_params *tx,
			     struct netlink_ext_ack *extack)
{
	struct xcc_params r = *rx, t = *tx;
	u32 max = READ_ONCE(coalesce_max_usecs);
	const char *why;

	xcc_parse_half(&r, ec->rx_coalesce_usecs, ec->rx_max_coalesced_frames,
		       ec->use_adaptive_rx_coalesce, ec->rx_coalesce_usecs_low,
		       ec->rx_coalesce_usecs_high);
	xcc_parse_half(&t, ec->tx_coalesce_usecs, ec->tx_max_coalesced_frames,
		       ec->use_adaptive_tx_coalesce, ec->tx_coalesce_usecs_low,
		       ec->tx_coalesce_usecs_high);
	r.pkt_rate_low = ec->pkt_rate_low;
	r.pkt_rate_high = ec->pkt_rate_high;
	t.pkt_rate_low = ec->pkt_rate_low;
	t.pkt_rate_high = ec->pkt_rate_high;

	why = xcc_params_check(&r, max);
	if (!why)
		why = xcc_params_check(&t, max);
	if (why) {
		xcc_set_extack(extack, why);
		return -EINVAL;
	}
	*rx = r;
	*tx = t;
	return 0;
}

/* Device settings to every connected queue; RTNL held. */
static void xcc_dev_apply(struct net_device *dev)
{
	const struct xcc_dev *d = xcc_drv_dev(dev);
	unsigned int q;

	rcu_read_lock();
	for (q = 0; xcc_drv_chan(dev, q, false); q++)
		xcc_drv_queue_request(dev, q, &d->rx, &d->tx);
	rcu_read_unlock();
}

/**
 * xcc_get_coalesce() - ethtool_ops.get_coalesce for both drivers
 * @dev: net device
 * @ec: filled in
 * @kec: unused (no CQE mode)
 * @extack: unused
 *
 * Return: 0.
 */
int xcc_get_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
		     struct kernel_ethtool_coalesce *kec,
		     struct netlink_ext_ack *extack)
{
	const struct xcc_dev *d = xcc_drv_dev(dev);

	rcu_read_lock();
	xcc_ethtool_fill(ec, &d->rx, &d->tx, xcc_drv_chan(dev, 0, false),
			 xcc_drv_chan(dev, 0, true));
	rcu_read_unlock();
	return 0;
}

/**
 * xcc_set_coalesce() - ethtool_ops.set_coalesce for both drivers
 * @dev: net device
 * @ec: requested values
 * @kec: unused (no CQE mode)
 * @extack: for the reason of a refusal
 *
 * Sets the device's settings and every connected queue's.
 *
 * Return: 0, or -EINVAL with nothing changed.
 */
int xcc_set_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
		     struct kernel_ethtool_coalesce *kec,
		     struct netlink_ext_ack *extack)
{
	struct xcc_dev *d = xcc_drv_dev(dev);
	int err;

	err = xcc_ethtool_parse(ec, &d->rx, &d->tx, extack);
	if (!err)
		xcc_dev_apply(dev);
	return err;
}

/*
 * The levers of queue @q and the settings last requested for them; under
 * rcu_read_lock() (or RTNL), which keeps the driver's queues alive.
 */
static bool xcc_queue_levers(struct net_device *dev, u32 q,
			     struct xcc_chan **rx_ch, struct xcc_chan **tx_ch,
			     struct xcc_params *rx, struct xcc_params *tx)
{
	*rx_ch = xcc_drv_chan(dev, q, false);
	*tx_ch = xcc_drv_chan(dev, q, true);
	if (!*rx_ch || !*tx_ch)
		return false;
	xcc_chan_requested(*rx_ch, rx);
	xcc_chan_requested(*tx_ch, tx);
	return true;
}

/**
 * xcc_get_per_queue_coalesce() - ethtool_ops.get_per_queue_coalesce
 * @dev: net device
 * @q: queue index
 * @ec: filled in
 *
 * Return: 0, or -EINVAL for a queue that is not connected.
 */
int xcc_get_per_queue_coalesce(struct net_device *dev, u32 q,
			       struct ethtool_coalesce *ec)
{
	struct xcc_chan *rx_ch, *tx_ch;
	struct xcc_params rx, tx;
	int err = -EINVAL;

	rcu_read_lock();
	if (xcc_queue_levers(dev, q, &rx_ch, &tx_ch, &rx, &tx)) {
		xcc_ethtool_fill(ec, &rx, &tx, rx_ch, tx_ch);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/**
 * xcc_set_per_queue_coalesce() - ethtool_ops.set_per_queue_coalesce
 * @dev: net device
 * @q: queue index
 * @ec: requested values
 *
 * Lasts until the next device-wide setting or until the queue is
 * re-created.
 *
 * Return: 0, or -EINVAL (bad values, or a queue that is not connected).
 */
int xcc_set_per_queue_coalesce(struct net_device *dev, u32 q,
			       struct ethtool_coalesce *ec)
{
	struct xcc_chan *rx_ch, *tx_ch;
	struct xcc_params rx, tx;
	int err = -EINVAL;

	rcu_read_lock();
	if (xcc_queue_levers(dev, q, &rx_ch, &tx_ch, &rx, &tx)) {
		err = xcc_ethtool_parse(ec, &rx, &tx, NULL);
		if (!err)
			xcc_drv_queue_request(dev, q, &rx, &tx);
	}
	rcu_read_unlock();
	return err;
}

/* ---- sysfs: /sys/class/net/<dev>/coalesce/ -------------------------- */

/* Which settings an attribute reads and writes. */
enum xcc_attr_field {
	XCC_F_USECS,
	XCC_F_FRAMES,
	XCC_F_USECS_LOW,
	XCC_F_USECS_HIGH,
	XCC_F_WEIGHT,
	XCC_F_PKT_RATE_LOW,
	XCC_F_PKT_RATE_HIGH,
	XCC_F_BUDGET,
	XCC_F_NIC,
};

/* Attribute sides: one direction, or both (the value is shared). */
enum xcc_attr_side { XCC_RX, XCC_TX, XCC_BOTH };

struct xcc_attr {
	struct device_attribute attr;
	enum xcc_attr_side side;
	enum xcc_attr_field field;
};

static u32 *xcc_field(struct xcc_params *p, enum xcc_attr_field f)
{
	switch (f) {
	case XCC_F_USECS:
		return &p->usecs;
	case XCC_F_FRAMES:
		return &p->frames;
	case XCC_F_USECS_LOW:
		return &p->usecs_low;
	case XCC_F_USECS_HIGH:
		return &p->usecs_high;
	case XCC_F_WEIGHT:
		return &p->weight;
	case XCC_F_PKT_RATE_LOW:
		return &p->pkt_rate_low;
	case XCC_F_PKT_RATE_HIGH:
		return &p->pkt_rate_high;
	case XCC_F_BUDGET:
		return &p->budget_usecs;
	default:
		return &p->nic_usecs;
	}
}

static ssize_t xcc_attr_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	const struct xcc_attr *a = container_of(attr, struct xcc_attr, attr);
	struct xcc_dev *x = xcc_drv_dev(to_net_dev(d));
	struct xcc_params *p = a->side == XCC_TX ? &x->tx : &x->rx;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*xcc_field(p, a->field)));
}

/* Check and apply new device settings; RTNL held. */
static int xcc_dev_store(struct net_device *dev, const struct xcc_params *rx,
			 const struct xcc_params *tx)
{
	struct xcc_dev *x = xcc_drv_dev(dev);
	u32 max = READ_ONCE(coalesce_max_usecs);

	if (xcc_params_check(rx, max) || xcc_params_check(tx, max))
		return -EINVAL;
	x->rx = *rx;
	x->tx = *tx;
	xcc_dev_apply(dev);
	return 0;
}

/*
 * Store @val into a copy of the device's settings, on the side(s) @a
 * names, with @edit; check and apply the copy under RTNL.
 */
static ssize_t xcc_attr_commit(struct device *d, const struct xcc_attr *a,
			       void (*edit)(struct xcc_params *p,
					    enum xcc_attr_field f, u32 val),
			       u32 val, size_t len)
{
	struct net_device *dev = to_net_dev(d);
	struct xcc_params rx, tx;
	struct xcc_dev *x;
	int err;

	if (!rtnl_trylock())
		return restart_syscall();
	x = xcc_drv_dev(dev);
	rx = x->rx;
	tx = x->tx;
	if (a->side != XCC_TX)
		edit(&rx, a->field, val);
	if (a->side != XCC_RX)
		edit(&tx, a->field, val);
	err = xcc_dev_store(dev, &rx, &tx);
	rtnl_unlock();
	return err ? err : len;
}

static void xcc_edit_field(struct xcc_params *p, enum xcc_attr_field f,
			   u32 val)
{
	*xcc_field(p, f) = val;
}

static ssize_t xcc_attr_store(struct device *d, struct device_attribute *attr,
			      const char *buf, size_t len)
{
	const struct xcc_attr *a = container_of(attr, struct xcc_attr, attr);
	u32 val;
	int err;

	err = kstrtou32(buf, 0, &val);
	if (err)
		return err;
	return xcc_attr_commit(d, a, xcc_edit_field, val, len);
}

#define XCC_ATTR_RW(_name, _side, _field, _show, _store)		\
	static struct xcc_attr xcc_attr_##_name = {			\
		.attr = __ATTR(_name, 0644, _show, _store),		\
		.side = _side,						\
		.field = _field,					\
	}

#define XCC_ATTR(_name, _side, _field)					\
	XCC_ATTR_RW(_name, _side, _field, xcc_attr_show, xcc_attr_store)

XCC_ATTR(rx_usecs, XCC_RX, XCC_F_USECS);
XCC_ATTR(rx_frames, XCC_RX, XCC_F_FRAMES);
XCC_ATTR(rx_usecs_low, XCC_RX, XCC_F_USECS_LOW);
XCC_ATTR(rx_usecs_high, XCC_RX, XCC_F_USECS_HIGH);
XCC_ATTR(tx_usecs, XCC_TX, XCC_F_USECS);
XCC_ATTR(tx_frames, XCC_TX, XCC_F_FRAMES);
XCC_ATTR(tx_usecs_low, XCC_TX, XCC_F_USECS_LOW);
XCC_ATTR(tx_usecs_high, XCC_TX, XCC_F_USECS_HIGH);
XCC_ATTR(weight, XCC_BOTH, XCC_F_WEIGHT);
XCC_ATTR(pkt_rate_low, XCC_BOTH, XCC_F_PKT_RATE_LOW);
XCC_ATTR(pkt_rate_high, XCC_BOTH, XCC_F_PKT_RATE_HIGH);
XCC_ATTR(latency_budget_usecs, XCC_BOTH, XCC_F_BUDGET);
XCC_ATTR(nic_usecs, XCC_BOTH, XCC_F_NIC);

static const char * const xcc_adapt_names[XCC_ADAPT_NR] = {
	[XCC_ADAPT_NONE] = "static",
	[XCC_ADAPT_DIM] = "dim",
	[XCC_ADAPT_OURS] = "adaptive",
};

static ssize_t xcc_policy_show(struct device *d, struct device_attribute *attr,
			       char *buf)
{
	const struct xcc_attr *a = container_of(attr, struct xcc_attr, attr);
	struct xcc_dev *x = xcc_drv_dev(to_net_dev(d));
	struct xcc_params p = a->side == XCC_TX ? x->tx : x->rx;

	return sysfs_emit(buf, "%s\n", xcc_policy_names[xcc_params_policy(&p)]);
}

static void xcc_edit_adapt(struct xcc_params *p, enum xcc_attr_field f,
			   u32 adapt)
{
	p->adapt = adapt;
}

/* "off" and "static" both select static settings (usecs decides which). */
static ssize_t xcc_policy_store(struct device *d, struct device_attribute *attr,
				const char *buf, size_t len)
{
	const struct xcc_attr *a = container_of(attr, struct xcc_attr, attr);
	int adapt;

	adapt = sysfs_match_string(xcc_adapt_names, buf);
	if (adapt < 0 && sysfs_streq(buf, "off"))
		adapt = XCC_ADAPT_NONE;
	if (adapt < 0)
		return -EINVAL;
	return xcc_attr_commit(d, a, xcc_edit_adapt, adapt, len);
}

/* adaptive_rx/adaptive_tx: ethtool's adaptive-rx/tx, as 0/1. */
static ssize_t xcc_adaptive_show(struct device *d, struct device_attribute *attr,
				 char *buf)
{
	const struct xcc_attr *a = container_of(attr, struct xcc_attr, attr);
	struct xcc_dev *x = xcc_drv_dev(to_net_dev(d));
	struct xcc_params *p = a->side == XCC_TX ? &x->tx : &x->rx;

	return sysfs_emit(buf, "%d\n", READ_ONCE(p->adapt) != XCC_ADAPT_NONE);
}

/* Switching on keeps an adaptive policy already chosen (dim). */
static void xcc_edit_adaptive(struct xcc_params *p, enum xcc_attr_field f,
			      u32 on)
{
	if (!on)
		p->adapt = XCC_ADAPT_NONE;
	else if (p->adapt == XCC_ADAPT_NONE)
		p->adapt = XCC_ADAPT_OURS;
}

static ssize_t xcc_adaptive_store(struct device *d, struct device_attribute *attr,
				  const char *buf, size_t len)
{
	const struct xcc_attr *a = container_of(attr, struct xcc_attr, attr);
	bool on;
	int err;

	err = kstrtobool(buf, &on);
	if (err)
		return err;
	return xcc_attr_commit(d, a, xcc_edit_adaptive, on, len);
}

XCC_ATTR_RW(adaptive_rx, XCC_RX, 0, xcc_adaptive_show, xcc_adaptive_store);
XCC_ATTR_RW(adaptive_tx, XCC_TX, 0, xcc_adaptive_show, xcc_adaptive_store);
XCC_ATTR_RW(rx_policy, XCC_RX, 0, xcc_policy_show, xcc_policy_store);
XCC_ATTR_RW(tx_policy, XCC_TX, 0, xcc_policy_show, xcc_policy_store);

static struct attribute *xcc_sysfs_attrs[] = {
	&xcc_attr_rx_usecs.attr.attr,
	&xcc_attr_rx_frames.attr.attr,
	&xcc_attr_rx_usecs_low.attr.attr,
	&xcc_attr_rx_usecs_high.attr.attr,
	&xcc_attr_tx_usecs.attr.attr,
	&xcc_attr_tx_frames.attr.attr,
	&xcc_attr_tx_usecs_low.attr.attr,
	&xcc_attr_tx_usecs_high.attr.attr,
	&xcc_attr_weight.attr.attr,
	&xcc_attr_pkt_rate_low.attr.attr,
	&xcc_attr_pkt_rate_high.attr.attr,
	&xcc_attr_latency_budget_usecs.attr.attr,
	&xcc_attr_nic_usecs.attr.attr,
	&xcc_attr_adaptive_rx.attr.attr,
	&xcc_attr_adaptive_tx.attr.attr,
	&xcc_attr_rx_policy.attr.attr,
	&xcc_attr_tx_policy.attr.attr,
	NULL
};

const struct attribute_group xcc_sysfs_group = {
	.name = "coalesce",
	.attrs = xcc_sysfs_attrs,
};
