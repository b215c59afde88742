/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoint of the coalescing controller's decisions.
 *
 * Each module links its own copy of the glue, so each has its own trace
 * system (XCC_TRACE_SYSTEM, set by the module's Kbuild): xcc_netback and
 * xcc_netfront. The event fires when a lever's delay, frame threshold or
 * policy phase changes, whoever changed it (the adaptive policy, the DIM
 * baseline, or new settings from ethtool or sysfs).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM XCC_TRACE_SYSTEM

#if !defined(_XCC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XCC_TRACE_H

#include <linux/netdevice.h>
#include <linux/tracepoint.h>

#include "xcc_glue.h"

TRACE_EVENT(xcc_decision,
	    TP_PROTO(const struct xcc_chan *ch, u64 before),
	    TP_ARGS(ch, before),
	    TP_STRUCT__entry(__string(dev, ch->dev ? ch->dev->name : "")
			     __string(lever, ch->lever)
			     __field(u16, queue)
			     __field(u8, policy)
			     __field(u8, phase)
			     __field(u8, old_phase)
			     __field(u32, old_usecs)
			     __field(u32, usecs)
			     __field(u32, old_frames)
			     __field(u32, frames)
			     __field(u32, weight)
			     __field(u32, rate)
			     __field(u32, batch16)
			     __field(u32, late_ns)),
	    TP_fast_assign(__assign_str(dev, ch->dev ? ch->dev->name : "");
			   __assign_str(lever, ch->lever);
			   __entry->queue = ch->queue;
			   __entry->policy = xcc_params_policy(&ch->ctl.params);
			   __entry->phase = xcc_chan_phase(ch);
			   __entry->old_phase = XCC_DECISION_PHASE(before);
			   __entry->old_usecs = XCC_DECISION_USECS(before);
			   __entry->usecs = ch->ctl.usecs;
			   __entry->old_frames = XCC_DECISION_FRAMES(before);
			   __entry->frames = ch->ctl.frames;
			   __entry->weight = ch->ctl.weight;
			   __entry->rate = ch->ctl.ad.ref_rate;
			   __entry->batch16 = ch->ctl.ad.ref_batch16;
			   __entry->late_ns = ch->ctl.late_ns;),
	    TP_printk("%s q%u %s: policy=%s phase=%u->%u usecs=%u->%u frames=%u->%u weight=%u ref_rate=%u ref_batch16=%u timer_late_ns=%u",
		      __get_str(dev), __entry->queue, __get_str(lever),
		      __print_symbolic(__entry->policy,
				       { XCC_POLICY_OFF, "off" },
				       { XCC_POLICY_STATIC, "static" },
				       { XCC_POLICY_DIM, "dim" },
				       { XCC_POLICY_ADAPTIVE, "adaptive" }),
		      __entry->old_phase, __entry->phase,
		      __entry->old_usecs, __entry->usecs,
		      __entry->old_frames, __entry->frames, __entry->weight,
		      __entry->rate, __entry->batch16, __entry->late_ns)
);
#endif /* _XCC_TRACE_H */

/* The glue is built next to this file, see the modules' Kbuild. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE xcc_trace
#include <trace/define_trace.h>
