/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xcc glue for xen-netfront: where the controller meets the frontend's
 * queues. The hooks named here are called from the patched driver
 * (patches/6.1/, the xen-netfront ones); each is one line there. The driver's
 * structures are private to xen-netfront.c, so a queue hands its ring,
 * NAPI and irq fields over once, at xcc_nf_queue_init().
 *
 * Levers of a queue, by the eth device's ethtool naming:
 *  rx - consumer: the guest's own RX interrupts (NAPI poll, RX response
 *       ring event index ahead, or polling from the lever's timer);
 *  tx - producer: notifications to the backend for frames the guest
 *       sends (xmit_more batching, held notification).
 */
#ifndef _XCC_NETFRONT_H
#define _XCC_NETFRONT_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <xen/interface/io/netif.h>

#include "xcc_glue.h"

/**
 * struct xcc_nf_queue - controller state of one netfront queue
 * @rx: consumer lever for RX responses
 * @tx: producer lever for TX requests
 * @napi: the queue's NAPI context
 * @rx_ring: the queue's RX front ring
 * @tx_ring: the queue's TX front ring
 * @tx_irq: where the driver keeps the TX irq number
 * @rx_irq: where the driver keeps the RX irq number
 * @tx_lock: the driver's lock around TX request production
 * @rx_bytes: bytes of the RX frames since the last completed poll (0:
 *	not counted)
 * @tx_bytes: bytes of the packets queued since the last TX push, under
 *	@tx_lock
 */
struct xcc_nf_queue {
	struct xcc_chan rx;
	struct xcc_chan tx;
	struct napi_struct *napi;
	struct xen_netif_rx_front_ring *rx_ring;
	struct xen_netif_tx_front_ring *tx_ring;
	unsigned int *tx_irq;
	unsigned int *rx_irq;
	spinlock_t *tx_lock;	/* the driver's, not ours */
	u32 rx_bytes;
	u32 tx_bytes;
};

void xcc_nf_queue_init(struct xcc_nf_queue *x, struct net_device *dev,
		       unsigned int queue, struct napi_struct *napi,
		       struct xen_netif_rx_front_ring *rx_ring,
		       struct xen_netif_tx_front_ring *tx_ring,
		       unsigned int *tx_irq, unsigned int *rx_irq,
		       spinlock_t *tx_lock);	/* the driver's lock */
void xcc_nf_queue_down(struct xcc_nf_queue *x);
void xcc_nf_tx_stop(struct xcc_nf_queue *x);
void xcc_nf_rx_stop(struct xcc_nf_queue *x);

void xcc_nf_rx_count(struct xcc_nf_queue *x, struct sk_buff_head *rxq);
void xcc_nf_rx_poll(struct xcc_nf_queue *x, int work_done, int budget);
int xcc_nf_rx_rearm(struct xcc_nf_queue *x, int work_done);
bool xcc_nf_tx_hold(struct xcc_nf_queue *x, unsigned int len,
		    bool slot_available);
bool xcc_nf_tx_push(struct xcc_nf_queue *x, int notify);

void xcc_nf_sysfs_add(struct net_device *dev);
void xcc_nf_sysfs_del(struct net_device *dev);
int xcc_nf_sset_count(struct net_device *dev);
void xcc_nf_strings(struct net_device *dev, u8 *data);
void xcc_nf_stats(struct net_device *dev, u64 *data);

/*
 * Provided by the patched xen-netfront.c, called under RTNL (which
 * guards the queue array; ethtool and sysfs hold it).
 */
struct xcc_nf_queue *xcc_nf_queue(struct net_device *dev, unsigned int i);

#endif /* _XCC_NETFRONT_H */
