// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for hv/common/pvh_elf.c: every input must either be
 * rejected with a one-line message and a zeroed result, or accepted with a
 * result that describes only bytes inside the input and memory inside the
 * guest. Any violation aborts, as do sanitizer findings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <basalt/pvh_elf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const struct pvh_image *im, const char *err,
		  size_t size, uint64_t mem)
{
	static const struct pvh_image zero;
	bool entry_found = false;

	if (!ok) {
		if (!err[0] || strchr(err, '\n') || memcmp(im, &zero, sizeof(zero)))
			abort();
		return;
	}
	if (err[0] || !im->nsegs || im->nsegs > PVH_MAX_SEGMENTS ||
	    (im->elf_class != 32 && im->elf_class != 64))
		abort();
	for (unsigned int i = 0; i < im->nsegs; i++) {
		const struct pvh_segment *s = &im->segs[i];

		if (s->filesz > s->memsz || !s->memsz || s->memsz > mem ||
		    s->paddr > mem - s->memsz ||
		    (s->filesz && (s->offset > size || s->filesz > size - s->offset)))
			abort();
		if (im->entry >= s->paddr && im->entry - s->paddr < s->memsz)
			entry_found = true;
		for (unsigned int j = 0; j < i; j++) {
			const struct pvh_segment *t = &im->segs[j];

			if (s->paddr < t->paddr + t->memsz &&
			    t->paddr < s->paddr + s->memsz)
				abort();
		}
	}
	if (!entry_found)
		abort();
	for (unsigned int i = 0; i < im->nnotes && i < PVH_MAX_NOTES; i++)
		if (im->notes[i].desc_offset > size ||
		    im->notes[i].descsz > size - im->notes[i].desc_offset)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t mems[] = { 64ULL << 20, 0x104004, ~0ULL };
	struct pvh_image im;
	char err[160];

	for (unsigned int i = 0; i < sizeof(mems) / sizeof(mems[0]); i++) {
		bool ok = pvh_elf_parse(data, size, mems[i], &im, err, sizeof(err));

		check(ok, &im, err, size, mems[i]);
	}
	return 0;
}
