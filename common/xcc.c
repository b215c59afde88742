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
	return NULL;
}

/**
 * xcc_params_policy() - the policy that settings select
 * @p: validated settings
 *
 * Return: %XCC_POLICY_OFF when no delay is configured, else
 * %XCC_POLICY_STATIC.
 */
enum xcc_policy xcc_params_policy(const struct xcc_params *p)
{
	return p->usecs ? XCC_POLICY_STATIC : XCC_POLICY_OFF;
}

/**
 * xcc_ctl_set() - apply new settings to a channel, keeping its counters
 * @c: channel
 * @p: validated settings
 *
 * Takes effect from the next cycle or push. A notification already held
 * back keeps its timer; a push that finds the delay now 0 sends it.
 */
void xcc_ctl_set(struct xcc_ctl *c, const struct xcc_params *p)
{
	c->params = *p;
	c->usecs = p->usecs;
	c->frames = p->frames > 1 ? p->frames : 1;
	c->weight = p->weight;
}

/**
 * xcc_ctl_init() - initialise a channel
 * @c: channel
 * @p: validated settings
 */
void xcc_ctl_init(struct xcc_ctl *c, const struct xcc_params *p)
{
	*c = (struct xcc_ctl){};
	xcc_ctl_set(c, p);
}

/**
 * xcc_cycle() - account one poll cycle and choose the next settings
 * @c: channel
 * @frames: frames handled in the cycle
 * @now_ns: monotonic time of the end of the cycle
 *
 * The static and off policies use the configured values as they are.
 */
void xcc_cycle(struct xcc_ctl *c, u32 frames, u64 now_ns)
{
	(void)now_ns;
	c->stats.cycles++;
	c->stats.frames += frames;
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
 *
 * With no delay configured this returns %XCC_NOTIFY exactly when
 * @crossed is true, which is the stock behaviour.
 *
 * Return: what the glue must do now, see &enum xcc_verdict.
 */
enum xcc_verdict xcc_prod_push(struct xcc_prod *p, struct xcc_ctl *c,
			       u32 new_prod, bool crossed)
{
	u32 n = new_prod - p->prod;

	p->prod = new_prod;
	c->stats.cycles++;
	c->stats.frames += n;

	if (!p->owed) {
		if (!crossed) {
			p->base = new_prod;
			return XCC_QUIET;
		}
		if (!c->usecs || (c->frames > 1 && n >= c->frames)) {
			xcc_prod_settle(p);
			c->stats.notify_sent++;
			return XCC_NOTIFY;
		}
		p->owed = true;
		p->pending = n;
		c->stats.notify_deferred++;
		return XCC_ARM;
	}

	if (!n)
		return XCC_QUIET;
	p->pending += n;
	c->stats.notify_deferred++;
	if (!c->usecs || (c->frames > 1 && p->pending >= c->frames)) {
		xcc_prod_settle(p);
		c->stats.frame_hits++;
		c->stats.notify_sent++;
		return XCC_NOTIFY;
	}
	return XCC_QUIET;
}

/**
 * xcc_prod_expire() - the channel timer expired, or the ring goes down
 * @p: producer state
 * @c: channel
 * @event: the peer's event index, read once from the shared page
 *
 * Re-evaluates the held notification against the peer's current event
 * index: the peer still waits if its event lies in the window published
 * since the last settled point. A peer that polled everything in the
 * meantime and re-armed beyond the producer index gets no (content-free)
 * event. Also used to flush before the interrupt is unbound.
 *
 * Return: true if the glue must notify the peer now.
 */
bool xcc_prod_expire(struct xcc_prod *p, struct xcc_ctl *c, u32 event)
{
	u32 window = p->prod - p->base;

	if (!p->owed)
		return false;
	xcc_prod_settle(p);
	if ((u32)(p->prod - event) < window) {
		c->stats.timer_flush++;
		c->stats.notify_sent++;
		return true;
	}
	c->stats.spurious_avoided++;
	return false;
}

/**
 * xcc_cons_complete() - decide how a consumer re-arms after a poll
 * @c: channel
 * @work: frames the poll handled
 * @now_ns: monotonic time
 *
 * An idle poll (@work == 0) always re-arms per frame: the controller
 * never holds back a queue that shows no traffic.
 *
 * Return: see &enum xcc_rearm.
 */
enum xcc_rearm xcc_cons_complete(struct xcc_ctl *c, u32 work, u64 now_ns)
{
	xcc_cycle(c, work, now_ns);
	if (!work || !c->usecs)
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
