/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xcc glue for xen-netback: where the controller meets the backend's
 * queues. The hooks named here are called from the patched driver
 * (patches/6.1/, the xen-netback ones); each is one line there.
 *
 * Levers of a queue, by the vif's ethtool naming:
 *  rx  - consumer: dom0's own interrupts for frames the guest sends
 *        (NAPI poll, TX request ring event index, deferred re-arm);
 *  tx  - producer: notifications to the guest for frames delivered to
 *        it (guest-RX kthread, RX response ring);
 *  txc - producer: notifications to the guest for TX completions
 *        (NAPI and dealloc kthread, TX response ring).
 */
#ifndef _XCC_NETBACK_H
#define _XCC_NETBACK_H

#include <linux/ethtool.h>
#include <linux/seq_file.h>

#include "xcc_glue.h"

struct xenvif;
struct xenvif_queue;

/**
 * struct xcc_nb_queue - controller state of one netback queue
 * @rx: consumer lever for guest TX requests
 * @tx: producer lever for the guest-RX response ring
 * @txc: producer lever for the TX response ring
 * @rx_dist: event distance for the next TX request re-arm
 * @rx_bytes: guest TX bytes accounted to @rx so far
 * @tx_bytes: guest RX bytes accounted to @tx so far
 * @tx_cycle: guest-RX response producer index when the kthread's
 *	current cycle started
 */
struct xcc_nb_queue {
	struct xcc_chan rx;
	struct xcc_chan tx;
	struct xcc_chan txc;
	u32 rx_dist;
	u32 tx_cycle;
	u64 rx_bytes;
	u64 tx_bytes;
};

void xcc_nb_vif_init(struct xenvif *vif);
void xcc_nb_queue_init(struct xenvif_queue *queue);
void xcc_nb_queue_start(struct xenvif_queue *queue);
void xcc_nb_queue_down(struct xenvif_queue *queue);
void xcc_nb_queue_stop(struct xenvif_queue *queue);

bool xcc_nb_txc_push(struct xenvif_queue *queue, int notify);
bool xcc_nb_rx_push(struct xenvif_queue *queue, int notify);
bool xcc_nb_poll(struct xenvif_queue *queue, int work_done, int budget);
int xcc_nb_final_check(struct xenvif_queue *queue);
unsigned int xcc_nb_rx_batch(struct xenvif_queue *queue);

int xcc_nb_sset_count(struct net_device *dev);
void xcc_nb_strings(struct net_device *dev, u8 *data);
void xcc_nb_stats(struct net_device *dev, u64 *data);
void xcc_nb_seq_show(struct seq_file *m, struct xenvif_queue *queue);

#endif /* _XCC_NETBACK_H */
