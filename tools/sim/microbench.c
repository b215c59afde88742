// SPDX-License-Identifier: GPL-2.0
/*
 * Controller update cost: a ring push and a poll completion in a loop,
 * each as the glue makes it (ask xcc_ctl_wants_clock(), then
 * xcc_prod_push() or xcc_cons_complete(), which also sets the next
 * poll's weight), for one policy per run, with a clock and traffic
 * pattern that keep the adaptive policies deciding (bursts and idle
 * gaps). Run under callgrind by callgrind.py, which divides the
 * instructions of push_update() and complete_update() by their calls. The clock read itself is not counted (the kernel's costs
 * what the platform's clock costs).
 *
 *   microbench off|static|dim|adaptive [iterations]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcc.h"

static struct xcc_params params_for(const char *pol)
{
	struct xcc_params p = {
		.weight = XCC_WEIGHT_MAX,
		.usecs_low = XCC_DEF_USECS_LOW,
		.usecs_high = XCC_DEF_USECS_HIGH,
		.pkt_rate_low = XCC_DEF_PKT_RATE_LOW,
		.pkt_rate_high = XCC_DEF_PKT_RATE_HIGH,
	};

	if (!strcmp(pol, "static")) {
		p.usecs = 32;
		p.frames = 16;
	} else if (!strcmp(pol, "dim")) {
		p.adapt = XCC_ADAPT_DIM;
	} else if (!strcmp(pol, "adaptive")) {
		p.adapt = XCC_ADAPT_OURS;
	} else if (strcmp(pol, "off")) {
		fprintf(stderr, "microbench: unknown policy %s\n", pol);
		exit(2);
	}
	return p;
}

/* Kept out of line so callgrind sees every call. */
static volatile u64 sink;

static noinline enum xcc_verdict push_update(struct xcc_prod *p,
					     struct xcc_ctl *c, u32 idx,
					     bool crossed, u32 bytes, u64 now)
{
	return xcc_prod_push(p, c, idx, crossed, bytes,
			     xcc_ctl_wants_clock(c, idx - p->prod, true) ?
			     now : 0);
}

static noinline enum xcc_rearm complete_update(struct xcc_ctl *c, u32 work,
					       u64 now)
{
	return xcc_cons_complete(c, work, work * 1500,
				 xcc_ctl_wants_clock(c, work, work > 0) ?
				 now : 0);
}

int main(int argc, char **argv)
{
	struct xcc_ctl prod_ctl, cons_ctl;
	struct xcc_params p;
	struct xcc_prod prod;
	unsigned long i, n;
	u64 now = 1000;
	u32 idx = 0, work;
	bool crossed;

	if (argc < 2) {
		fprintf(stderr, "usage: microbench off|static|dim|adaptive [iterations]\n");
		return 2;
	}
	n = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000000;
	p = params_for(argv[1]);
	xcc_ctl_init(&prod_ctl, &p);
	xcc_ctl_init(&cons_ctl, &p);
	xcc_prod_reset(&prod, 0);

	for (i = 0; i < n; i++) {
		/* bursts of 1..8 frames, 2 us apart, an idle gap now and then */
		work = 1 + (i * 2654435761UL >> 13) % 8;
		now += (i % 1024) ? 2000 : 200000000;
		idx += work;
		crossed = (i % 3) != 0;
		sink += push_update(&prod, &prod_ctl, idx, crossed, work * 1500,
				    now);
		if (prod.owed && (i % 4) == 3)
			sink += xcc_prod_expire(&prod, &prod_ctl, idx - 1,
						xcc_ctl_wants_clock(&prod_ctl,
								    0, true) ?
						now : 0);
		sink += complete_update(&cons_ctl, work, now);
	}
	printf("%s: %lu iterations, usecs %u/%u\n", argv[1], n, prod_ctl.usecs,
	       cons_ctl.usecs);
	return 0;
}
