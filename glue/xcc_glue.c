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

MODULE_VERSION(XCC_VERSION);

/* ---- module parameters: defaults for devices created later ---------- */

static unsigned int coalesce_max_usecs = 1000;
static unsigned int coalesce_rx_usecs;
static unsigned int coalesce_rx_frames;
static unsigned int coalesce_tx_usecs;
static unsigned int coalesce_tx_frames;
static unsigned int coalesce_weight = XCC_WEIGHT_MAX;

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

static void xcc_params_defaults(struct xcc_params *rx, struct xcc_params *tx)
{
	*rx = (struct xcc_params){
		.usecs = READ_ONCE(coalesce_rx_usecs),
		.frames = READ_ONCE(coalesce_rx_frames),
		.weight = READ_ONCE(coalesce_weight),
	};
	*tx = (struct xcc_params){
		.usecs = READ_ONCE(coalesce_tx_usecs),
		.frames = READ_ONCE(coalesce_tx_frames),
		.weight = rx->weight,
	};
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
 */
void xcc_chan_init(struct xcc_chan *ch, const struct xcc_params *p,
		   enum hrtimer_restart (*fn)(struct hrtimer *))
{
	spin_lock_init(&ch->lock);
	xcc_hrtimer_setup(&ch->timer, fn);
	ch->req = *p;
	xcc_ctl_init(&ch->ctl, p);
	xcc_prod_reset(&ch->prod, 0);
}

/**
 * xcc_chan_request() - ask the datapath to use new settings
 * @ch: the lever
 * @p: validated settings
 */
void xcc_chan_request(struct xcc_chan *ch, const struct xcc_params *p)
{
	WRITE_ONCE(ch->req.usecs, p->usecs);
	WRITE_ONCE(ch->req.frames, p->frames);
	WRITE_ONCE(ch->req.weight, p->weight);
}

/**
 * xcc_chan_requested() - the settings last requested for a lever
 * @ch: the lever
 * @p: filled in
 */
void xcc_chan_requested(const struct xcc_chan *ch, struct xcc_params *p)
{
	p->usecs = READ_ONCE(ch->req.usecs);
	p->frames = READ_ONCE(ch->req.frames);
	p->weight = READ_ONCE(ch->req.weight);
}

/**
 * xcc_chan_sync() - datapath side: pick up requested settings
 * @ch: the lever, in its owner's context
 *
 * Fields are picked up one by one; every mix of old and new fields is
 * safe because a zero delay always wins over a frame threshold.
 */
void xcc_chan_sync(struct xcc_chan *ch)
{
	struct xcc_params p;

	xcc_chan_requested(ch, &p);
	if (p.usecs != ch->ctl.params.usecs ||
	    p.frames != ch->ctl.params.frames ||
	    p.weight != ch->ctl.params.weight)
		xcc_ctl_set(&ch->ctl, &p);
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

/**
 * xcc_chan_push() - producer: the ring was just pushed
 * @ch: the lever
 * @new_prod: the producer index published, from the private copy
 * @crossed: RING_PUSH_*_AND_CHECK_NOTIFY asked for a notification
 *
 * Return: true if the caller must notify the peer now.
 */
bool xcc_chan_push(struct xcc_chan *ch, u32 new_prod, bool crossed)
{
	enum xcc_verdict v;
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	xcc_chan_sync(ch);
	v = xcc_prod_push(&ch->prod, &ch->ctl, new_prod, crossed);
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

	spin_lock_irqsave(&ch->lock, flags);
	/* Our producer index was published before this point (and fenced
	 * by the push); read the event the peer wrote after it.
	 */
	smp_mb();
	notify = xcc_prod_expire(&ch->prod, &ch->ctl, READ_ONCE(*event));
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
 *
 * Starts the lever's timer for %XCC_REARM_LATER. For %XCC_REARM_AHEAD
 * the caller starts it with xcc_chan_arm() after writing the event
 * index, so that no far event is ever left without a timer behind it.
 *
 * Return: how to re-arm, see &enum xcc_rearm.
 */
enum xcc_rearm xcc_chan_complete(struct xcc_chan *ch, u32 work)
{
	enum xcc_rearm r;

	xcc_chan_sync(ch);
	r = xcc_cons_complete(&ch->ctl, work, ktime_get_ns());
	if (r == XCC_REARM_LATER)
		xcc_chan_arm(ch);
	return r;
}

/**
 * xcc_chan_weight() - the poll weight for the next cycle
 * @ch: the lever, in its poll context
 *
 * Return: 1..64.
 */
u32 xcc_chan_weight(struct xcc_chan *ch)
{
	xcc_chan_sync(ch);
	return ch->ctl.weight;
}

/* ---- ethtool -S and debugfs ----------------------------------------- */

static const char * const xcc_stat_names[XCC_CHAN_NSTATS] = {
	"notify_sent", "notify_deferred", "notify_saved", "timer_flush",
	"frame_hits", "spurious_avoided", "cycles", "frames",
	"cur_usecs", "cur_frames", "weight",
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
	d[8] = READ_ONCE(ch->ctl.usecs);
	d[9] = READ_ONCE(ch->ctl.frames);
	d[10] = READ_ONCE(ch->ctl.weight);
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
}

/* ---- ethtool -c/-C -------------------------------------------------- */

/**
 * xcc_ethtool_fill() - settings to ethtool's structure
 * @ec: filled in (only supported fields are set)
 * @rx: rx half
 * @tx: tx half
 */
void xcc_ethtool_fill(struct ethtool_coalesce *ec,
		      const struct xcc_params *rx, const struct xcc_params *tx)
{
	ec->rx_coalesce_usecs = rx->usecs;
	ec->rx_max_coalesced_frames = rx->frames;
	ec->tx_coalesce_usecs = tx->usecs;
	ec->tx_max_coalesced_frames = tx->frames;
}

/**
 * xcc_ethtool_parse() - ethtool's structure to validated settings
 * @ec: requested values
 * @rx: in: current rx half; out: the new one, only on success
 * @tx: in: current tx half; out: the new one, only on success
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -EINVAL with @rx and @tx unchanged.
 */
int xcc_ethtool_parse(const struct ethtool_coalesce *ec,
		      struct xcc_params *rx, struct xcc_params *tx,
		      struct netlink_ext_ack *extack)
{
	struct xcc_params r = *rx, t = *tx;
	u32 max = READ_ONCE(coalesce_max_usecs);
	const char *why;

	r.usecs = ec->rx_coalesce_usecs;
	r.frames = ec->rx_max_coalesced_frames;
	t.usecs = ec->tx_coalesce_usecs;
	t.frames = ec->tx_max_coalesced_frames;

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

	xcc_ethtool_fill(ec, &d->rx, &d->tx);
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
		xcc_drv_apply(dev);
	return err;
}

/* ---- sysfs: /sys/class/net/<dev>/coalesce/ -------------------------- */

enum xcc_attr_field { XCC_USECS, XCC_FRAMES, XCC_WEIGHT };

static u32 *xcc_field(struct xcc_params *p, enum xcc_attr_field f)
{
	switch (f) {
	case XCC_USECS:
		return &p->usecs;
	case XCC_FRAMES:
		return &p->frames;
	default:
		return &p->weight;
	}
}

static ssize_t xcc_attr_show(struct device *d, char *buf, bool tx,
			     enum xcc_attr_field f)
{
	struct xcc_dev *x = xcc_drv_dev(to_net_dev(d));

	return sysfs_emit(buf, "%u\n", READ_ONCE(*xcc_field(tx ? &x->tx : &x->rx, f)));
}

static ssize_t xcc_attr_store(struct device *d, const char *buf, size_t len,
			      bool tx, enum xcc_attr_field f)
{
	struct net_device *dev = to_net_dev(d);
	struct xcc_params rx, txp;
	struct xcc_dev *x;
	u32 val, max;
	int err;

	err = kstrtou32(buf, 0, &val);
	if (err)
		return err;
	if (!rtnl_trylock())
		return restart_syscall();
	x = xcc_drv_dev(dev);
	rx = x->rx;
	txp = x->tx;
	if (f == XCC_WEIGHT) {
		rx.weight = val;
		txp.weight = val;
	} else {
		*xcc_field(tx ? &txp : &rx, f) = val;
	}
	max = READ_ONCE(coalesce_max_usecs);
	err = -EINVAL;
	if (!xcc_params_check(&rx, max) && !xcc_params_check(&txp, max)) {
		x->rx = rx;
		x->tx = txp;
		xcc_drv_apply(dev);
		err = 0;
	}
	rtnl_unlock();
	return err ? err : len;
}

struct xcc_attr_desc {
	bool tx;
	enum xcc_attr_field field;
};

#define XCC_ATTR(_name, _tx, _f)					\
static const struct xcc_attr_desc _name##_desc = { _tx, _f };		\
static ssize_t _name##_show(struct device *d,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return xcc_attr_show(d, buf, _name##_desc.tx, _name##_desc.field); \
}									\
static ssize_t _name##_store(struct device *d,				\
			     struct device_attribute *attr,		\
			     const char *buf, size_t len)		\
{									\
	return xcc_attr_store(d, buf, len, _name##_desc.tx,		\
			      _name##_desc.field);			\
}									\
static DEVICE_ATTR_RW(_name)

XCC_ATTR(rx_usecs, false, XCC_USECS);
XCC_ATTR(rx_frames, false, XCC_FRAMES);
XCC_ATTR(tx_usecs, true, XCC_USECS);
XCC_ATTR(tx_frames, true, XCC_FRAMES);
XCC_ATTR(weight, false, XCC_WEIGHT);

static ssize_t xcc_policy_show(struct device *d, char *buf, bool tx)
{
	struct xcc_dev *x = xcc_drv_dev(to_net_dev(d));
	struct xcc_params p = tx ? x->tx : x->rx;

	return sysfs_emit(buf, "%s\n", xcc_policy_names[xcc_params_policy(&p)]);
}

static ssize_t rx_policy_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return xcc_policy_show(d, buf, false);
}
static DEVICE_ATTR_RO(rx_policy);

static ssize_t tx_policy_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return xcc_policy_show(d, buf, true);
}
static DEVICE_ATTR_RO(tx_policy);

static struct attribute *xcc_sysfs_attrs[] = {
	&dev_attr_rx_usecs.attr,
	&dev_attr_rx_frames.attr,
	&dev_attr_tx_usecs.attr,
	&dev_attr_tx_frames.attr,
	&dev_attr_weight.attr,
	&dev_attr_rx_policy.attr,
	&dev_attr_tx_policy.attr,
	NULL
};

const struct attribute_group xcc_sysfs_group = {
	.name = "coalesce",
	.attrs = xcc_sysfs_attrs,
};
