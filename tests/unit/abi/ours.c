/* SPDX-License-Identifier: MIT */
/*
 * The ABI table as Basalt's include/public headers define it. Built with
 * -Iinclude for -m32 and -m64 by tests/system/test_abi_headers.py.
 */
#include <stdint.h>

#include "public/xen.h"
#include "public/arch-x86/cpuid.h"
#include "public/arch-x86/hvm/start_info.h"
#include "public/elfnote.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/features.h"
#include "public/grant_table.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/hvm_vcpu.h"
#include "public/hvm/params.h"
#include "public/io/console.h"
#include "public/memory.h"
#include "public/physdev.h"
#include "public/platform.h"
#include "public/sched.h"
#include "public/vcpu.h"
#include "public/version.h"

#include "table.h"
#include "ours_only.h"
