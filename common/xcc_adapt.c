// SPDX-License-Identifier: GPL-2.0
/*
 * The xcc adaptive policy.
 *
 * A delay only pays when it lets several frames share one interrupt. On
 * a request/response flow with one request outstanding it never does:
 * the next frame waits for the answer to this one, so each interrupt
 * carries one frame whatever the delay, and the delay is pure latency.
 * On a bulk flow frames overlap their processing, and the longer the
 * delay the more of them share an interrupt.
 *
 * The policy therefore watches frames per event (interrupt caused or
 * taken by the lever) over windows of 8 events:
 *
 *  - with no delay, a window in which some events carried more than one
 *    frame (>= 1.25 on average) and the rate is at least pkt_rate_low is
 *    a vote for a delay; two windows in a row (hysteresis: a single burst
 *    is not enough) start one;
 *  - with a delay, a window averaging under 1.5 frames per event means
 *    the delay buys nothing: it is dropped at once, and the next try
 *    waits 1, 2, 4 ... 64 windows (so a request/response flow pays for at
 *    most one window of delay, ever more rarely);
 *  - the delay aims at XCC_AD_TARGET frames per event at the measured
 *    rate (usecs = target / rate), between usecs_low and the cap
 *    (usecs_high, or the lever's share of the latency budget), and only
 *    moves when the aim differs by more than a quarter; the frame
 *    threshold is the target, so a fast flow is notified by count long
 *    before the delay ends, and a ring never fills behind a held
 *    notification;
 *  - after 100 ms without any frame or event it starts again from no
 *    delay: the first frame after idle gets stock latency.
 *
 * A peer that stops answering produces no events and no frames for this
 * lever, so nothing is decided from its silence.
 */
#include "xcc.h"

#define XCC_AD_WIN_EVENTS	8
#define XCC_AD_IDLE_NS		100000000ULL
#define XCC_AD_START_BATCH16	20	/* 1.25 frames per event */
#define XCC_AD_KEEP_BATCH16	24	/* 1.5 frames per event */
#define XCC_AD_VOTES		2
#define XCC_AD_BACKOFF_MAX	64
#define XCC_AD_TARGET		16	/* frames per event aimed at */

/**
 * xcc_adapt_reset() - start the adaptive policy with no delay
 * @c: channel
 */
void xcc_adapt_reset(struct xcc_ctl *c)
{
	c->ad = (struct xcc_adaptive){ .backoff_len = 1 };
	c->usecs = 0;
	c->frames = 1;
}

/* Delay that makes XCC_AD_TARGET frames arrive at the window's rate. */
static u32 xcc_adapt_target(const struct xcc_ctl *c, u64 dt_ns, u32 cap)
{
	const struct xcc_adaptive *a = &c->ad;
	u32 low = c->params.usecs_low ? c->params.usecs_low : 1;
	u64 us;

	if (!a->win_frames)
		return cap;
	us = (u64)XCC_AD_TARGET * dt_ns / ((u64)a->win_frames * 1000);

	if (us > cap)
		us = cap;
	if (us < low)
		us = low < cap ? low : cap;
	return us;
}

static void xcc_adapt_decide(struct xcc_ctl *c, u64 dt_ns)
{
	struct xcc_adaptive *a = &c->ad;
	u32 cap = xcc_cap_usecs(&c->params), t;
	bool busy = a->rate >= c->params.pkt_rate_low;

	if (!c->usecs) {
		if (a->backoff) {
			a->backoff--;
			a->votes = 0;
		} else if (cap && busy && a->batch16 >= XCC_AD_START_BATCH16) {
			if (++a->votes >= XCC_AD_VOTES) {
				a->votes = 0;
				c->usecs = xcc_adapt_target(c, dt_ns, cap);
				c->frames = XCC_AD_TARGET;
			}
		} else {
			a->votes = 0;
		}
		return;
	}

	if (!cap || !busy || a->batch16 < XCC_AD_KEEP_BATCH16) {
		c->usecs = 0;
		c->frames = 1;
		a->backoff = a->backoff_len;
		if (a->backoff_len < XCC_AD_BACKOFF_MAX)
			a->backoff_len *= 2;
		return;
	}
	a->backoff_len = 1;
	t = xcc_adapt_target(c, dt_ns, cap);
	if (t > c->usecs + c->usecs / 4 || t + t / 4 < c->usecs)
		c->usecs = t;
	if (c->usecs > cap)
		c->usecs = cap;
}

/**
 * xcc_adapt_update() - adaptive policy: account frames and events
 * @c: channel
 * @frames: frames just pushed or polled
 * @event: an interrupt was caused or taken
 * @now_ns: monotonic time
 *
 * O(1); decides once per window of 8 events.
 */
void xcc_adapt_update(struct xcc_ctl *c, u32 frames, bool event, u64 now_ns)
{
	struct xcc_adaptive *a = &c->ad;
	u64 dt, rate;

	if (!a->last_ns || now_ns - a->last_ns > XCC_AD_IDLE_NS) {
		xcc_adapt_reset(c);
		a->win_start_ns = now_ns;
	}
	a->last_ns = now_ns;
	a->win_frames += frames;
	a->win_events += event;
	if (a->win_events < XCC_AD_WIN_EVENTS)
		return;

	dt = now_ns - a->win_start_ns;
	if (!dt)
		dt = 1;
	a->batch16 = (u32)((u64)a->win_frames * 16 / a->win_events);
	rate = (u64)a->win_frames * 1000000000ULL / dt;
	a->rate = rate > 0xffffffffULL ? 0xffffffffU : (u32)rate;
	xcc_adapt_decide(c, dt);
	a->win_frames = 0;
	a->win_events = 0;
	a->win_start_ns = now_ns;
}
