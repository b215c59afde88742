/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xcc - interrupt coalescing controller for paravirtual network rings.
 *
 * Pure decision logic: no Xen, no netdev, no locks, no timers. The
 * driver glue hands it the facts of a poll cycle or a ring push and the
 * current time; it answers with the notification delay, the frame
 * threshold and the poll weight to use, and with what to do about a
 * notification the peer is waiting for. All effects (timers, event
 * channel sends, ring event indexes) happen in the glue.
 *
 * The same file builds in the kernel and in userspace (unit tests,
 * simulator); see selftests/unit/shim/ for the userspace headers.
 */
#ifndef _XCC_H
#define _XCC_H

#include <linux/types.h>

/* Hard limits of the settings; the glue may enforce a lower usecs cap. */
#define XCC_USECS_MAX		10000U
#define XCC_FRAMES_MAX		256U
#define XCC_WEIGHT_MAX		64U
#define XCC_WEIGHT_MIN		1U
#define XCC_BUDGET_MAX		100000U

/* Weight of an adaptive lever's cycles while it adds no delay. */
#define XCC_WEIGHT_LAT		16U

/* Defaults of the adaptive policy's bounds. */
#define XCC_DEF_USECS_LOW	4U
#define XCC_DEF_USECS_HIGH	32U
#define XCC_DEF_PKT_RATE_LOW	1000U
#define XCC_DEF_PKT_RATE_HIGH	1000000U

/**
 * enum xcc_policy - how the notification delay of a channel is chosen
 * @XCC_POLICY_OFF: no coalescing; behave exactly like the stock driver.
 * @XCC_POLICY_STATIC: use the configured @usecs and @frames as they are.
 * @XCC_POLICY_DIM: a DIM-style hill climber over a profile table (the
 *	Linux lib/dim algorithm, as a baseline).
 * @XCC_POLICY_ADAPTIVE: the xcc adaptive controller.
 * @XCC_POLICY_NR: number of policies.
 *
 * The policy is derived from the settings (see xcc_params_policy()): it
 * is never stored separately, so the two cannot disagree.
 */
enum xcc_policy {
	XCC_POLICY_OFF,
	XCC_POLICY_STATIC,
	XCC_POLICY_DIM,
	XCC_POLICY_ADAPTIVE,
	XCC_POLICY_NR,
};

/**
 * enum xcc_adapt - which adaptive policy, if any, chooses the delay
 * @XCC_ADAPT_NONE: none: static (or off) settings.
 * @XCC_ADAPT_DIM: the DIM-style baseline.
 * @XCC_ADAPT_OURS: the xcc adaptive controller (ethtool adaptive-rx/tx).
 * @XCC_ADAPT_NR: number of values.
 */
enum xcc_adapt {
	XCC_ADAPT_NONE,
	XCC_ADAPT_DIM,
	XCC_ADAPT_OURS,
	XCC_ADAPT_NR,
};

/**
 * struct xcc_params - settings of one direction of one device or queue
 * @usecs: longest delay added to a notification (producer side) or to
 *	the re-arm of the own interrupt (consumer side); 0 = no delay.
 * @frames: notify once this many frames are pending, even before
 *	@usecs; 0 or 1 = no frame threshold. Needs @usecs > 0.
 * @weight: per-poll cap on the frames handled in one cycle (the NAPI
 *	weight, or the batch of a kthread cycle), 1..64; the adaptive
 *	policy may use less (xcc_ctl_weight()).
 * @adapt: &enum xcc_adapt; with an adaptive policy @usecs and @frames
 *	are chosen by the controller and the fields below bound it.
 * @usecs_low: adaptive: smallest non-zero delay it uses.
 * @usecs_high: adaptive: largest delay it uses on this lever.
 * @pkt_rate_low: adaptive: packets per second below which it adds no
 *	delay.
 * @pkt_rate_high: adaptive: packets per second from which it may use
 *	@usecs_high.
 * @budget_usecs: latency budget of a path through this device, all
 *	stages together (physical NIC, this lever, the peer's); 0 = none.
 * @nic_usecs: delay the physical NIC already adds on the path.
 *
 * These map to ethtool's rx/tx-usecs, rx/tx-frames, adaptive-rx/tx,
 * rx/tx-usecs-low/high and pkt-rate-low/high. Writers go through
 * xcc_params_check() first; readers in the datapath take a snapshot with
 * READ_ONCE() per field.
 */
struct xcc_params {
	u32 usecs;
	u32 frames;
	u32 weight;
	u32 adapt;
	u32 usecs_low;
	u32 usecs_high;
	u32 pkt_rate_low;
	u32 pkt_rate_high;
	u32 budget_usecs;
	u32 nic_usecs;
};

/**
 * struct xcc_stats - counters of one channel (one lever of one queue)
 * @notify_sent: producer: notifications sent to the peer.
 * @notify_deferred: producer: pushes whose notification was held back;
 *	consumer: cycles whose re-arm was deferred to the timer.
 * @timer_flush: producer: held notifications sent when the timer
 *	expired; consumer: timer expiries that found work.
 * @frame_hits: producer: held notifications sent early because the
 *	frame threshold was reached; consumer: re-arms with an event
 *	index more than one frame ahead.
 * @spurious_avoided: producer: timer expiries that found the peer no
 *	longer waiting, so no content-free event was sent; consumer: timer
 *	expiries that found no work and re-armed per frame.
 * @cycles: poll cycles (consumer) or ring pushes (producer) seen.
 * @frames: frames handled in those cycles or pushes.
 *
 * Counters only grow; they are updated under the channel's own
 * serialisation (lock or single context) and read without it.
 */
struct xcc_stats {
	u64 notify_sent;
	u64 notify_deferred;
	u64 timer_flush;
	u64 frame_hits;
	u64 spurious_avoided;
	u64 cycles;
	u64 frames;
};

/**
 * xcc_stats_saved() - notifications avoided by a producer channel
 * @s: the channel's counters
 *
 * Every deferred push would have been a notification of its own in the
 * worst case; those that did not end in a notification were saved.
 *
 * Return: notify_deferred - timer_flush - frame_hits, or 0.
 */
static inline u64 xcc_stats_saved(const struct xcc_stats *s)
{
	u64 paid = s->timer_flush + s->frame_hits;

	return s->notify_deferred > paid ? s->notify_deferred - paid : 0;
}

/**
 * struct xcc_dim - state of the DIM-style baseline (see xcc_dim.c)
 * @start_ns: time the current measurement window started
 * @start_frames: frame counter at the start of the window
 * @start_bytes: byte counter at the start of the window
 * @start_events: event counter at the start of the window
 * @prev_fpms: frames per ms of the last window compared against
 * @prev_bpms: bytes per ms of that window
 * @prev_epms: events per ms of that window (x1000)
 * @measuring: a window is open
 * @profile: index into the profile table in use
 * @state: tuning state (going left/right, parked on top or tired)
 * @steps_left: steps taken to the left in the current direction
 * @steps_right: steps taken to the right in the current direction
 * @tired: steps since the last park, or windows left to rest
 */
struct xcc_dim {
	u64 start_ns;
	u64 start_frames;
	u64 start_bytes;
	u64 start_events;
	u64 prev_fpms;
	u64 prev_bpms;
	u64 prev_epms;
	bool measuring;
	u8 profile;
	u8 state;
	u8 steps_left;
	u8 steps_right;
	u8 tired;
};

/**
 * struct xcc_adaptive - state of the xcc adaptive policy (see xcc_adapt.c)
 * @win_start_ns: time the current window started
 * @last_ns: time of the last frame or event (idle detection)
 * @win_frames: frames seen in the window
 * @win_events: events (interrupts caused or taken) in the window
 * @ref_rate: frames per second measured with no delay
 * @ref_batch16: frames per event measured with no delay, x16
 * @hold_rate: frames per second under the delay (last HOLD window)
 * @hold_usecs: delay to return to after a CHECK window
 * @retreat_rate: @ref_rate when the policy last gave a delay up
 * @retreat_batch16: @ref_batch16 then
 * @backoff: windows to wait before the next probe
 * @backoff_len: length of the last backoff (0: none yet)
 * @phase: MEASURE, PROBE, HOLD or CHECK
 * @votes: consecutive windows asking for a probe
 * @windows: HOLD windows since the last CHECK
 */
struct xcc_adaptive {
	u64 win_start_ns;
	u64 last_ns;
	u32 win_frames;
	u32 win_events;
	u32 ref_rate;
	u32 ref_batch16;
	u32 hold_rate;
	u32 hold_usecs;
	u32 retreat_rate;
	u32 retreat_batch16;
	u16 backoff;
	u16 backoff_len;
	u8 phase;
	u8 votes;
	u8 windows;
};

/**
 * struct xcc_ctl - per-channel controller state
 * @params: settings in effect for this channel (per-queue copy).
 * @usecs: delay chosen for the next cycle.
 * @frames: frame threshold chosen for the next cycle (1 = none).
 * @weight: weight of the next cycle (see xcc_ctl_weight()).
 * @weight_nodelay: weight of a cycle with no delay in effect
 *	(XCC_WEIGHT_LAT under the adaptive policy), derived from @params.
 * @stats: counters.
 * @bytes: bytes seen (when the glue knows them).
 * @events: notifications sent (producer) or polls with work (consumer):
 *	the interrupts this lever causes or takes.
 * @late_ns: how late the lever's timer fires, ns (an estimate of the
 *	floor, see xcc_timer_late()).
 * @dim: DIM-style baseline state.
 * @ad: adaptive policy state.
 */
struct xcc_ctl {
	struct xcc_params params;
	u32 usecs;
	u32 frames;
	u32 weight;
	u32 weight_nodelay;
	struct xcc_stats stats;
	u64 bytes;
	u64 events;
	u32 late_ns;
	struct xcc_dim dim;
	struct xcc_adaptive ad;
};

/*
 * The adaptive policy's measurement windows (see xcc_adapt.c): at least
 * XCC_AD_WIN_EVENTS events and XCC_AD_WIN_FRAMES frames, or four times
 * as many events when events carry few frames.
 */
#define XCC_AD_WIN_EVENTS	8
#define XCC_AD_WIN_FRAMES	32

/**
 * enum xcc_ad_phase - where the adaptive policy stands (see xcc_adapt.c)
 * @XCC_AD_MEASURE: no delay; measuring the reference rate
 * @XCC_AD_PROBE: one short window with a trial delay
 * @XCC_AD_HOLD: a delay in effect while the rate holds
 * @XCC_AD_CHECK: one short window without the delay
 */
enum xcc_ad_phase {
	XCC_AD_MEASURE,
	XCC_AD_PROBE,
	XCC_AD_HOLD,
	XCC_AD_CHECK,
};

/* A window with @events and @frames can close (@need events at least). */
static inline bool xcc_adapt_counted(u64 events, u64 frames, u32 need)
{
	return events >= need &&
	       (frames >= XCC_AD_WIN_FRAMES || events >= 4 * need);
}

/**
 * xcc_ctl_wants_clock() - whether the next update of a channel needs the time
 * @c: channel
 * @frames: most frames the update can bring
 * @event: the update can bring an event (an interrupt caused or taken)
 *
 * Reading the clock is the dearest part of an update under a hypervisor;
 * the glue asks first and passes 0 as the time when it is not needed.
 * Static settings never need it, the DIM baseline at events, the
 * adaptive policy in MEASURE (no delay in effect) only when a window may
 * close, in its other phases at every update (idle detection).
 *
 * Return: true if the next push, expiry or poll completion of @c needs a
 * real time.
 */
static inline bool xcc_ctl_wants_clock(const struct xcc_ctl *c, u32 frames,
				       bool event)
{
	const struct xcc_adaptive *a = &c->ad;

	switch (c->params.adapt) {
	case XCC_ADAPT_DIM:
		return event;
	case XCC_ADAPT_OURS:
		return a->phase != XCC_AD_MEASURE || !a->last_ns ||
		       xcc_adapt_counted((u64)a->win_events + event,
					 (u64)a->win_frames + frames,
					 XCC_AD_WIN_EVENTS);
	}
	return false;
}

/**
 * struct xcc_prod - producer-side notification deferral of one ring
 * @prod: last producer index this side published (private copy: the
 *	shared page is writable by the peer and is never trusted).
 * @base: producer index up to which every wanted notification has
 *	been delivered or found unnecessary.
 * @pending: frames published since a notification became owed.
 * @owed: a notification is being held back.
 *
 * Serialised by the glue (a lock shared by the push path and the timer).
 */
struct xcc_prod {
	u32 prod;
	u32 base;
	u32 pending;
	bool owed;
};

/**
 * enum xcc_verdict - what the glue does after a ring push
 * @XCC_QUIET: nothing to send now (the peer does not wait, or a held
 *	notification's timer is already running).
 * @XCC_NOTIFY: notify the peer now; if a timer is running it may be
 *	cancelled (a late expiry finds nothing owed and sends nothing).
 * @XCC_ARM: a notification is now held back; start the timer for the
 *	channel's delay. Exactly one ARM is returned per held episode.
 */
enum xcc_verdict {
	XCC_QUIET,
	XCC_NOTIFY,
	XCC_ARM,
};

const char *xcc_params_check(const struct xcc_params *p, u32 max_usecs);
enum xcc_policy xcc_params_policy(const struct xcc_params *p);
void xcc_ctl_init(struct xcc_ctl *c, const struct xcc_params *p);
void xcc_ctl_set(struct xcc_ctl *c, const struct xcc_params *p);

void xcc_prod_reset(struct xcc_prod *p, u32 prod);
enum xcc_verdict xcc_prod_push(struct xcc_prod *p, struct xcc_ctl *c,
			       u32 new_prod, bool crossed, u32 bytes,
			       u64 now_ns);
bool xcc_prod_expire(struct xcc_prod *p, struct xcc_ctl *c, u32 event,
		     u64 now_ns);

/**
 * enum xcc_rearm - how a consumer re-arms its own interrupt after a poll
 * @XCC_REARM_NOW: ask for an event on the next frame, as the stock
 *	driver does.
 * @XCC_REARM_AHEAD: ask for an event xcc_event_distance() frames ahead,
 *	and start the channel timer as the time bound.
 * @XCC_REARM_LATER: do not re-arm yet (events stay masked or the event
 *	index stays behind); start the channel timer, which polls and then
 *	re-arms per frame if the poll finds nothing.
 */
enum xcc_rearm {
	XCC_REARM_NOW,
	XCC_REARM_AHEAD,
	XCC_REARM_LATER,
};

enum xcc_rearm xcc_cons_complete(struct xcc_ctl *c, u32 work, u32 bytes,
				 u64 now_ns);
void xcc_cons_expire(struct xcc_ctl *c, bool found_work);
u32 xcc_ctl_weight(struct xcc_ctl *c, u32 work);
void xcc_timer_late(struct xcc_ctl *c, u64 late_ns);
u32 xcc_event_distance(const struct xcc_ctl *c, u32 reachable);

u32 xcc_cap_usecs(const struct xcc_params *p);
void xcc_dim_reset(struct xcc_ctl *c);
void xcc_dim_update(struct xcc_ctl *c, u64 now_ns);
void xcc_adapt_reset(struct xcc_ctl *c);
void xcc_adapt_update(struct xcc_ctl *c, u32 frames, bool event, u64 now_ns);

#endif /* _XCC_H */
