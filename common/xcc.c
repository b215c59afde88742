// SPDX-License-Identifier: GPL-2.0
/*
 * xcc - interrupt coalescing controller for paravirtual network rings.
 *
 * See xcc.h for the model. Everything here is O(1), integer only, and
 * works on state the caller owns and serialises.
 */
#include "xcc.h"

/**
 * xcc_params_check() - validate settings before they are applied
 * @p: the settings
 * @max_usecs: the administrator's ceiling for @p->usecs (module
 *	parameter), itself capped at %XCC_USECS_MAX
 *
 * Return: NULL if @p may be applied, else a static message saying why
 * not (suitable for a netlink extack).
 */
const char *xcc_params_check(const struct xcc_params *p, u32 max_usecs)
{
	if (max_usecs > XCC_USECS_MAX)
		max_usecs = XCC_USECS_MAX;
	if (p->usecs > max_usecs)
		return "coalescing usecs above the module's coalesce_max_usecs";
	if (p->frames > XCC_FRAMES_MAX)
		return "coalescing frames above 256";
	if (p->frames > 1 && !p->usecs)
		return "coalescing frames need usecs > 0 as a time bound";
	if (p->weight < XCC_WEIGHT_MIN || p->weight > XCC_WEIGHT_MAX)
		return "poll weight must be 1..64";
	if (p->adapt >= XCC_ADAPT_NR)
		return "unknown adaptive policy";
	if (p->usecs_high > max_usecs)
		return "coalescing usecs-high above the module's coalesce_max_usecs";
	if (p->usecs_low > p->usecs_high)
		return "coalescing usecs-low above usecs-high";
	if (p->pkt_rate_low > p->pkt_rate_high)
		return "pkt-rate-low above pkt-rate-high";
	if (p->budget_usecs > XCC_BUDGET_MAX || p->nic_usecs > XCC_BUDGET_MAX)
		return "latency budget or NIC delay above 100000 us";
	return NULL;
}

/**
 * xcc_params_policy() - the policy that settings select
 * @p: validated settings
 *
 * Return: %XCC_POLICY_DIM or %XCC_POLICY_ADAPTIVE when an adaptive
 * policy chooses the settings, else %XCC_POLICY_OFF when no delay is
 * configured and %XCC_POLICY_STATIC when one is.
 */
enum xcc_policy xcc_params_policy(const struct xcc_params *p)
{
	if (p->adapt == XCC_ADAPT_DIM)
		return XCC_POLICY_DIM;
	if (p->adapt == XCC_ADAPT_OURS)
		return XCC_POLICY_ADAPTIVE;
	return p->usecs ? XCC_POLICY_STATIC : XCC_POLICY_OFF;
}

/**
 * xcc_cap_usecs() - the largest delay an adaptive policy may add
 * @p: settings
 *
 * @usecs_high, and with a latency budget the share of it left to this
 * lever: the budget minus the NIC's delay, split evenly between the two
 * coalescing stages of a path (this device's lever and its peer's).
 *
 * Return: the cap in microseconds (0: no delay allowed).
 */
u32 xcc_cap_usecs(const struct xcc_params *p)
{
	u32 cap = p->usecs_high, share;

	if (p->budget_usecs) {
		share = p->budget_usecs > p->nic_usecs ?
			(p->budget_usecs - p->nic_usecs) / 2 : 0;
		if (share < cap)
			cap = share;
	}
	return cap;
}

/**
 * xcc_ctl_set() - apply new settings to a channel, keeping its counters
 * @c: channel
 * @p: validated settings
 *
 * Takes effect from the next cycle or push. A notification already held
 * back keeps its timer; a push that finds the delay now 0 sends it.
 * Switching policy starts the new one from its initial state; changing
 * the bounds of an adaptive policy keeps what it learnt, clamped.
 */
void xcc_ctl_set(struct xcc_ctl *c, const struct xcc_params *p)
{
	bool switched = c->params.adapt != p->adapt;

	c->params = *p;
	c->weight = p->weight;
	c->weight_nodelay = p->adapt == XCC_ADAPT_OURS &&
			    p->weight > XCC_WEIGHT_LAT ? XCC_WEIGHT_LAT : p->weight;
	switch (p->adapt) {
	case XCC_ADAPT_DIM:
		if (switched)
			xcc_dim_reset(c);
		break;
	case XCC_ADAPT_OURS:
		if (switched)
			xcc_adapt_reset(c);
		if (c->usecs > xcc_cap_usecs(p))
			c->usecs = xcc_cap_usecs(p);
		break;
	default:
		c->usecs = p->usecs;
		c->frames = p->frames > 1 ? p->frames : 1;
		break;
	}
}

/**
 * xcc_ctl_init() - initialise a channel
 * @c: channel
 * @p: validated settings
 */
void xcc_ctl_init(struct xcc_ctl *c, const struct xcc_params *p)
{
	*c = (struct xcc_ctl){ .params.adapt = XCC_ADAPT_NR };
	xcc_ctl_set(c, p);
}

/*
 * Account frames and the interrupts (events) this lever caused or took,
 * and let the adaptive policy, if any, choose the next settings.
 */
static void xcc_account(struct xcc_ctl *c, u32 frames, u32 bytes, bool event,
			u64 now_ns)
{
	c->stats.frames += frames;
	c->bytes += bytes;
	c->events += event;
	switch (c->params.adapt) {
	case XCC_ADAPT_DIM:
		if (event)
			xcc_dim_update(c, now_ns);
		break;
	case XCC_ADAPT_OURS:
		xcc_adapt_update(c, frames, event, now_ns);
		break;
	}
}

/**
 * xcc_prod_reset() - forget any held notification
 * @p: producer state
 * @prod: the producer index published so far
 *
 * Only for a ring that is (re)attached, when no timer can be running.
 */
void xcc_prod_reset(struct xcc_prod *p, u32 prod)
{
	*p = (struct xcc_prod){ .prod = prod, .base = prod };
}

static void xcc_prod_settle(struct xcc_prod *p)
{
	p->owed = false;
	p->base = p->prod;
	p->pending = 0;
}

/**
 * xcc_prod_push() - decide about the notification of a ring push
 * @p: producer state
 * @c: channel (settings in effect, counters)
 * @new_prod: producer index just published (the private copy)
 * @crossed: the push crossed the peer's event index (the result of
 *	RING_PUSH_*_AND_CHECK_NOTIFY), i.e. the peer asked to be woken
 * @bytes: bytes in the pushed frames, 0 if the glue does not know them
 * @now_ns: monotonic time
 *
 * With no delay configured this returns %XCC_NOTIFY exactly when
 * @crossed is true, which is the stock behaviour.
 *
 * Return: what the glue must do now, see &enum xcc_verdict.
 */
enum xcc_verdict xcc_prod_push(struct xcc_prod *p, struct xcc_ctl *c,
			       u32 new_prod, bool crossed, u32 bytes,
			       u64 now_ns)
{
	u32 n = new_prod - p->prod;
	enum xcc_verdict v = XCC_QUIET;

	p->prod = new_prod;
	c->stats.cycles++;

	if (!p->owed) {
		if (!crossed) {
			p->base = new_prod;
		} else if (!c->usecs || (c->frames > 1 && n >= c->frames)) {
			xcc_prod_settle(p);
			c->stats.notify_sent++;
			v = XCC_NOTIFY;
		} else {
			p->owed = true;
			p->pending = n;
			c->stats.notify_deferred++;
			v = XCC_ARM;
		}
	} else if (n) {
		p->pending += n;
		c->stats.notify_deferred++;
		if (!c->usecs || (c->frames > 1 && p->pending >= c->frames)) {
			xcc_prod_settle(p);
			c->stats.frame_hits++;
			c->stats.notify_sent++;
			v = XCC_NOTIFY;
		}
	}
	xcc_account(c, n, bytes, v == XCC_NOTIFY, now_ns);
	return v;
}

/**
 * xcc_prod_expire() - the channel timer expired, or the ring goes down
 * @p: producer state
 * @c: channel
 * @event: the peer's event index, read once from the shared page
 * @now_ns: monotonic time
 *
 * Re-evaluates the held notification against the peer's current event
 * index: the peer still waits if its event lies in the window published
 * since the last settled point. A peer that polled everything in the
 * meantime and re-armed beyond the producer index gets no (content-free)
 * event. Also used to flush before the interrupt is unbound.
 *
 * Return: true if the glue must notify the peer now.
 */
bool xcc_prod_expire(struct xcc_prod *p, struct xcc_ctl *c, u32 event,
		     u64 now_ns)
{
	u32 window = p->prod - p->base;
	bool notify;

	if (!p->owed)
		return false;
	xcc_prod_settle(p);
	notify = (u32)(p->prod - event) < window;
	if (notify) {
		c->stats.timer_flush++;
		c->stats.notify_sent++;
	} else {
		c->stats.spurious_avoided++;
	}
	xcc_account(c, 0, 0, notify, now_ns);
	return notify;
}

/**
 * xcc_cons_complete() - decide how a consumer re-arms after a poll
 * @c: channel
 * @work: frames the poll handled
 * @bytes: bytes in those frames, 0 if the glue does not know them
 * @now_ns: monotonic time
 *
 * An idle poll (@work == 0) always re-arms per frame: the controller
 * never holds back a queue that shows no traffic. Also chooses the
 * weight of the next poll (@c->weight, see xcc_ctl_weight()).
 *
 * Return: see &enum xcc_rearm.
 */
enum xcc_rearm xcc_cons_complete(struct xcc_ctl *c, u32 work, u32 bytes,
				 u64 now_ns)
{
	c->stats.cycles++;
	xcc_account(c, work, bytes, work > 0, now_ns);
	/* the next poll's weight: a completing poll had no backlog */
	if (!c->usecs) {
		c->weight = c->weight_nodelay;
		return XCC_REARM_NOW;
	}
	c->weight = c->params.weight;
	if (!work)
		return XCC_REARM_NOW;
	if (c->frames > 1) {
		c->stats.frame_hits++;
		return XCC_REARM_AHEAD;
	}
	c->stats.notify_deferred++;
	return XCC_REARM_LATER;
}

/**
 * xcc_cons_expire() - account a consumer timer expiry
 * @c: channel
 * @found_work: the ring had unconsumed entries at expiry
 */
void xcc_cons_expire(struct xcc_ctl *c, bool found_work)
{
	if (found_work)
		c->stats.timer_flush++;
	else
		c->stats.spurious_avoided++;
}

/**
 * xcc_ctl_weight() - choose the weight of a lever's next cycle
 * @c: channel
 * @work: frames the cycle that just ended handled (a NAPI poll, full or
 *	not, or a guest-RX kthread cycle)
 *
 * A cycle delivers its frames at its end (netfront hands a poll's frames
 * to the stack after the poll, netback copies a poll's requests in one
 * grant-copy batch, the guest-RX kthread pushes its responses after the
 * batch), so the first frame of a 64-frame cycle waits for the other 63,
 * and a NAPI instance on the same CPU waits for all of them. Where the
 * adaptive policy adds no delay (latency-sensitive or not yet measured
 * traffic) the lever works in bites of XCC_WEIGHT_LAT frames; a cycle
 * that used its whole weight found a backlog, and the next one may take
 * the configured weight. With a delay in effect (the traffic batches
 * anyway) and under every other policy it is the configured weight,
 * which stays the upper bound (stock: 64).
 *
 * Return: the weight, 1..64; also kept in @c->weight.
 */
u32 xcc_ctl_weight(struct xcc_ctl *c, u32 work)
{
	c->weight = c->usecs || work >= c->weight ? c->params.weight :
		    c->weight_nodelay;
	return c->weight;
}

/* Longest lateness worth tracking: beyond any delay a lever may add. */
#define XCC_LATE_MAX_NS		(XCC_USECS_MAX * 1000U)

/**
 * xcc_timer_late() - account how late the lever's timer fired
 * @c: channel
 * @late_ns: time between the timer's due time and its callback
 *
 * A hypervisor's timer slop or a softirq that runs after a long poll
 * fires a timer after its due time; a held notification then waits its
 * delay plus that lateness. The estimate follows the floor of the
 * samples (it rises by a sixteenth of a larger sample and falls by half
 * of a smaller one), the part of the lateness every timer pays, for the
 * operator to see next to the delay (ethtool -S timer_late_ns).
 */
void xcc_timer_late(struct xcc_ctl *c, u64 late_ns)
{
	u32 s = late_ns < XCC_LATE_MAX_NS ? (u32)late_ns : XCC_LATE_MAX_NS;

	if (s > c->late_ns)
		c->late_ns += (s - c->late_ns + 15) / 16;
	else
		c->late_ns -= (c->late_ns - s) / 2;
}

/**
 * xcc_event_distance() - how far ahead a consumer sets its event index
 * @c: channel
 * @reachable: entries the peer can still produce without new space
 *	(posted buffers, or free requests); a larger distance would never
 *	be crossed
 *
 * Return: the distance, between 1 and the frame threshold.
 */
u32 xcc_event_distance(const struct xcc_ctl *c, u32 reachable)
{
	u32 n = c->frames;

	if (n > reachable)
		n = reachable;
	return n ? n : 1;
}
