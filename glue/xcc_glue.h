/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xcc glue shared by xen-netback and xen-netfront: timers, locking,
 * ethtool, sysfs and module parameters around the pure controller in
 * common/. Knows net devices and kernel timers, but no Xen: ring indexes
 * reach it as plain numbers and notifications are sent by the caller.
 * Each module links its own copy; nothing here is exported.
 */
#ifndef _XCC_GLUE_H
#define _XCC_GLUE_H

#include <linux/ethtool.h>
#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>

#include "xcc.h"

/* ethtool fields the drivers implement; everything else is refused. */
#define XCC_COALESCE_PARAMS \
	(ETHTOOL_COALESCE_USECS | ETHTOOL_COALESCE_MAX_FRAMES | \
	 ETHTOOL_COALESCE_USE_ADAPTIVE | ETHTOOL_COALESCE_USECS_LOW_HIGH | \
	 ETHTOOL_COALESCE_PKT_RATE_LOW | ETHTOOL_COALESCE_PKT_RATE_HIGH)

/* Module version string: /sys/module/<mod>/version proves the build. */
#define XCC_VERSION "0.1.0-netcoal"

/**
 * struct xcc_dev - coalescing settings of a net device
 * @rx: the ethtool rx half (interrupts this domain takes)
 * @tx: the ethtool tx half (notifications this domain sends)
 *
 * Defaults for queues created later, and the values ethtool -c shows.
 * Written under RTNL only.
 */
struct xcc_dev {
	struct xcc_params rx;
	struct xcc_params tx;
};

/**
 * struct xcc_chan - one coalescing lever of one queue
 * @req: settings requested by ethtool or sysfs (WRITE_ONCE/READ_ONCE)
 * @ctl: controller state, owned by the datapath (picks up @req itself)
 * @prod: held-notification state of a producer lever
 * @lock: serialises a producer lever's pushes with its timer
 * @timer: the lever's only timer; at most one pending at any time
 * @dev: the device of the lever's queue (names it in traces)
 * @queue: the queue's index
 * @lever: the lever's name: "rx", "tx" or "txc"
 * @late: how late the timer last fired, ns + 1 (0: nothing new), left by
 *	the timer for the datapath, see xcc_chan_fired()
 * @req_gen: bumped (release) after every write of @req
 * @gen: the @req_gen whose settings @ctl has picked up
 */
struct xcc_chan {
	struct xcc_params req;
	struct xcc_ctl ctl;
	struct xcc_prod prod;
	spinlock_t lock;		/* see above */
	struct hrtimer timer;
	struct net_device *dev;
	u16 queue;
	const char *lever;
	u32 late;
	u32 req_gen;
	u32 gen;
};

/**
 * xcc_chan_phase() - where the lever's adaptive policy stands
 * @ch: the lever
 *
 * Return: the adaptive policy's phase (0 measure, 1 probe, 2 hold,
 * 3 check), the DIM baseline's profile index, or 0 for static settings.
 */
static inline u8 xcc_chan_phase(const struct xcc_chan *ch)
{
	switch (ch->ctl.params.adapt) {
	case XCC_ADAPT_OURS:
		return ch->ctl.ad.phase;
	case XCC_ADAPT_DIM:
		return ch->ctl.dim.profile;
	}
	return 0;
}

/*
 * A lever's decision packed in one word (delay, frame threshold, phase),
 * to tell after a cycle whether it changed.
 */
#define XCC_DECISION(usecs, frames, phase) \
	((u64)(usecs) | (u64)(frames) << 32 | (u64)(phase) << 56)
#define XCC_DECISION_USECS(d)	((u32)(d))
#define XCC_DECISION_FRAMES(d)	((u32)((d) >> 32) & 0xffffff)
#define XCC_DECISION_PHASE(d)	((u8)((d) >> 56))

#define XCC_CHAN_NSTATS 14

void xcc_dev_init(struct xcc_dev *d);
void xcc_chan_init(struct xcc_chan *ch, const struct xcc_params *p,
		   enum hrtimer_restart (*fn)(struct hrtimer *),
		   struct net_device *dev, u16 queue, const char *lever);
void xcc_chan_request(struct xcc_chan *ch, const struct xcc_params *p);
void xcc_chan_requested(const struct xcc_chan *ch, struct xcc_params *p);
void xcc_chan_sync(struct xcc_chan *ch);
void xcc_chan_stop(struct xcc_chan *ch);
void xcc_chan_arm(struct xcc_chan *ch);
void xcc_chan_fired(struct xcc_chan *ch);

void xcc_chan_reset(struct xcc_chan *ch, u32 prod);
bool xcc_chan_push(struct xcc_chan *ch, u32 new_prod, bool crossed, u32 bytes);
bool xcc_chan_expire(struct xcc_chan *ch, const u32 *event);
bool xcc_chan_flush(struct xcc_chan *ch, const u32 *event);

enum xcc_rearm xcc_chan_complete(struct xcc_chan *ch, u32 work, u32 bytes);
u32 xcc_chan_weight(struct xcc_chan *ch, u32 work);
u32 xcc_chan_batch(struct xcc_chan *ch, u32 work);

void xcc_chan_strings(u8 **data, unsigned int q, const char *lever);
void xcc_chan_stats(u64 **data, const struct xcc_chan *ch);
void xcc_chan_stats_absent(u64 **data);
void xcc_chan_seq_show(struct seq_file *m, const char *lever,
		       const struct xcc_chan *ch);

int xcc_get_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
		     struct kernel_ethtool_coalesce *kec,
		     struct netlink_ext_ack *extack);
int xcc_set_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
		     struct kernel_ethtool_coalesce *kec,
		     struct netlink_ext_ack *extack);
int xcc_get_per_queue_coalesce(struct net_device *dev, u32 q,
			       struct ethtool_coalesce *ec);
int xcc_set_per_queue_coalesce(struct net_device *dev, u32 q,
			       struct ethtool_coalesce *ec);

int xcc_params_init(void);
extern const struct attribute_group xcc_sysfs_group;

/*
 * Provided by the driver glue (netback/ or netfront/). Called under RTNL
 * or rcu_read_lock(), which keep the driver's queue array alive.
 */
struct xcc_dev *xcc_drv_dev(struct net_device *dev);
struct xcc_chan *xcc_drv_chan(struct net_device *dev, unsigned int q,
			      bool tx);
void xcc_drv_queue_request(struct net_device *dev, unsigned int q,
			   const struct xcc_params *rx,
			   const struct xcc_params *tx);

#endif /* _XCC_GLUE_H */
