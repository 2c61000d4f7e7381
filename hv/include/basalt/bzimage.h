/* SPDX-License-Identifier: MIT */
/*
 * Linux bzImage payload access for the PVH builder: locate the compressed
 * vmlinux through the setup header, read its (untrusted) size trailer and
 * decompress it. Pure: reads only the caller's buffers.
 */
#ifndef BASALT_BZIMAGE_H
#define BASALT_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Find the payload of the len-byte bzImage img: checks boot_flag (0xAA55 at
 * 0x1FE), "HdrS" (0x202), protocol >= 2.08, setup_sects (0x1F1, 0 means 4)
 * and payload_offset/payload_length (0x248/0x24C, relative to the
 * protected-mode code at (setup_sects + 1) * 512) against len, and that the
 * payload is xz. On success *payload and *payload_len give the xz stream without
 * the 4-byte trailer and *uncompressed_size the trailer's value: UNTRUSTED,
 * the caller checks it against the domain's memory before writing.
 * On failure returns false with a one-line reason in err (NUL-terminated
 * when errlen > 0; err may be NULL). Never reads outside [img, img + len).
 */
bool bzimage_payload(const void *img, size_t len, const uint8_t **payload,
		     size_t *payload_len, uint64_t *uncompressed_size,
		     char *err, size_t errlen);

/* Bytes of work area bzimage_decompress() needs (8-byte aligned). */
size_t bzimage_work_size(void);

/*
 * Decompress the bzImage's payload into out[0, out_len); out_len must be
 * the uncompressed size bzimage_payload() reported (after the caller has
 * validated it), and the stream must produce exactly that much and end
 * right before the size trailer. Returns false with a reason in err.
 * Never writes outside out[0, out_len) and the work area.
 */
bool bzimage_decompress(const void *img, size_t len, void *out,
			size_t out_len, void *work, size_t work_len, char *err,
			size_t errlen);

#endif /* BASALT_BZIMAGE_H */
