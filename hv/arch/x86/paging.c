// SPDX-License-Identifier: MIT
/*
 * The hypervisor's page tables. Physical memory is mapped at its own
 * address (see asm/page.h): 2 MiB pages where possible, 4 KiB pages where
 * permissions differ inside a 2 MiB region (the image's sections, page 0).
 */
#include <asm/paging.h>
#include <asm/cpu.h>
#include <basalt/assert.h>
#include <basalt/bootinfo.h>
#include <basalt/console.h>
#include <basalt/ipi.h>
#include <basalt/cpu.h>
#include <basalt/panic.h>
#include <basalt/spinlock.h>
#include <basalt/lib/string.h>

typedef uint64_t pte_t;

#define PT_ENTRIES 512
#define LARGE_2M   (2ull * 1024 * 1024)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __init_start[], __init_text_end[];
extern char __init_end[], __symbols_start[], __symbols_end[];
extern char __bss_start[], __bss_end[];

static pte_t *pml4;
static uint64_t nx_bit;
static DEFINE_SPINLOCK(paging_lock);

uint64_t paging_data_flags(void)
{
	return PTE_P | PTE_RW | PTE_G | nx_bit;
}

paddr_t paging_root(void)
{
	return virt_to_phys(pml4);
}

static unsigned int index_of(uint64_t va, unsigned int level)
{
	return (unsigned int)((va >> (12 + 9 * (level - 1))) & 511);
}

static pte_t *new_table(void)
{
	pte_t *t = mm_pt_alloc();

	if (!t)
		panic("out of memory for page tables");
	memset(t, 0, PAGE_SIZE);
	return t;
}

/* Replace a 2 MiB mapping by 512 4 KiB entries with the same rights. */
static void split_large(pte_t *pde)
{
	pte_t *pt = new_table();
	uint64_t base = *pde & PTE_ADDR_MASK & ~(LARGE_2M - 1);
	uint64_t flags = *pde & ~PTE_ADDR_MASK & ~PTE_PS;

	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		pt[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
	*pde = virt_to_phys(pt) | PTE_P | PTE_RW;
}

/* Entry for va at level (1: 4 KiB, 2: 2 MiB), creating tables. */
static pte_t *walk(uint64_t va, unsigned int level)
{
	pte_t *table = pml4;

	for (unsigned int l = 4; l > level; l--) {
		pte_t *e = &table[index_of(va, l)];
		if (!(*e & PTE_P)) {
			*e = virt_to_phys(new_table()) | PTE_P | PTE_RW;
		} else if (*e & PTE_PS) {
			ASSERT(l == 2);
			split_large(e);
		}
		table = phys_to_virt(*e & PTE_ADDR_MASK);
	}
	return &table[index_of(va, level)];
}

/* Map [start, end) 1:1 with flags (0 unmaps). */
static void map_range(uint64_t start, uint64_t end, uint64_t flags)
{
	uint64_t va = start;

	ASSERT(!(start & ~PAGE_MASK) && !(end & ~PAGE_MASK));
	while (va < end) {
		if (!(va & (LARGE_2M - 1)) && end - va >= LARGE_2M) {
			pte_t *pde = walk(va, 2);
			*pde = flags ? (va | flags | PTE_PS) : 0;
			/* A table it replaces is simply dropped: only done while
			 * building, before any 4 KiB table exists there. */
			va += LARGE_2M;
		} else {
			pte_t *pte = walk(va, 1);
			*pte = flags ? (va | flags) : 0;
			va += PAGE_SIZE;
		}
	}
}

static void map_image(void)
{
	uint64_t rx = PTE_P | PTE_G;
	uint64_t ro = PTE_P | PTE_G | nx_bit;
	uint64_t rw = PTE_P | PTE_RW | PTE_G | nx_bit;
	struct { char *start, *end; uint64_t flags; } sec[] = {
		{ __text_start, __text_end, rx },
		{ __rodata_start, __rodata_end, ro },
		{ __data_start, __data_end, rw },
		{ __init_start, __init_text_end, rx },
		{ __init_text_end, __init_end, rw },
		{ __symbols_start, __symbols_end, ro },
		{ __bss_start, __bss_end, rw },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(sec); i++) {
		/* Force 4 KiB entries: the sections are only page aligned. */
		for (uint64_t va = (uint64_t)(uintptr_t)sec[i].start;
		     va < (uint64_t)(uintptr_t)sec[i].end; va += PAGE_SIZE)
			*walk(va, 1) = va | sec[i].flags;
	}
}

void paging_init(const struct boot_info *bi, paddr_t trampoline)
{
	uint64_t data = 0;

	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx_bit = PTE_NX;
	data = paging_data_flags();
	pml4 = new_table();

	for (unsigned int i = 0; i < bi->nmmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		uint64_t s = ALIGN_DOWN(e->addr, PAGE_SIZE);
		uint64_t t = ALIGN_UP(e->addr + e->len, PAGE_SIZE);

		if (e->type != MMAP_RAM && e->type != MMAP_ACPI &&
		    e->type != MMAP_NVS && e->addr >= 0x100000)
			continue; /* reserved above 1 MiB is often MMIO */
		if (s < PAGE_SIZE)
			s = PAGE_SIZE; /* page 0 stays unmapped: NULL faults */
		if (s < t)
			map_range(s, t, data);
	}
	/* The low 1 MiB as a whole (BIOS data, EBDA, option ROMs, ACPI RSDP
	 * area) is readable; the VGA hole is device memory. */
	map_range(PAGE_SIZE, 0xa0000, data);
	map_range(0xc0000, 0x100000, data);
	map_image();
	/* The AP trampoline runs from this page during bring-up. */
	*walk(trampoline, 1) = trampoline | PTE_P | PTE_RW;

	write_cr4(read_cr4() | CR4_PGE);
	paging_load();
}

void paging_load(void)
{
	write_cr3(virt_to_phys(pml4));
	if (nx_bit)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr4(read_cr4() | CR4_PGE);
}

void *map_mmio(paddr_t pa, size_t size)
{
	paddr_t s = ALIGN_DOWN(pa, PAGE_SIZE);
	paddr_t e = ALIGN_UP(pa + size, PAGE_SIZE);
	uint64_t flags = spin_lock_irqsave(&paging_lock);

	for (paddr_t p = s; p < e; p += PAGE_SIZE) {
		*walk(p, 1) = p | PTE_P | PTE_RW | PTE_PCD | PTE_PWT | nx_bit;
		invlpg(phys_to_virt(p));
	}
	spin_unlock_irqrestore(&paging_lock, flags);
	return phys_to_virt(pa);
}

void paging_set_range(paddr_t start, paddr_t end, uint64_t flags)
{
	uint64_t irq = spin_lock_irqsave(&paging_lock);

	for (paddr_t p = start; p < end; p += PAGE_SIZE)
		*walk(p, 1) = flags ? (p | flags) : 0;
	spin_unlock_irqrestore(&paging_lock, irq);
	flush_tlb_mask(&cpu_online_mask);
}
