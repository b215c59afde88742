// SPDX-License-Identifier: GPL-2.0
/*
 * xcc glue for xen-netback, see xcc_netback.h.
 */
#include "common.h"

#include <linux/rcupdate.h>
#include <xen/events.h>

#define XCC_NB_LEVERS 3

/* ---- device and queue lifetime ------------------------------------- */

/**
 * xcc_nb_vif_init() - settings and sysfs group of a new vif
 * @vif: the vif, before register_netdev()
 */
void xcc_nb_vif_init(struct xenvif *vif)
{
	xcc_dev_init(&vif->xcc);
	vif->dev->sysfs_groups[0] = &xcc_sysfs_group;
}

struct xcc_dev *xcc_drv_dev(struct net_device *dev)
{
	struct xenvif *vif = netdev_priv(dev);

	return &vif->xcc;
}

struct xcc_chan *xcc_drv_chan(struct net_device *dev, unsigned int q, bool tx)
{
	struct xenvif *vif = netdev_priv(dev);

	if (q >= READ_ONCE(vif->num_queues))
		return NULL;
	return tx ? &vif->queues[q].xcc.tx : &vif->queues[q].xcc.rx;
}

void xcc_drv_queue_request(struct net_device *dev, unsigned int q,
			   const struct xcc_params *rx,
			   const struct xcc_params *tx)
{
	struct xenvif *vif = netdev_priv(dev);
	struct xenvif_queue *queue = &vif->queues[q];

	xcc_chan_request(&queue->xcc.rx, rx);
	xcc_chan_request(&queue->xcc.tx, tx);
	xcc_chan_request(&queue->xcc.txc, tx);
}

/*
 * The poll this starts runs with the request event behind the producer,
 * as after a stock re-arm: an event left ahead (rx-frames) would let the
 * frontend notify for requests this very poll consumes (a spurious event
 * for netback). The final check after the poll sets it again.
 */
static enum hrtimer_restart xcc_nb_rx_timer(struct hrtimer *t)
{
	struct xenvif_queue *queue =
		container_of(t, struct xenvif_queue, xcc.rx.timer);

	xcc_chan_fired(&queue->xcc.rx);
	WRITE_ONCE(queue->tx.sring->req_event, READ_ONCE(queue->tx.req_cons));
	xcc_cons_expire(&queue->xcc.rx.ctl,
			RING_HAS_UNCONSUMED_REQUESTS(&queue->tx));
	WRITE_ONCE(queue->xcc.rx_dist, 1);
	xenvif_napi_schedule_or_enable_events(queue);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xcc_nb_tx_timer(struct hrtimer *t)
{
	struct xenvif_queue *queue =
		container_of(t, struct xenvif_queue, xcc.tx.timer);

	xcc_chan_fired(&queue->xcc.tx);
	if (xcc_chan_expire(&queue->xcc.tx, &queue->rx.sring->rsp_event))
		notify_remote_via_irq(queue->rx_irq);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xcc_nb_txc_timer(struct hrtimer *t)
{
	struct xenvif_queue *queue =
		container_of(t, struct xenvif_queue, xcc.txc.timer);

	xcc_chan_fired(&queue->xcc.txc);
	if (xcc_chan_expire(&queue->xcc.txc, &queue->tx.sring->rsp_event))
		notify_remote_via_irq(queue->tx_irq);
	return HRTIMER_NORESTART;
}

/**
 * xcc_nb_queue_init() - controller state of a new queue
 * @queue: the queue, from xenvif_init_queue()
 *
 * After this the queue's timers may be cancelled on any error path.
 */
void xcc_nb_queue_init(struct xenvif_queue *queue)
{
	const struct xcc_dev *d = &queue->vif->xcc;
	struct net_device *dev = queue->vif->dev;

	xcc_chan_init(&queue->xcc.rx, &d->rx, xcc_nb_rx_timer, dev, queue->id,
		      "rx");
	xcc_chan_init(&queue->xcc.tx, &d->tx, xcc_nb_tx_timer, dev, queue->id,
		      "tx");
	xcc_chan_init(&queue->xcc.txc, &d->tx, xcc_nb_txc_timer, dev,
		      queue->id, "txc");
	queue->xcc.rx_dist = 1;
}

/**
 * xcc_nb_queue_start() - the queue's rings are mapped
 * @queue: the queue, before its kthreads run and its irqs are bound
 */
void xcc_nb_queue_start(struct xenvif_queue *queue)
{
	xcc_chan_reset(&queue->xcc.tx, queue->rx.rsp_prod_pvt);
	xcc_chan_reset(&queue->xcc.txc, queue->tx.rsp_prod_pvt);
	queue->xcc.tx_cycle = queue->rx.rsp_prod_pvt;
}

static void xcc_nb_flush(struct xenvif_queue *queue)
{
	if (queue->tx.sring &&
	    xcc_chan_flush(&queue->xcc.txc, &queue->tx.sring->rsp_event))
		notify_remote_via_irq(queue->tx_irq);
	if (queue->rx.sring &&
	    xcc_chan_flush(&queue->xcc.tx, &queue->rx.sring->rsp_event))
		notify_remote_via_irq(queue->rx_irq);
}

/**
 * xcc_nb_queue_down() - the vif goes down
 * @queue: the queue, after napi_disable()
 *
 * Stops the re-arm timer (xenvif_up() re-arms) and delivers any held
 * notification now, while the irqs are bound. Pushes that still happen
 * (the guest-RX kthread keeps draining) hold and flush as usual.
 */
void xcc_nb_queue_down(struct xenvif_queue *queue)
{
	xcc_chan_stop(&queue->xcc.rx);
	WRITE_ONCE(queue->xcc.rx_dist, 1);
	xcc_nb_flush(queue);
}

/**
 * xcc_nb_queue_stop() - the queue is disconnected
 * @queue: the queue, after its kthreads stopped and NAPI was deleted,
 *	before its irqs are unbound and its rings unmapped
 */
void xcc_nb_queue_stop(struct xenvif_queue *queue)
{
	xcc_chan_stop(&queue->xcc.rx);
	xcc_nb_flush(queue);
}

/* ---- datapath -------------------------------------------------------- */

/**
 * xcc_nb_txc_push() - TX responses were pushed
 * @queue: the queue, under response_lock
 * @notify: the push asked for a notification
 *
 * With a single event channel for both rings, producer deferral is off:
 * two held notifications on one port would need one shared state.
 *
 * Return: true to notify the frontend now.
 */
bool xcc_nb_txc_push(struct xenvif_queue *queue, int notify)
{
	if (queue->tx_irq == queue->rx_irq)
		return notify;
	return xcc_chan_push(&queue->xcc.txc, queue->tx.rsp_prod_pvt, notify,
			     0);
}

/**
 * xcc_nb_rx_push() - guest-RX responses were pushed
 * @queue: the queue, in its guest-RX kthread
 * @notify: the push asked for a notification
 *
 * Return: true to notify the frontend now.
 */
bool xcc_nb_rx_push(struct xenvif_queue *queue, int notify)
{
	if (queue->tx_irq == queue->rx_irq)
		return notify;
	u64 bytes = queue->stats.tx_bytes;
	u32 delta = bytes - queue->xcc.tx_bytes;

	queue->xcc.tx_bytes = bytes;
	return xcc_chan_push(&queue->xcc.tx, queue->rx.rsp_prod_pvt, notify,
			     delta);
}

/**
 * xcc_nb_poll() - a NAPI poll of guest TX requests ends
 * @queue: the queue
 * @work_done: requests handled
 * @budget: the poll's budget (0 for netpoll)
 *
 * Sets the NAPI weight for the next poll and, when the poll completes,
 * chooses how dom0's interrupt is re-armed. Rate-limited queues are left
 * to the credit timer.
 *
 * Return: true if the re-arm is deferred to the lever's timer.
 */
bool xcc_nb_poll(struct xenvif_queue *queue, int work_done, int budget)
{
	struct xcc_chan *ch = &queue->xcc.rx;
	u64 bytes = queue->stats.rx_bytes;
	u32 delta = bytes - queue->xcc.rx_bytes;
	enum xcc_rearm r;

	if (budget <= 0)
		return false;
	if (work_done >= budget || queue->rate_limited) {
		WRITE_ONCE(queue->napi.weight, xcc_chan_weight(ch, work_done));
		return false;
	}
	queue->xcc.rx_bytes = bytes;
	r = xcc_chan_complete(ch, work_done, delta);
	WRITE_ONCE(queue->napi.weight, ch->ctl.weight);
	if (r == XCC_REARM_AHEAD)
		WRITE_ONCE(queue->xcc.rx_dist,
			   xcc_event_distance(&ch->ctl, RING_SIZE(&queue->tx)));
	return r == XCC_REARM_LATER;
}

/**
 * xcc_nb_final_check() - RING_FINAL_CHECK_FOR_REQUESTS with a distance
 * @queue: the queue
 *
 * Asks for the next interrupt rx_dist requests ahead (1: exactly the
 * stock final check). With a distance above 1, fewer waiting requests
 * than the distance are left to the lever's timer, which is armed after
 * the event index is written, so a far event never lacks a timer.
 *
 * Return: non-zero if the poll must run now.
 */
int xcc_nb_final_check(struct xenvif_queue *queue)
{
	struct xen_netif_tx_back_ring *ring = &queue->tx;
	u32 dist = READ_ONCE(queue->xcc.rx_dist);
	int more;

	if (dist <= 1) {
		RING_FINAL_CHECK_FOR_REQUESTS(ring, more);
		return more;
	}
	WRITE_ONCE(queue->xcc.rx_dist, 1);
	ring->sring->req_event = ring->req_cons + dist;
	virt_mb(); /* frontend sees the event before we look at req_prod */
	if (RING_HAS_UNCONSUMED_REQUESTS(ring) >= dist)
		return 1;
	xcc_chan_arm(&queue->xcc.rx);
	return 0;
}

/**
 * xcc_nb_rx_batch() - skbs the guest-RX kthread moves in one cycle
 * @queue: the queue, in its guest-RX kthread
 *
 * What the previous cycle moved is counted in response slots (the
 * kthread is their only producer).
 *
 * Return: 1..64 (64 is the stock RX_BATCH_SIZE).
 */
unsigned int xcc_nb_rx_batch(struct xenvif_queue *queue)
{
	RING_IDX prod = queue->rx.rsp_prod_pvt;
	u32 moved = prod - queue->xcc.tx_cycle;

	queue->xcc.tx_cycle = prod;
	return xcc_chan_batch(&queue->xcc.tx, moved);
}

/* ---- ethtool and debugfs ---------------------------------------------- */

int xcc_nb_sset_count(struct net_device *dev)
{
	return dev->num_tx_queues * XCC_NB_LEVERS * XCC_CHAN_NSTATS;
}

void xcc_nb_strings(struct net_device *dev, u8 *data)
{
	unsigned int q;

	for (q = 0; q < dev->num_tx_queues; q++) {
		xcc_chan_strings(&data, q, "rx");
		xcc_chan_strings(&data, q, "tx");
		xcc_chan_strings(&data, q, "txc");
	}
}

void xcc_nb_stats(struct net_device *dev, u64 *data)
{
	struct xenvif *vif = netdev_priv(dev);
	unsigned int q, n, i;

	rcu_read_lock();
	n = READ_ONCE(vif->num_queues);
	for (q = 0; q < dev->num_tx_queues; q++) {
		if (q < n) {
			xcc_chan_stats(&data, &vif->queues[q].xcc.rx);
			xcc_chan_stats(&data, &vif->queues[q].xcc.tx);
			xcc_chan_stats(&data, &vif->queues[q].xcc.txc);
			continue;
		}
		for (i = 0; i < XCC_NB_LEVERS; i++)
			xcc_chan_stats_absent(&data);
	}
	rcu_read_unlock();
}

void xcc_nb_seq_show(struct seq_file *m, struct xenvif_queue *queue)
{
	seq_puts(m, "\n");
	xcc_chan_seq_show(m, "rx", &queue->xcc.rx);
	xcc_chan_seq_show(m, "tx", &queue->xcc.tx);
	xcc_chan_seq_show(m, "txc", &queue->xcc.txc);
	seq_printf(m, "xcc rx: event distance %u\n",
		   READ_ONCE(queue->xcc.rx_dist));
}
