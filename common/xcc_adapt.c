// SPDX-License-Identifier: GPL-2.0
/*
 * The xcc adaptive policy.
 *
 * A delay pays only when it lets several frames share one interrupt
 * without slowing the flow down. A bulk flow keeps its rate (the sender
 * keeps the ring busy) while its frames pile up behind the delay. A
 * closed-loop request/response flow does not: with N requests in
 * flight, each delayed frame delays the next request, so its rate falls
 * as the delay grows, and whatever batching appears is made by the
 * delay itself. The policy tells the two apart by trying a delay and
 * watching the rate, in windows of a few events (interrupts the lever
 * takes or causes) and at least XCC_AD_WIN_FRAMES frames (reference
 * windows also XCC_AD_WIN_NS), so that rates measured with and without a
 * delay cover comparable stretches:
 *
 *  MEASURE  no delay; the window's rate and frames per event are the
 *           reference. Two windows in a row at pkt_rate_low or more,
 *           and fast enough that frames are due within the probe's delay
 *           (a single burst is not enough) start a PROBE, unless a
 *           backoff is running. A flow that changed character since the
 *           last retreat (four times as fast, or events now carrying
 *           several frames where they carried one) ends the backoff.
 *  PROBE    one short window with the delay aimed at XCC_AD_TARGET frames
 *           per event at the reference rate, at most XCC_AD_PROBE_USECS
 *           or half the cap (a probe that fails costs little), at least
 *           two frame intervals. It is kept (HOLD) only if
 *           the rate stayed within 10% of the reference and frames per
 *           event at least doubled (or reached the target, and grew by
 *           a quarter: events that carry the target already, such as
 *           GSO packets of 16 ring slots, gain nothing); otherwise
 *           back to MEASURE, and the next probe waits twice as long as
 *           the last (up to XCC_AD_BACKOFF_MAX windows). A flow that
 *           never gains pays for one short window, ever more rarely.
 *  HOLD     while the rate holds (within 5% of the reference) the delay
 *           doubles each window up to the cap: for a flow the delay does
 *           not slow, more delay only means fewer interrupts and less
 *           CPU. When the rate falls it runs a CHECK and comes back with
 *           half the delay (not below usecs_low). The frame threshold is
 *           a quarter ring (XCC_AD_FRAMES), so no ring fills behind a
 *           held notification. Under 1.5 frames per event over 8 events
 *           (the flow went sparse or request/response) it drops the
 *           delay at once. Every XCC_AD_RECHECK windows it runs a CHECK.
 *  CHECK    one short window with no delay: if the rate under the delay
 *           was more than 5% below the rate now, or below the
 *           reference (a closed loop may not be back to speed within
 *           the window), the delay was slowing the flow: back to
 *           MEASURE with a backoff that keeps growing until a CHECK
 *           passes. Otherwise back to HOLD, with the rate just measured
 *           as the new reference.
 *
 * The delay never exceeds the cap (usecs_high, or the lever's share of
 * the latency budget, see xcc_cap_usecs()). That bounds the delay it
 * sets; when the timer fires late (a hypervisor's timer slop, a softirq
 * behind a long poll) a held notification waits that much longer, which
 * the glue measures and shows (xcc_timer_late()). After XCC_AD_IDLE_NS (1 ms)
 * without frames or events the policy starts over with no delay, keeping
 * its backoff: the first frames after a pause get stock latency. A peer
 * that stops answering produces neither frames nor events on the lever,
 * so nothing is decided from its silence. Everything is O(1) integer arithmetic; divisions
 * happen once per window.
 */
#include "xcc.h"

#define XCC_AD_PROBE_EVENTS	4
#define XCC_AD_WIN_NS		200000ULL	/* 200 us */
#define XCC_AD_IDLE_NS		1000000ULL	/* 1 ms */
#define XCC_AD_KEEP_BATCH16	24	/* 1.5 frames per event */
#define XCC_AD_MULTI_BATCH16	20	/* 1.25: events carry several frames */
#define XCC_AD_VOTES		2
#define XCC_AD_BACKOFF_FIRST	8
#define XCC_AD_BACKOFF_SPARSE	64	/* first backoff when events carry 1 frame */
#define XCC_AD_BACKOFF_MAX	1024
#define XCC_AD_RECHECK		32
#define XCC_AD_TARGET		16	/* frames per event a probe aims at */
#define XCC_AD_PROBE_USECS	16	/* longest probe delay */
#define XCC_AD_FRAMES		64	/* frame threshold: a quarter ring */

static void xcc_adapt_set(struct xcc_ctl *c, u32 usecs)
{
	c->usecs = usecs;
	c->frames = usecs ? XCC_AD_FRAMES : 1;
}

/**
 * xcc_adapt_reset() - start the adaptive policy with no delay
 * @c: channel
 */
void xcc_adapt_reset(struct xcc_ctl *c)
{
	c->ad = (struct xcc_adaptive){ .phase = XCC_AD_MEASURE };
	xcc_adapt_set(c, 0);
}

/* Delay that lets XCC_AD_TARGET frames arrive at @rate frames/s. */
static u32 xcc_adapt_target(const struct xcc_ctl *c, u32 rate, u32 cap)
{
	u32 low = c->params.usecs_low ? c->params.usecs_low : 1;
	u64 us;

	if (!rate)
		return cap;
	us = (u64)XCC_AD_TARGET * 1000000 / rate;
	if (us > cap)
		us = cap;
	if (us < low)
		us = low < cap ? low : cap;
	return us;
}

/*
 * Delay of a probe: aimed at the target, at most XCC_AD_PROBE_USECS or
 * half the cap if that is more (a probe that fails costs little), but at
 * least two frame intervals at @rate, so that a steady flow can double
 * its frames per event (what the probe must show). 0 if that is beyond
 * the limit.
 */
static u32 xcc_adapt_probe(const struct xcc_ctl *c, u32 rate, u32 cap)
{
	u32 t = xcc_adapt_target(c, rate, cap), lim = cap / 2;
	u64 two = rate ? (2000000ULL + rate - 1) / rate : cap;

	if (lim < XCC_AD_PROBE_USECS)
		lim = XCC_AD_PROBE_USECS;
	if (t > lim)
		t = lim;
	if (t < two)
		t = two <= lim ? (u32)two : 0;
	return t;
}

/*
 * A probe is worth its cost only if frames are due within its delay (see
 * xcc_adapt_probe()): at a lower rate (a request/response flow with a
 * few requests in flight) the delay adds latency and batches nothing. And
 * only if the delay as it really is, the probe's plus the lateness of
 * the lever's timer, fits under the cap: where every timer fires late (a
 * hypervisor's timer slop) a probe would cost the flows it tries more
 * than the budget allows. pkt_rate_low is the operator's floor on top.
 */
static bool xcc_adapt_worth(const struct xcc_ctl *c, u32 rate, u32 cap)
{
	u32 t;

	if (!cap || rate < c->params.pkt_rate_low)
		return false;
	t = xcc_adapt_probe(c, rate, cap);
	return t && t + (c->late_ns + 999) / 1000 <= cap;
}

/* Back to no delay; the next probe waits for the backoff. */
static noinline void xcc_adapt_retreat(struct xcc_ctl *c)
{
	struct xcc_adaptive *a = &c->ad;

	if (!a->backoff_len)
		a->backoff_len = a->ref_batch16 > 16 ? XCC_AD_BACKOFF_FIRST :
						       XCC_AD_BACKOFF_SPARSE;
	else if (a->backoff_len < XCC_AD_BACKOFF_MAX)
		a->backoff_len *= 2;
	a->backoff = a->backoff_len;
	a->retreat_rate = a->ref_rate;
	a->retreat_batch16 = a->ref_batch16;
	a->votes = 0;
	a->phase = XCC_AD_MEASURE;
	xcc_adapt_set(c, 0);
}

/*
 * The flow is not the one that made the policy retreat: its events now
 * carry several frames where they carried one, or it runs four times as
 * fast. (A slower flow is no reason to try sooner; other levers' probes
 * slow a closed loop down for a window.)
 */
static bool xcc_adapt_changed(const struct xcc_adaptive *a, u32 rate,
			      u32 batch16)
{
	return (a->retreat_batch16 < XCC_AD_MULTI_BATCH16 &&
		batch16 >= XCC_AD_MULTI_BATCH16) ||
	       (u64)rate > 4ULL * a->retreat_rate;
}

/* rate is below ref by more than 1/@div (10%: 10, 5%: 20) */
static bool xcc_adapt_below(u32 rate, u32 ref, u32 div)
{
	return (u64)rate * div < (u64)ref * (div - 1);
}

static void xcc_adapt_decide(struct xcc_ctl *c, u32 rate, u32 batch16)
{
	struct xcc_adaptive *a = &c->ad;
	u32 cap = xcc_cap_usecs(&c->params), t;

	switch (a->phase) {
	case XCC_AD_MEASURE:
		a->ref_rate = rate;
		a->ref_batch16 = batch16;
		if (a->backoff && xcc_adapt_changed(a, rate, batch16)) {
			a->backoff = 0;
			a->backoff_len = 0;
		}
		if (a->backoff) {
			a->backoff--;
			a->votes = 0;
		} else if (xcc_adapt_worth(c, rate, cap)) {
			if (++a->votes >= XCC_AD_VOTES) {
				a->votes = 0;
				a->phase = XCC_AD_PROBE;
				xcc_adapt_set(c, xcc_adapt_probe(c, rate, cap));
			}
		} else {
			a->votes = 0;
		}
		break;
	case XCC_AD_PROBE:
		if (xcc_adapt_below(rate, a->ref_rate, 10) ||
		    batch16 < XCC_AD_KEEP_BATCH16 ||
		    (u64)batch16 * 4 < (u64)a->ref_batch16 * 5 ||
		    ((u64)batch16 < 2ULL * a->ref_batch16 &&
		     batch16 < XCC_AD_TARGET * 16)) {
			xcc_adapt_retreat(c);
			break;
		}
		a->phase = XCC_AD_HOLD;
		a->windows = 0;
		break;
	case XCC_AD_HOLD:
		if (batch16 < XCC_AD_KEEP_BATCH16 || !cap) {
			xcc_adapt_retreat(c);
			break;
		}
		a->hold_rate = rate;
		if (!xcc_adapt_below(rate, a->ref_rate, 20) &&
		    ++a->windows < XCC_AD_RECHECK) {
			t = c->usecs * 2;
			xcc_adapt_set(c, t < cap ? t : cap);
			break;
		}
		/* Slower: check without delay, then come back with half. */
		t = c->usecs;
		if (xcc_adapt_below(rate, a->ref_rate, 20))
			t /= 2;
		if (t < c->params.usecs_low)
			t = c->params.usecs_low;
		a->hold_usecs = t ? t : 1;
		a->phase = XCC_AD_CHECK;
		xcc_adapt_set(c, 0);
		break;
	case XCC_AD_CHECK:
		/* A closed loop may not be back to speed within the short
		 * window: the reference it had before counts too, or the
		 * reference would ratchet down with every CHECK.
		 */
		if (xcc_adapt_below(a->hold_rate, rate, 20) ||
		    xcc_adapt_below(a->hold_rate, a->ref_rate, 20)) {
			a->ref_batch16 = batch16;
			xcc_adapt_retreat(c);
			break;
		}
		a->ref_rate = rate;
		a->ref_batch16 = batch16;
		a->backoff_len = 0;	/* the delay proved itself */
		a->windows = 0;
		a->phase = XCC_AD_HOLD;
		xcc_adapt_set(c, a->hold_usecs < cap ? a->hold_usecs : cap);
		break;
	}
}

static void xcc_adapt_window(struct xcc_adaptive *a, u64 now_ns)
{
	a->win_frames = 0;
	a->win_events = 0;
	a->win_start_ns = now_ns;
}

/*
 * After a pause the first frames get no delay and the flow is measured
 * again; what the backoff learnt about the flow is kept.
 */
static noinline void xcc_adapt_idle(struct xcc_ctl *c, u64 now_ns)
{
	struct xcc_adaptive *a = &c->ad;

	if (a->phase != XCC_AD_MEASURE) {
		a->phase = XCC_AD_MEASURE;
		xcc_adapt_set(c, 0);
	}
	a->votes = 0;
	xcc_adapt_window(a, now_ns);
}

/* Close a window of @dt ns and decide; out of the per-event path. */
static noinline void xcc_adapt_close(struct xcc_ctl *c, u64 dt, u64 now_ns)
{
	struct xcc_adaptive *a = &c->ad;
	u64 rate, batch;

	rate = (u64)a->win_frames * 1000000000ULL / (dt ? dt : 1);
	batch = (u64)a->win_frames * 16 / a->win_events;
	xcc_adapt_decide(c, rate > 0xffffffffULL ? 0xffffffffU : (u32)rate,
			 batch > 0xffffffffULL ? 0xffffffffU : (u32)batch);
	xcc_adapt_window(a, now_ns);
}

/**
 * xcc_adapt_update() - adaptive policy: account frames and events
 * @c: channel
 * @frames: frames just pushed or polled
 * @event: an interrupt was caused or taken
 * @now_ns: monotonic time, or 0 where xcc_ctl_wants_clock() said it
 *	is not needed
 *
 * O(1); decides once per window of events.
 */
void xcc_adapt_update(struct xcc_ctl *c, u32 frames, bool event, u64 now_ns)
{
	struct xcc_adaptive *a = &c->ad;
	u32 need;
	u64 dt;

	a->win_frames += frames;
	a->win_events += event;
	if (!now_ns)
		return;		/* counted; decided when the window closes */
	/* Without a delay in effect a pause changes nothing: a window
	 * across it measures a low rate. With one, the first frames after
	 * a pause get no delay.
	 */
	if (!a->last_ns ||
	    (a->phase != XCC_AD_MEASURE && now_ns - a->last_ns > XCC_AD_IDLE_NS)) {
		xcc_adapt_idle(c, now_ns);
		a->win_frames = frames;
		a->win_events = event;
	}
	a->last_ns = now_ns;

	/* A held flow that stopped batching gives the delay up at once. */
	if (event && a->phase == XCC_AD_HOLD &&
	    a->win_events >= XCC_AD_WIN_EVENTS &&
	    (u64)a->win_frames * 16 < (u64)a->win_events * XCC_AD_KEEP_BATCH16) {
		xcc_adapt_retreat(c);
		xcc_adapt_window(a, now_ns);
		return;
	}
	/* At least @need events and XCC_AD_WIN_FRAMES frames (or 4 * @need
	 * events when events carry few frames). Reference windows also last
	 * XCC_AD_WIN_NS: shorter than a burst, they would measure the
	 * burst's rate; probes stay short, a failed one costs little.
	 */
	need = a->phase == XCC_AD_PROBE || a->phase == XCC_AD_CHECK ?
	       XCC_AD_PROBE_EVENTS : XCC_AD_WIN_EVENTS;
	if (!xcc_adapt_counted(a->win_events, a->win_frames, need))
		return;
	dt = now_ns - a->win_start_ns;
	if (need == XCC_AD_PROBE_EVENTS || dt >= XCC_AD_WIN_NS)
		xcc_adapt_close(c, dt, now_ns);
}
