/* SPDX-License-Identifier: MIT */
/*
 * PVH kernel image parser: validates an x86 ELF executable for the PVH
 * domain builder and describes what to load and where to enter
 * (XEN_ELFNOTE_PHYS32_ENTRY). Pure: reads only the caller's buffer.
 */
#ifndef BASALT_PVH_ELF_H
#define BASALT_PVH_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PVH_MAX_SEGMENTS 16
#define PVH_MAX_NOTES    24

/* Xen ELF note types the builder may look at (Xen's public elfnote.h). */
#define PVH_NOTE_XEN_VERSION   5
#define PVH_NOTE_GUEST_OS      6
#define PVH_NOTE_GUEST_VERSION 7
#define PVH_NOTE_LOADER        8
#define PVH_NOTE_FEATURES      10
#define PVH_NOTE_PHYS32_ENTRY  18

/*
 * A PT_LOAD segment: copy filesz bytes from image offset to guest-physical
 * paddr, then zero-fill up to memsz. paddr is the ELF p_paddr, as Xen uses
 * for PVH (p_vaddr is ignored).
 */
struct pvh_segment {
	uint64_t paddr, memsz, filesz, offset;
};

/* A note named "Xen": its type and where its descriptor lies in the image. */
struct pvh_note {
	uint32_t type;
	uint32_t descsz;
	uint64_t desc_offset;
};

struct pvh_image {
	unsigned int elf_class;   /* 32 or 64 */
	unsigned int machine;     /* 3 (EM_386) or 62 (EM_X86_64) */
	uint32_t entry;           /* guest-physical 32-bit PVH entry point */
	unsigned int nsegs;       /* non-empty PT_LOADs, in program-header order */
	struct pvh_segment segs[PVH_MAX_SEGMENTS];
	uint64_t lowest, highest; /* [lowest, highest) spans every segment */
	unsigned int nnotes;      /* Xen notes seen; beyond PVH_MAX_NOTES not kept */
	struct pvh_note notes[PVH_MAX_NOTES];
};

/*
 * Parse and validate the len-byte ELF image for a guest with
 * guest_mem_bytes of memory at [0, guest_mem_bytes). Accepts ELF32
 * (EM_386 or EM_X86_64) and ELF64 (EM_X86_64), little-endian, ET_EXEC,
 * whose PT_LOAD segments lie inside the file and inside guest memory
 * without overlapping, and which carries a XEN_ELFNOTE_PHYS32_ENTRY note
 * (4- or 8-byte descriptor, value below 4 GiB) in a PT_NOTE segment - or,
 * failing that, in a SHT_NOTE section - pointing into a segment.
 *
 * On success fills *out and returns true. On failure returns false with
 * *out zeroed and a one-line reason in err (always NUL-terminated when
 * errlen > 0; err may be NULL). Never reads outside [image, image + len).
 */
bool pvh_elf_parse(const void *image, size_t len, uint64_t guest_mem_bytes,
		   struct pvh_image *out, char *err, size_t errlen);

#endif /* BASALT_PVH_ELF_H */
