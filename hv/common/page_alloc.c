// SPDX-License-Identifier: MIT
/*
 * The page allocator and heap of the hypervisor. At boot the firmware
 * memory map minus everything in use (image, modules, loader structures,
 * the first MiB) becomes a set of free ranges; the boot allocator takes
 * page tables and allocator state from it, and the rest goes to the buddy
 * allocator. Every page and object handed out is zeroed.
 */
#include <basalt/mm.h>
#include <basalt/assert.h>
#include <basalt/bootinfo.h>
#include <basalt/console.h>
#include <basalt/panic.h>
#include <basalt/spinlock.h>
#include <basalt/lib/string.h>
#include <basalt/mm/buddy.h>
#include <basalt/mm/heap.h>
#include <basalt/mm/range.h>
#include <asm/page.h>
#include <asm/paging.h>

#define LOW_MEMORY_END 0x100000ull
#define BOOT_ALLOC_LIMIT (4 * GiB) /* the early 1:1 map covers 4 GiB */

static struct mem_range free_storage[BOOT_MAX_MMAP + BOOT_MAX_RANGES + 16];
static struct range_set free_set;

static DEFINE_SPINLOCK(page_lock);
static struct buddy_zone zone;
static bool buddy_ready;

static DEFINE_SPINLOCK(heap_lock);
static struct heap heap;

static uint64_t total_pages, reserved_pages, firmware_pages;
static paddr_t trampoline_page;

extern char __init_start[], __init_end[];

static void zero_pages(void *p, uint64_t bytes)
{
	memset(p, 0, bytes);
}

/*
 * Collect free RAM: usable map entries minus the image, the modules and
 * the loader's structures. The AP trampoline page is taken from below
 * 1 MiB before the rest of the first MiB is set aside for the firmware.
 */
void mm_early_init(const struct boot_info *bi, paddr_t image_start,
		   paddr_t image_end)
{
	range_set_init(&free_set, free_storage, ARRAY_SIZE(free_storage));
	for (unsigned int i = 0; i < bi->nmmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		uint64_t s = ALIGN_UP(e->addr, PAGE_SIZE);
		uint64_t t = ALIGN_DOWN(e->addr + e->len, PAGE_SIZE);

		if (e->type == MMAP_RAM && s < t)
			BUG_ON(!range_set_add(&free_set, s, t));
	}
	/* Overlapping map entries of other types win over RAM. */
	for (unsigned int i = 0; i < bi->nmmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		if (e->type != MMAP_RAM) {
			uint64_t s = ALIGN_DOWN(e->addr, PAGE_SIZE);
			uint64_t t = ALIGN_UP(e->addr + e->len, PAGE_SIZE);
			firmware_pages += (t - s) / PAGE_SIZE;
			BUG_ON(!range_set_remove(&free_set, s, t));
		}
	}
	total_pages = range_set_total(&free_set) / PAGE_SIZE;

	BUG_ON(!range_set_remove(&free_set, ALIGN_DOWN(image_start, PAGE_SIZE),
				 ALIGN_UP(image_end, PAGE_SIZE)));
	for (unsigned int i = 0; i < bi->nmodules; i++)
		BUG_ON(!range_set_remove(&free_set,
					 ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
					 ALIGN_UP(bi->modules[i].end, PAGE_SIZE)));
	for (unsigned int i = 0; i < bi->nranges; i++)
		BUG_ON(!range_set_remove(&free_set,
					 ALIGN_DOWN(bi->ranges[i].start, PAGE_SIZE),
					 ALIGN_UP(bi->ranges[i].end, PAGE_SIZE)));
	BUG_ON(!range_set_remove(&free_set, 0, PAGE_SIZE));
	if (!range_set_take(&free_set, PAGE_SIZE, PAGE_SIZE, LOW_MEMORY_END,
			    &trampoline_page))
		panic("no free page below 1 MiB for the AP trampoline");
	BUG_ON(!range_set_remove(&free_set, 0, LOW_MEMORY_END));
	reserved_pages = total_pages - range_set_total(&free_set) / PAGE_SIZE;
}

paddr_t mm_trampoline_page(void)
{
	return trampoline_page;
}

void *mm_pt_alloc(void)
{
	uint64_t pa;

	if (buddy_ready)
		return alloc_page();
	if (!range_set_take(&free_set, PAGE_SIZE, PAGE_SIZE, BOOT_ALLOC_LIMIT, &pa))
		return NULL;
	return phys_to_virt(pa);
}

static void *heap_backend_alloc(void *ctx, unsigned int order)
{
	return alloc_pages(order);
}

static void heap_backend_free(void *ctx, void *p, unsigned int order)
{
	free_pages(p, order);
}

#if CONFIG_TEST
/* Test builds poison free memory so that a missing zeroing shows up
 * (QEMU's RAM starts out zeroed and would hide it). */
static void poison(paddr_t s, paddr_t e)
{
	memset(phys_to_virt(s), 0xa5, e - s);
}
#else
static void poison(paddr_t s, paddr_t e)
{
}
#endif

/* Hand the remaining free ranges to the buddy allocator. Runs once the
 * final page tables map all RAM. */
void mm_init_allocator(void)
{
	uint64_t lo, hi, state_pa;
	size_t state_bytes;
	struct heap_backend be = { heap_backend_alloc, heap_backend_free, NULL };

	BUG_ON(free_set.n == 0);
	lo = free_set.r[0].start / PAGE_SIZE;
	hi = free_set.r[free_set.n - 1].end / PAGE_SIZE;
	state_bytes = buddy_state_bytes(hi - lo);
	if (!range_set_take(&free_set, ALIGN_UP(state_bytes, PAGE_SIZE), PAGE_SIZE,
			    ~0ull, &state_pa))
		panic("no memory for the page allocator's state");
	zero_pages(phys_to_virt(state_pa), state_bytes);
	buddy_init(&zone, lo, hi - lo, phys_to_virt(state_pa), 0);
	for (size_t i = 0; i < free_set.n; i++) {
		poison(free_set.r[i].start, free_set.r[i].end);
		BUG_ON(!buddy_add_free(&zone, free_set.r[i].start / PAGE_SIZE,
				       (free_set.r[i].end - free_set.r[i].start) /
				       PAGE_SIZE));
	}
	free_set.n = 0;
	buddy_ready = true;
	heap_init(&heap, &be);
}

void *alloc_pages(unsigned int order)
{
	uint64_t pfn, flags;
	bool ok;

	if (order > BUDDY_MAX_ORDER)
		return NULL;
	flags = spin_lock_irqsave(&page_lock);
	ok = buddy_alloc(&zone, order, &pfn);
	spin_unlock_irqrestore(&page_lock, flags);
	if (!ok && zone.corrupt_pfn != ~0ull)
		panic("page allocator: a free list names frame %#llx, which is "
		      "not a free block (a write to freed memory?)",
		      (unsigned long long)zone.corrupt_pfn);
	if (!ok)
		return NULL;
	zero_pages(phys_to_virt(pfn << PAGE_SHIFT), PAGE_SIZE << order);
	return phys_to_virt(pfn << PAGE_SHIFT);
}

void free_pages(void *p, unsigned int order)
{
	uint64_t flags;
	bool ok;

	if (!p)
		return;
	flags = spin_lock_irqsave(&page_lock);
	ok = buddy_free(&zone, virt_to_phys(p) >> PAGE_SHIFT, order);
	spin_unlock_irqrestore(&page_lock, flags);
	if (!ok)
		panic("free_pages(%p, %u): not an allocated block", p, order);
}

void *xzalloc(size_t size)
{
	uint64_t flags = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc(&heap, size);
	size_t n = p ? heap_size(&heap, p) : 0;

	spin_unlock_irqrestore(&heap_lock, flags);
	if (p)
		memset(p, 0, n);
	return p;
}

void xfree(void *p)
{
	uint64_t flags;
	bool ok;

	if (!p)
		return;
	flags = spin_lock_irqsave(&heap_lock);
	ok = heap_free(&heap, p);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (!ok)
		panic("xfree(%p): not a heap object", p);
}

void mm_free_init_memory(void)
{
	paddr_t s = virt_to_phys(__init_start), e = virt_to_phys(__init_end);
	uint64_t flags;

	paging_set_range(s, e, paging_data_flags());
	poison(s, e);
	flags = spin_lock_irqsave(&page_lock);
	BUG_ON(!buddy_add_free(&zone, s / PAGE_SIZE, (e - s) / PAGE_SIZE));
	reserved_pages -= (e - s) / PAGE_SIZE;
	spin_unlock_irqrestore(&page_lock, flags);
	pr_info("Freed %llu KiB of boot-only code and data\n",
		(unsigned long long)(e - s) / 1024);
}

void mem_stats_get(struct mem_stats *s)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);

	s->total_pages = total_pages;
	s->free_pages = zone.free_pages;
	s->reserved_pages = reserved_pages;
	s->used_pages = total_pages - reserved_pages - zone.free_pages;
	s->firmware_pages = firmware_pages;
	spin_unlock_irqrestore(&page_lock, flags);
	flags = spin_lock_irqsave(&heap_lock);
	s->heap_bytes = 0;
	for (unsigned int i = 0; i < HEAP_NCLASSES; i++)
		s->heap_bytes += heap.stats[i].in_use << (HEAP_MIN_SHIFT + i);
	s->heap_bytes += heap.large_pages * PAGE_SIZE;
	spin_unlock_irqrestore(&heap_lock, flags);
}

void mem_dump(void)
{
	struct mem_stats s;

	mem_stats_get(&s);
	printk(LOG_ALWAYS, "Memory: %llu pages of RAM (%llu MiB): "
	       "free %llu, used %llu, reserved %llu\n",
	       (unsigned long long)s.total_pages,
	       (unsigned long long)(s.total_pages * PAGE_SIZE / MiB),
	       (unsigned long long)s.free_pages, (unsigned long long)s.used_pages,
	       (unsigned long long)s.reserved_pages);
	printk(LOG_ALWAYS, "Memory: firmware ranges %llu pages, heap %llu bytes in use\n",
	       (unsigned long long)s.firmware_pages,
	       (unsigned long long)s.heap_bytes);
}
