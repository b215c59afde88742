// SPDX-License-Identifier: GPL-2.0
/*
 * xcc glue for xen-netfront, see xcc_netfront.h.
 */
#include <linux/rtnetlink.h>
#include <xen/events.h>
#include <xen/interface/io/ring.h>

#include "xcc_netfront.h"

#define XCC_NF_LEVERS 2

/* ---- device and queue lifetime ------------------------------------- */

/**
 * xcc_nf_sysfs_add() - create /sys/class/net/<dev>/coalesce
 * @dev: the registered net device
 *
 * netfront's own sysfs group takes the only driver slot of the net
 * device, so ours is added after registration. A failure only costs the
 * sysfs files (ethtool still works), and is reported.
 */
void xcc_nf_sysfs_add(struct net_device *dev)
{
	int err = sysfs_create_group(&dev->dev.kobj, &xcc_sysfs_group);

	if (err)
		netdev_warn(dev, "no coalesce sysfs group: %d\n", err);
}

/**
 * xcc_nf_sysfs_del() - remove /sys/class/net/<dev>/coalesce
 * @dev: the net device, before unregistration
 */
void xcc_nf_sysfs_del(struct net_device *dev)
{
	sysfs_remove_group(&dev->dev.kobj, &xcc_sysfs_group);
}

struct xcc_chan *xcc_drv_chan(struct net_device *dev, unsigned int q, bool tx)
{
	struct xcc_nf_queue *x = xcc_nf_queue(dev, q);

	if (!x)
		return NULL;
	return tx ? &x->tx : &x->rx;
}

void xcc_drv_queue_request(struct net_device *dev, unsigned int q,
			   const struct xcc_params *rx,
			   const struct xcc_params *tx)
{
	struct xcc_nf_queue *x = xcc_nf_queue(dev, q);

	xcc_chan_request(&x->rx, rx);
	xcc_chan_request(&x->tx, tx);
}

/*
 * Polls only while the carrier is up, as the RX interrupt handler does:
 * disconnection turns the carrier off first, so after it no timer starts
 * a poll and xcc_nf_rx_stop() finds the ring still there.
 *
 * The poll runs with the response event behind the producer, as a stock
 * NAPI poll does: an event left ahead (rx-frames) would let the backend
 * notify for responses this very poll consumes, an event netfront's
 * spurious check would count as content-free.
 */
static enum hrtimer_restart xcc_nf_rx_timer(struct hrtimer *t)
{
	struct xcc_nf_queue *x = container_of(t, struct xcc_nf_queue, rx.timer);
	struct xen_netif_rx_front_ring *ring = x->rx_ring;

	xcc_chan_fired(&x->rx);
	if (netif_carrier_ok(x->napi->dev)) {
		WRITE_ONCE(ring->sring->rsp_event, READ_ONCE(ring->rsp_cons));
		xcc_cons_expire(&x->rx.ctl, RING_HAS_UNCONSUMED_RESPONSES(ring));
		napi_schedule(x->napi);
	}
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xcc_nf_tx_timer(struct hrtimer *t)
{
	struct xcc_nf_queue *x = container_of(t, struct xcc_nf_queue, tx.timer);

	xcc_chan_fired(&x->tx);
	if (xcc_chan_expire(&x->tx, &x->tx_ring->sring->req_event))
		notify_remote_via_irq(*x->tx_irq);
	return HRTIMER_NORESTART;
}

/**
 * xcc_nf_queue_init() - controller state of a new queue
 * @x: the queue's controller state
 * @dev: the queue's device (its settings are the queue's defaults)
 * @queue: the queue's index
 * @napi: the queue's NAPI context
 * @rx_ring: the queue's RX front ring (attached later)
 * @tx_ring: the queue's TX front ring (attached later)
 * @tx_irq: where the driver keeps the TX irq number
 * @rx_irq: where the driver keeps the RX irq number
 * @tx_lock: the driver's lock around TX request production
 *
 * Queues are created afresh on every connection, so the producer state
 * starts at the ring's initial index 0.
 */
void xcc_nf_queue_init(struct xcc_nf_queue *x, struct net_device *dev,
		       unsigned int queue, struct napi_struct *napi,
		       struct xen_netif_rx_front_ring *rx_ring,
		       struct xen_netif_tx_front_ring *tx_ring,
		       unsigned int *tx_irq, unsigned int *rx_irq,
		       spinlock_t *tx_lock)
{
	const struct xcc_dev *d = xcc_drv_dev(dev);

	xcc_chan_init(&x->rx, &d->rx, xcc_nf_rx_timer, dev, queue, "rx");
	xcc_chan_init(&x->tx, &d->tx, xcc_nf_tx_timer, dev, queue, "tx");
	x->napi = napi;
	x->rx_ring = rx_ring;
	x->tx_ring = tx_ring;
	x->tx_irq = tx_irq;
	x->rx_irq = rx_irq;
	x->tx_lock = tx_lock;
	x->rx_bytes = 0;
	x->tx_bytes = 0;
}

static void xcc_nf_flush(struct xcc_nf_queue *x)
{
	if (!x->tx_ring->sring) {
		xcc_chan_stop(&x->tx);
		return;
	}
	if (xcc_chan_flush(&x->tx, &x->tx_ring->sring->req_event))
		notify_remote_via_irq(*x->tx_irq);
}

/**
 * xcc_nf_queue_down() - the device is closed
 * @x: the queue's controller state, after napi_disable()
 *
 * xennet_open() re-arms the RX event index itself.
 */
void xcc_nf_queue_down(struct xcc_nf_queue *x)
{
	xcc_chan_stop(&x->rx);
	xcc_nf_flush(x);
}

/**
 * xcc_nf_tx_stop() - stop the TX lever before disconnection
 * @x: the queue's controller state, with the carrier off, before the
 *	irqs are unbound
 *
 * A transmit that passed the carrier check before it went off finishes
 * under tx_lock; after that no push can start the timer again.
 */
void xcc_nf_tx_stop(struct xcc_nf_queue *x)
{
	unsigned long flags;

	spin_lock_irqsave(x->tx_lock, flags);
	spin_unlock_irqrestore(x->tx_lock, flags);
	xcc_nf_flush(x);
}

/**
 * xcc_nf_rx_stop() - stop the RX lever before disconnection
 * @x: the queue's controller state, with the carrier off and no poll
 *	running (after napi_synchronize()), before the rings are freed
 */
void xcc_nf_rx_stop(struct xcc_nf_queue *x)
{
	xcc_chan_stop(&x->rx);
}

/* ---- datapath -------------------------------------------------------- */

/**
 * xcc_nf_rx_count() - count the bytes of a poll's frames
 * @x: the queue's controller state, in its NAPI poll
 * @rxq: the frames the poll is about to hand to the stack
 *
 * Only the DIM-style policy compares bytes; under the others the walk
 * is skipped and the lever is told 0 (unknown). Full polls add up until
 * a poll completes and reports them, as netback's byte count does.
 */
void xcc_nf_rx_count(struct xcc_nf_queue *x, struct sk_buff_head *rxq)
{
	struct sk_buff *skb;

	if (READ_ONCE(x->rx.ctl.params.adapt) == XCC_ADAPT_DIM)
		skb_queue_walk(rxq, skb)
			x->rx_bytes += skb->len;
}

/**
 * xcc_nf_rx_poll() - an RX poll ends
 * @x: the queue's controller state, in its NAPI poll
 * @work_done: frames the poll handled
 * @budget: the poll's budget
 *
 * Sets the weight of the next poll after a full one; a poll that
 * completes gets it from xcc_nf_rx_rearm().
 */
void xcc_nf_rx_poll(struct xcc_nf_queue *x, int work_done, int budget)
{
	if (work_done >= budget)
		WRITE_ONCE(x->napi->weight, xcc_chan_weight(&x->rx, work_done));
}

/**
 * xcc_nf_rx_rearm() - RING_FINAL_CHECK_FOR_RESPONSES, coalesced
 * @x: the queue's controller state, in its NAPI poll after
 *	napi_complete_done()
 * @work_done: frames the poll handled
 *
 * Per frame as stock when rx-usecs is 0 or the poll was idle. With
 * rx-frames, the event goes that many posted buffers ahead and the
 * lever's timer bounds the wait; with rx-usecs alone the event index is
 * left behind (the backend sends nothing) and the timer polls.
 *
 * Return: non-zero if the poll must be rescheduled now.
 */
int xcc_nf_rx_rearm(struct xcc_nf_queue *x, int work_done)
{
	struct xen_netif_rx_front_ring *ring = x->rx_ring;
	struct xcc_chan *ch = &x->rx;
	enum xcc_rearm r;
	u32 dist = 1;
	int more;

	r = xcc_chan_complete(ch, work_done, x->rx_bytes);
	x->rx_bytes = 0;
	WRITE_ONCE(x->napi->weight, ch->ctl.weight);
	switch (r) {
	case XCC_REARM_LATER:
		return 0;
	case XCC_REARM_AHEAD:
		dist = xcc_event_distance(&ch->ctl,
					  ring->req_prod_pvt - ring->rsp_cons);
		break;
	case XCC_REARM_NOW:
		break;
	}

	if (dist == 1) {
		RING_FINAL_CHECK_FOR_RESPONSES(ring, more);
		return more;
	}
	ring->sring->rsp_event = ring->rsp_cons + dist;
	virt_mb(); /* backend sees the event before we look at rsp_prod */
	if (RING_HAS_UNCONSUMED_RESPONSES(ring) >= dist)
		return 1;
	xcc_chan_arm(ch);
	return 0;
}

/**
 * xcc_nf_tx_hold() - may this transmit leave its requests unpushed?
 * @x: the queue's controller state, under tx_lock
 * @len: the packet's bytes, counted towards the next push
 * @slot_available: the ring can take another packet after this one
 *
 * While the lever holds notifications (a delay in effect, static or
 * chosen by an adaptive policy), requests of a packet the stack says is
 * followed by more (xmit_more) are pushed with the last one, unless the
 * ring is about to stop the queue. The lever's state is read under
 * tx_lock, under which all its pushes happen.
 *
 * Return: true to skip the push of this packet's requests.
 */
bool xcc_nf_tx_hold(struct xcc_nf_queue *x, unsigned int len,
		    bool slot_available)
{
	x->tx_bytes += len;
	return slot_available && netdev_xmit_more() && READ_ONCE(x->tx.ctl.usecs);
}

/**
 * xcc_nf_tx_push() - TX requests were pushed
 * @x: the queue's controller state, under tx_lock
 * @notify: the push asked for a notification
 *
 * With a single event channel for both rings, deferral is off.
 *
 * Return: true to notify the backend now.
 */
bool xcc_nf_tx_push(struct xcc_nf_queue *x, int notify)
{
	u32 bytes = x->tx_bytes;

	x->tx_bytes = 0;
	if (*x->tx_irq == *x->rx_irq)
		return notify;
	return xcc_chan_push(&x->tx, x->tx_ring->req_prod_pvt, notify, bytes);
}

/* ---- ethtool ---------------------------------------------------------- */

int xcc_nf_sset_count(struct net_device *dev)
{
	return dev->num_tx_queues * XCC_NF_LEVERS * XCC_CHAN_NSTATS;
}

void xcc_nf_strings(struct net_device *dev, u8 *data)
{
	unsigned int q;

	for (q = 0; q < dev->num_tx_queues; q++) {
		xcc_chan_strings(&data, q, "rx");
		xcc_chan_strings(&data, q, "tx");
	}
}

void xcc_nf_stats(struct net_device *dev, u64 *data)
{
	struct xcc_nf_queue *x;
	unsigned int q, i;

	for (q = 0; q < dev->num_tx_queues; q++) {
		x = xcc_nf_queue(dev, q);
		if (x) {
			xcc_chan_stats(&data, &x->rx);
			xcc_chan_stats(&data, &x->tx);
			continue;
		}
		for (i = 0; i < XCC_NF_LEVERS; i++)
			xcc_chan_stats_absent(&data);
	}
}
