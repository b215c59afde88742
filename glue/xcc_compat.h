/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences the xcc glue meets, in one place.
 */
#ifndef _XCC_COMPAT_H
#define _XCC_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/netlink.h>

/* XCC_HAVE_HRTIMER_SETUP comes from Kbuild, which looks at the headers. */
#ifdef XCC_HAVE_HRTIMER_SETUP
static inline void xcc_hrtimer_setup(struct hrtimer *t,
				     enum hrtimer_restart (*fn)(struct hrtimer *))
{
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
}
#else
static inline void xcc_hrtimer_setup(struct hrtimer *t,
				     enum hrtimer_restart (*fn)(struct hrtimer *))
{
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	t->function = fn;
}
#endif

/*
 * NL_SET_ERR_MSG() wants a literal; the controller's messages are static
 * strings chosen at run time, which is what the macro stores anyway.
 */
static inline void xcc_set_extack(struct netlink_ext_ack *extack,
				  const char *msg)
{
	if (extack)
		extack->_msg = msg;
}

#endif /* _XCC_COMPAT_H */
