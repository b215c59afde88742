// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the controller's invariants. The input picks the
 * settings of a producer and a consumer lever (rejected settings are
 * skipped, as ethtool would refuse them) and a sequence of pushes, timer
 * expiries, consumer polls and clock steps. After every step:
 *  - the delay in effect stays within what the policy may use (the
 *    static value, the adaptive cap, or the DIM profile table);
 *  - the frame threshold stays within 1..256, the event distance within
 *    1..reachable;
 * and at the end, once a pending timer has fired, no consumer sleeps
 * with published entries, and no timer flush was ever content-free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xcc.h"

struct in {
	const uint8_t *d;
	size_t n;
};

static uint32_t take(struct in *in, int bytes)
{
	uint32_t v = 0;

	while (bytes--) {
		v <<= 8;
		if (in->n) {
			v |= *in->d++;
			in->n--;
		}
	}
	return v;
}

static void params_from(struct in *in, struct xcc_params *p)
{
	p->usecs = take(in, 2) % 1200;
	p->frames = take(in, 2) % 300;
	p->weight = take(in, 1) % 70;
	p->adapt = take(in, 1) % 4;
	p->usecs_low = take(in, 1);
	p->usecs_high = take(in, 2) % 1200;
	p->pkt_rate_low = take(in, 3);
	p->pkt_rate_high = take(in, 4);
	p->budget_usecs = take(in, 2);
	p->nic_usecs = take(in, 2);
}

static void check_ctl(const struct xcc_ctl *c)
{
	static const uint32_t dim_usecs[] = { 1, 8, 64, 128, 256 };
	const struct xcc_params *p = &c->params;
	int k;

	if (c->frames < 1 || c->frames > XCC_FRAMES_MAX ||
	    c->late_ns > XCC_USECS_MAX * 1000U ||
	    c->weight < XCC_WEIGHT_MIN || c->weight > p->weight)
		abort();
	switch (xcc_params_policy(p)) {
	case XCC_POLICY_ADAPTIVE:
		if (c->usecs > xcc_cap_usecs(p))
			abort();
		break;
	case XCC_POLICY_DIM:
		for (k = 0; k < 5 && c->usecs != dim_usecs[k]; k++)
			;
		if (k == 5)
			abort();
		break;
	default:
		if (c->usecs != p->usecs)
			abort();
	}
}

/* The time only where the controller asks for it, as the glue does. */
static uint64_t clk(const struct xcc_ctl *c, uint32_t frames, uint64_t now)
{
	return xcc_ctl_wants_clock(c, frames, true) ? now : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct xcc_params pp, cp;
	struct xcc_ctl pc, cc;
	struct xcc_prod pr;
	uint32_t prod, cons, event, reach, dist;
	uint64_t now = 1;
	bool awake = false, timer = false;

	params_from(&in, &pp);
	params_from(&in, &cp);
	if (xcc_params_check(&pp, 1000) || xcc_params_check(&cp, 1000))
		return 0;
	xcc_ctl_init(&pc, &pp);
	xcc_ctl_init(&cc, &cp);
	prod = take(&in, 4);
	cons = prod;
	event = prod + 1;
	xcc_prod_reset(&pr, prod);

	while (in.n) {
		uint32_t op = take(&in, 1), arg = take(&in, 2);

		switch (op % 5) {
		case 0: {		/* producer pushes 1..8 frames */
			uint32_t old = prod;
			bool crossed;

			if (op & 0x40)	/* a guest-RX kthread cycle starts */
				xcc_ctl_weight(&pc, arg % 70);

			prod += 1 + arg % 8;
			crossed = (uint32_t)(prod - event) < (uint32_t)(prod - old);
			switch (xcc_prod_push(&pr, &pc, prod, crossed, arg,
					      clk(&pc, prod - old, now))) {
			case XCC_NOTIFY:
				awake = true;
				timer = false;
				break;
			case XCC_ARM:
				timer = true;
				break;
			default:
				break;
			}
			break;
		}
		case 1:			/* the held notification's timer fires */
			if (!timer)
				break;
			timer = false;
			xcc_timer_late(&pc, (uint64_t)arg * arg * (op >> 3));
			if (xcc_prod_expire(&pr, &pc, event, clk(&pc, 0, now))) {
				if (cons == prod)
					abort();	/* content-free */
				awake = true;
			}
			break;
		case 2:			/* consumer polls (woken, or by itself) */
			if (!awake && !(arg & 1))
				break;
			cons = prod;
			event = cons + 1;
			awake = false;
			break;
		case 3:			/* consumer lever: a poll completes */
			reach = arg >> 4;
			if (op & 0x80)	/* its timer fired, late */
				xcc_timer_late(&cc, (uint64_t)arg << (op & 31));
			if (op & 0x40)	/* a full poll before it */
				xcc_ctl_weight(&cc, cc.weight);
			xcc_cons_complete(&cc, arg % 70, arg,
					  clk(&cc, arg % 70, now));
			dist = xcc_event_distance(&cc, reach);
			if (dist < 1 || (reach && dist > reach))
				abort();
			check_ctl(&cc);
			break;
		default:		/* time passes, up to ~0.5 s */
			now += (uint64_t)arg * ((op >> 3) + 1) * 97;
			break;
		}
		check_ctl(&pc);
	}
	if (timer && xcc_prod_expire(&pr, &pc, event, now))
		awake = true;
	if (!awake && prod != cons &&
	    (uint32_t)(event - cons - 1) < (uint32_t)(prod - cons))
		abort();		/* stranded */
	return 0;
}
