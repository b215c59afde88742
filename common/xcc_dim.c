// SPDX-License-Identifier: GPL-2.0
/*
 * DIM-style baseline policy: the Linux lib/dim network algorithm
 * (net_dim), written from its published description, driving a lever's
 * delay and frame threshold from a 5-entry profile table.
 *
 * Every DIM_NEVENTS (64) events (interrupts this lever causes or takes)
 * it computes frames/ms, bytes/ms and events/ms over the window and
 * compares them with the previous window: a difference counts only
 * beyond 10%, bytes first, then frames (higher is better), then events
 * (lower is better). It walks the table right (more moderation) or left
 * while results improve, turns when they do not, parks on top after a
 * turn that follows more than one step the other way, leaves parking on
 * any significant change, and rests ("tired") after 10 steps. Windows
 * older than a second are dropped.
 *
 * Deviation: when the glue knows no bytes (both windows 0) the bytes
 * criterion is skipped instead of ending the comparison as "same".
 */
#include "xcc.h"

#define XCC_DIM_NEVENTS		64
#define XCC_DIM_PROFILES	5
#define XCC_DIM_DEF_PROFILE	1
#define XCC_DIM_STALE_NS	1000000000ULL

/* net_dim's RX EQE table: (usecs, frames), EQE: timer from the first frame. */
static const struct {
	u16 usecs;
	u16 frames;
} xcc_dim_profiles[XCC_DIM_PROFILES] = {
	{ 1, 256 }, { 8, 256 }, { 64, 256 }, { 128, 256 }, { 256, 256 },
};

enum xcc_dim_state {
	XCC_DIM_PARKING_ON_TOP,
	XCC_DIM_PARKING_TIRED,
	XCC_DIM_GOING_RIGHT,
	XCC_DIM_GOING_LEFT,
};

enum xcc_dim_cmp {
	XCC_DIM_WORSE,
	XCC_DIM_SAME,
	XCC_DIM_BETTER,
};

static void xcc_dim_apply(struct xcc_ctl *c)
{
	u32 usecs = xcc_dim_profiles[c->dim.profile].usecs;

	c->usecs = usecs;
	c->frames = xcc_dim_profiles[c->dim.profile].frames;
}

/**
 * xcc_dim_reset() - start the DIM-style policy from its default profile
 * @c: channel
 */
void xcc_dim_reset(struct xcc_ctl *c)
{
	c->dim = (struct xcc_dim){
		.profile = XCC_DIM_DEF_PROFILE,
		.state = XCC_DIM_PARKING_ON_TOP,
	};
	xcc_dim_apply(c);
}

static bool xcc_dim_significant(u64 val, u64 ref)
{
	u64 diff = val > ref ? val - ref : ref - val;

	return ref && diff * 100 / ref > 10;
}

static enum xcc_dim_cmp xcc_dim_compare(const struct xcc_dim *d, u64 fpms,
					u64 bpms, u64 epms)
{
	if (d->prev_bpms || bpms) {
		if (!d->prev_bpms)
			return XCC_DIM_BETTER;
		if (xcc_dim_significant(bpms, d->prev_bpms))
			return bpms > d->prev_bpms ? XCC_DIM_BETTER : XCC_DIM_WORSE;
	}
	if (!d->prev_fpms)
		return fpms ? XCC_DIM_BETTER : XCC_DIM_SAME;
	if (xcc_dim_significant(fpms, d->prev_fpms))
		return fpms > d->prev_fpms ? XCC_DIM_BETTER : XCC_DIM_WORSE;
	if (!d->prev_epms)
		return XCC_DIM_SAME;
	if (xcc_dim_significant(epms, d->prev_epms))
		return epms < d->prev_epms ? XCC_DIM_BETTER : XCC_DIM_WORSE;
	return XCC_DIM_SAME;
}

/* Returns false when the step hit an edge or the walker is too tired. */
static bool xcc_dim_step(struct xcc_dim *d, bool *edge)
{
	*edge = false;
	if (d->tired == XCC_DIM_PROFILES * 2)
		return false;
	if (d->state == XCC_DIM_GOING_RIGHT) {
		if (d->profile == XCC_DIM_PROFILES - 1) {
			*edge = true;
			return false;
		}
		d->profile++;
		d->steps_right++;
	} else if (d->state == XCC_DIM_GOING_LEFT) {
		if (!d->profile) {
			*edge = true;
			return false;
		}
		d->profile--;
		d->steps_left++;
	}
	d->tired++;
	return true;
}

static void xcc_dim_park_on_top(struct xcc_dim *d)
{
	d->steps_right = 0;
	d->steps_left = 0;
	d->tired = 0;
	d->state = XCC_DIM_PARKING_ON_TOP;
}

static void xcc_dim_park_tired(struct xcc_dim *d)
{
	d->steps_right = 0;
	d->steps_left = 0;
	d->state = XCC_DIM_PARKING_TIRED;
}

static void xcc_dim_exit_parking(struct xcc_dim *d)
{
	bool edge;

	d->state = d->profile ? XCC_DIM_GOING_LEFT : XCC_DIM_GOING_RIGHT;
	xcc_dim_step(d, &edge);
}

static bool xcc_dim_on_top(const struct xcc_dim *d)
{
	switch (d->state) {
	case XCC_DIM_GOING_RIGHT:
		return d->steps_left > 1 && d->steps_right == 1;
	case XCC_DIM_GOING_LEFT:
		return d->steps_right > 1 && d->steps_left == 1;
	default:
		return true;
	}
}

static void xcc_dim_turn(struct xcc_dim *d)
{
	if (d->state == XCC_DIM_GOING_RIGHT) {
		d->state = XCC_DIM_GOING_LEFT;
		d->steps_left = 0;
	} else if (d->state == XCC_DIM_GOING_LEFT) {
		d->state = XCC_DIM_GOING_RIGHT;
		d->steps_right = 0;
	}
}

static void xcc_dim_decide(struct xcc_dim *d, u64 fpms, u64 bpms, u64 epms)
{
	u8 prev_state = d->state;
	bool edge;

	switch (d->state) {
	case XCC_DIM_PARKING_ON_TOP:
		if (xcc_dim_compare(d, fpms, bpms, epms) != XCC_DIM_SAME)
			xcc_dim_exit_parking(d);
		break;
	case XCC_DIM_PARKING_TIRED:
		if (!--d->tired)
			xcc_dim_exit_parking(d);
		break;
	default:
		if (xcc_dim_compare(d, fpms, bpms, epms) != XCC_DIM_BETTER)
			xcc_dim_turn(d);
		if (xcc_dim_on_top(d)) {
			xcc_dim_park_on_top(d);
			break;
		}
		if (!xcc_dim_step(d, &edge)) {
			if (edge)
				xcc_dim_park_on_top(d);
			else
				xcc_dim_park_tired(d);
		}
		break;
	}
	if (prev_state != XCC_DIM_PARKING_ON_TOP ||
	    d->state != XCC_DIM_PARKING_ON_TOP) {
		d->prev_fpms = fpms;
		d->prev_bpms = bpms;
		d->prev_epms = epms;
	}
}

static void xcc_dim_start(struct xcc_ctl *c, u64 now_ns)
{
	c->dim.start_ns = now_ns;
	c->dim.start_frames = c->stats.frames;
	c->dim.start_bytes = c->bytes;
	c->dim.start_events = c->events;
	c->dim.measuring = true;
}

/**
 * xcc_dim_update() - DIM-style policy: one more event happened
 * @c: channel
 * @now_ns: monotonic time
 *
 * Opens a window if none is open (or the open one is stale), and after
 * 64 events closes it, decides, applies the profile and opens the next.
 */
void xcc_dim_update(struct xcc_ctl *c, u64 now_ns)
{
	struct xcc_dim *d = &c->dim;
	u64 us, fpms, bpms, epms;

	if (!d->measuring || now_ns - d->start_ns > XCC_DIM_STALE_NS) {
		xcc_dim_start(c, now_ns);
		return;
	}
	if (c->events - d->start_events < XCC_DIM_NEVENTS)
		return;
	us = (now_ns - d->start_ns) / 1000;
	if (!us)
		return;
	fpms = (c->stats.frames - d->start_frames) * 1000 / us;
	bpms = (c->bytes - d->start_bytes) * 1000 / us;
	epms = (c->events - d->start_events) * 1000000 / us;
	xcc_dim_decide(d, fpms, bpms, epms);
	xcc_dim_apply(c);
	xcc_dim_start(c, now_ns);
}
