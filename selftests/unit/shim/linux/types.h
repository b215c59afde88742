/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/types.h>: just what common/ uses, so the
 * controller compiles unchanged in unit tests and the simulator.
 */
#ifndef _XCC_SHIM_LINUX_TYPES_H
#define _XCC_SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

/* Kbuild force-includes the compiler attributes; these are the ones used. */
#define noinline __attribute__((__noinline__))

#endif /* _XCC_SHIM_LINUX_TYPES_H */
