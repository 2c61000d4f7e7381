/* SPDX-License-Identifier: MIT */
/*
 * Channel 2 of an emulated 8254 PIT and the port 0x61 bits that go with
 * it (gate, speaker, OUT2): what Linux's TSC calibration reads. Without
 * them it spins 50,000 times on a counter that reads all ones, a VM exit
 * per read (about two seconds under emulation); with them it ends as soon
 * as the counter is seen to move. Channels 0 and 1 (timer interrupts,
 * DRAM refresh) are not emulated: those ports stay unowned.
 *
 * Pure: the caller passes the time and serialises calls (one lock per
 * domain).
 */
#ifndef ASM_VPIT_H
#define ASM_VPIT_H

#include <stdbool.h>
#include <stdint.h>

#define VPIT_HZ 1193182u

struct vpit {
	uint8_t port61;        /* bits 0 (gate) and 1 (speaker data) */
	uint8_t mode;          /* 0-5, as programmed */
	uint8_t access;        /* 1: LSB, 2: MSB, 3: LSB then MSB */
	bool loaded;           /* a count has been written since the mode */
	bool write_msb;        /* next data write is the MSB (access 3) */
	bool read_msb;         /* next data read is the MSB (access 3) */
	uint8_t lsb_written;
	uint32_t reload;       /* 1..65536 */
	uint64_t ticks_before; /* counted before the current gate-high run */
	uint64_t run_start_ns; /* start of the current gate-high run */
	bool latched;
	uint16_t latch;
};

void vpit_init(struct vpit *p);
/* Returns false for ports it does not own (0x42, 0x43, 0x61 are its). */
bool vpit_read(struct vpit *p, uint16_t port, uint64_t now_ns, uint8_t *val);
bool vpit_write(struct vpit *p, uint16_t port, uint64_t now_ns, uint8_t val);

#endif /* ASM_VPIT_H */
