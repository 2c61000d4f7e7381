/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/common/tlb_policy.c: every p2m-change rule of
 * docs/COHERENCE.md, the IPI set for several dirty CPUs, and the ASID
 * allocator at VM entry (first entry, own ASID per vCPU, pending flush
 * with and without flush-by-ASID, migration, running out of ASIDs and the
 * generation bump), then a randomised run against a model of the TLBs
 * that fails if a vCPU could ever use an entry it must not see.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <basalt/tlb_policy.h>

#define NWORDS 2   /* 128 CPUs, as the hypervisor's cpumask */

static void set_bit(uint64_t *m, unsigned int cpu)
{
	m[cpu / 64] |= 1ull << (cpu % 64);
}

static bool test_bit(const uint64_t *m, unsigned int cpu)
{
	return m[cpu / 64] & (1ull << (cpu % 64));
}

/* ---- p2m changes ---------------------------------------------------------- */

static void changes_that_need_nothing(void **state)
{
	static const enum tlb_p2m_change none[] = {
		TLB_P2M_NEW, TLB_P2M_WIDEN, TLB_P2M_TABLE_FREED,
	};
	uint64_t dirty[NWORDS] = { ~0ull, ~0ull }, ipi[NWORDS] = { 1, 1 };

	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		for (int d = 0; d < 2; d++)
			for (int s = 0; s < 2; s++)
				assert_int_equal(tlb_policy_cpu(none[i], d, s),
						 TLB_CPU_NONE);
		assert_false(tlb_policy_flush_vcpus(none[i]));
		assert_int_equal(tlb_policy_ipi_set(none[i], dirty, ipi,
						    NWORDS, 5), 0);
		assert_int_equal(ipi[0] | ipi[1], 0);
	}
}

static void narrowing_and_removal_per_cpu(void **state)
{
	static const enum tlb_p2m_change flush[] = {
		TLB_P2M_NARROW, TLB_P2M_REMOVE,
	};

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		assert_true(tlb_policy_flush_vcpus(flush[i]));
		/* a CPU that never entered the domain holds nothing */
		assert_int_equal(tlb_policy_cpu(flush[i], false, false),
				 TLB_CPU_NONE);
		assert_int_equal(tlb_policy_cpu(flush[i], false, true),
				 TLB_CPU_NONE);
		/* the changer is in the hypervisor: next entry is enough */
		assert_int_equal(tlb_policy_cpu(flush[i], true, true),
				 TLB_CPU_NEXT_ENTRY);
		/* another may be in guest mode with the old entry */
		assert_int_equal(tlb_policy_cpu(flush[i], true, false),
				 TLB_CPU_IPI_WAIT);
	}
}

static void removal_with_several_dirty_cpus(void **state)
{
	uint64_t dirty[NWORDS] = { 0 }, ipi[NWORDS];
	static const unsigned int cpus[] = { 0, 3, 63, 64, 127 };

	(void)state;
	for (unsigned int i = 0; i < 5; i++)
		set_bit(dirty, cpus[i]);
	/* the changer is one of them: the other four are interrupted */
	assert_int_equal(tlb_policy_ipi_set(TLB_P2M_REMOVE, dirty, ipi,
					    NWORDS, 3), 4);
	for (unsigned int c = 0; c < 128; c++)
		assert_int_equal(test_bit(ipi, c),
				 c == 0 || c == 63 || c == 64 || c == 127);
	/* the changer never ran the domain: all five */
	assert_int_equal(tlb_policy_ipi_set(TLB_P2M_REMOVE, dirty, ipi,
					    NWORDS, 7), 5);
	for (unsigned int c = 0; c < 128; c++)
		assert_int_equal(test_bit(ipi, c), test_bit(dirty, c));
	/* narrowing: the same set */
	assert_int_equal(tlb_policy_ipi_set(TLB_P2M_NARROW, dirty, ipi,
					    NWORDS, 64), 4);
	assert_false(test_bit(ipi, 64));
	/* nobody ran it: nobody to interrupt */
	memset(dirty, 0, sizeof(dirty));
	assert_int_equal(tlb_policy_ipi_set(TLB_P2M_REMOVE, dirty, ipi,
					    NWORDS, 0), 0);
	assert_int_equal(ipi[0] | ipi[1], 0);
}

static void unknown_change_is_flushed(void **state)
{
	enum tlb_p2m_change bogus = (enum tlb_p2m_change)99;

	(void)state;
	assert_int_equal(tlb_policy_cpu(bogus, true, false), TLB_CPU_IPI_WAIT);
	assert_true(tlb_policy_flush_vcpus(bogus));
}

/* ---- VM entry ------------------------------------------------------------- */

static struct tlb_entry enter(struct tlb_asid_cpu *c, struct tlb_asid_vcpu *v,
			      unsigned int cpu, bool pending)
{
	return tlb_policy_vm_entry(c, v, cpu, pending);
}

static void first_entry_flushes_everything(void **state)
{
	struct tlb_asid_cpu c;
	struct tlb_asid_vcpu a;
	struct tlb_entry t;

	(void)state;
	tlb_asid_cpu_init(&c, 16, false);
	tlb_asid_vcpu_init(&a);
	t = enter(&c, &a, 0, true);
	assert_int_equal(t.flush, TLB_FLUSH_ALL);
	assert_true(t.new_asid);
	assert_int_equal(a.asid, 1);
	assert_int_equal(a.generation, 1);
	assert_int_equal(a.last_cpu, 0);
	/* again, nothing requested: no flush, same ASID */
	t = enter(&c, &a, 0, false);
	assert_int_equal(t.flush, TLB_FLUSH_NONE);
	assert_false(t.new_asid);
	assert_int_equal(a.asid, 1);
}

static void each_vcpu_has_its_own_asid(void **state)
{
	struct tlb_asid_cpu c;
	struct tlb_asid_vcpu a, b;
	struct tlb_entry t;

	(void)state;
	tlb_asid_cpu_init(&c, 16, false);
	tlb_asid_vcpu_init(&a);
	tlb_asid_vcpu_init(&b);
	enter(&c, &a, 0, false);
	t = enter(&c, &b, 0, false);
	assert_int_equal(t.flush, TLB_FLUSH_NONE);
	assert_true(t.new_asid);
	assert_int_equal(b.asid, 2);
	/* taking turns on one CPU needs no flush: the entries are tagged */
	for (int i = 0; i < 10; i++) {
		t = enter(&c, i % 2 ? &a : &b, 0, false);
		assert_int_equal(t.flush, TLB_FLUSH_NONE);
		assert_false(t.new_asid);
	}
	assert_int_equal(a.asid, 1);
	assert_int_equal(b.asid, 2);
}

static void pending_flush_with_flush_by_asid(void **state)
{
	struct tlb_asid_cpu c;
	struct tlb_asid_vcpu a;
	struct tlb_entry t;

	(void)state;
	tlb_asid_cpu_init(&c, 16, true);
	tlb_asid_vcpu_init(&a);
	enter(&c, &a, 2, false);
	t = enter(&c, &a, 2, true);
	assert_int_equal(t.flush, TLB_FLUSH_ASID);
	assert_false(t.new_asid);
	assert_int_equal(a.asid, 1);
	assert_int_equal(c.next_asid, 2);  /* no ASID used up */
}

static void pending_flush_without_flush_by_asid(void **state)
{
	struct tlb_asid_cpu c;
	struct tlb_asid_vcpu a;
	struct tlb_entry t;

	(void)state;
	tlb_asid_cpu_init(&c, 16, false);
	tlb_asid_vcpu_init(&a);
	enter(&c, &a, 2, false);
	/* a fresh ASID has no entries: no flush of anyone else */
	t = enter(&c, &a, 2, true);
	assert_int_equal(t.flush, TLB_FLUSH_NONE);
	assert_true(t.new_asid);
	assert_int_equal(a.asid, 2);
	/* when that uses up the last ASID, everything is flushed */
	tlb_asid_cpu_init(&c, 3, false);   /* ASIDs 1 and 2 */
	tlb_asid_vcpu_init(&a);
	enter(&c, &a, 0, false);           /* 1, generation 1 */
	assert_int_equal(enter(&c, &a, 0, true).flush, TLB_FLUSH_NONE);
	assert_int_equal(a.asid, 2);
	t = enter(&c, &a, 0, true);
	assert_int_equal(t.flush, TLB_FLUSH_ALL);
	assert_int_equal(a.asid, 1);
	assert_int_equal(a.generation, 2);
}

static void migration_takes_a_new_asid(void **state)
{
	struct tlb_asid_cpu c0, c1;
	struct tlb_asid_vcpu a;
	struct tlb_entry t;

	(void)state;
	for (int fba = 0; fba < 2; fba++) {
		tlb_asid_cpu_init(&c0, 16, fba);
		tlb_asid_cpu_init(&c1, 16, fba);
		tlb_asid_vcpu_init(&a);
		enter(&c0, &a, 0, false);             /* ASID 1 on CPU 0 */
		enter(&c1, &a, 1, false);             /* moves: CPU 1 */
		assert_int_equal(a.last_cpu, 1);
		assert_int_equal(a.generation, c1.generation);
		/* back on CPU 0, same generation there: still a new ASID,
		 * its old entries on CPU 0 may be stale */
		t = enter(&c0, &a, 0, false);
		assert_true(t.new_asid);
		assert_int_equal(t.flush, TLB_FLUSH_NONE);
		assert_int_equal(a.asid, 2);
		/* a migration with a flush pending: the new ASID is enough */
		t = enter(&c1, &a, 1, true);
		assert_true(t.new_asid);
		assert_int_equal(t.flush, TLB_FLUSH_NONE);
	}
}

static void running_out_of_asids_bumps_the_generation(void **state)
{
	struct tlb_asid_cpu c;
	struct tlb_asid_vcpu v[4];
	struct tlb_entry t;

	(void)state;
	tlb_asid_cpu_init(&c, 4, true);       /* ASIDs 1, 2, 3 */
	for (int i = 0; i < 4; i++)
		tlb_asid_vcpu_init(&v[i]);
	for (int i = 0; i < 3; i++) {
		t = enter(&c, &v[i], 0, false);
		assert_int_equal(t.flush, i == 0 ? TLB_FLUSH_ALL : TLB_FLUSH_NONE);
		assert_int_equal(v[i].asid, (uint32_t)i + 1);
	}
	t = enter(&c, &v[3], 0, false);
	assert_int_equal(t.flush, TLB_FLUSH_ALL);
	assert_int_equal(v[3].asid, 1);
	assert_int_equal(c.generation, 2);
	/* v[0] still says ASID 1, but of generation 1: a new one, not 1 */
	t = enter(&c, &v[0], 0, false);
	assert_true(t.new_asid);
	assert_int_equal(t.flush, TLB_FLUSH_NONE);
	assert_int_equal(v[0].asid, 2);
	assert_int_equal(v[0].generation, 2);
	/* v[3] keeps its ASID of the new generation */
	t = enter(&c, &v[3], 0, false);
	assert_false(t.new_asid);
	assert_int_equal(v[3].asid, 1);
}

static void one_asid_only(void **state)
{
	struct tlb_asid_cpu c;
	struct tlb_asid_vcpu a, b;

	(void)state;
	for (uint32_t n = 0; n <= 2; n++) {   /* 0 and 1: bogus, used as 2 */
		tlb_asid_cpu_init(&c, n, false);
		tlb_asid_vcpu_init(&a);
		tlb_asid_vcpu_init(&b);
		assert_int_equal(enter(&c, &a, 0, false).flush, TLB_FLUSH_ALL);
		assert_int_equal(enter(&c, &a, 0, false).flush, TLB_FLUSH_NONE);
		assert_int_equal(enter(&c, &b, 0, false).flush, TLB_FLUSH_ALL);
		assert_int_equal(enter(&c, &a, 0, false).flush, TLB_FLUSH_ALL);
		assert_int_equal(a.asid, 1);
		assert_int_equal(b.asid, 1);
	}
}

static void generation_counter_skips_zero(void **state)
{
	struct tlb_asid_cpu c;
	struct tlb_asid_vcpu a;

	(void)state;
	tlb_asid_cpu_init(&c, 4, false);
	tlb_asid_vcpu_init(&a);
	c.generation = UINT64_MAX;    /* next bump wraps */
	assert_int_equal(enter(&c, &a, 0, false).flush, TLB_FLUSH_ALL);
	assert_int_equal(c.generation, 1);
	assert_int_equal(a.generation, 1);
}

/* ---- randomised run against a model of the TLBs -------------------------- */

/*
 * The model tags what a vCPU leaves in a CPU's TLB under an ASID with
 * (vCPU, token). A vCPU's token changes when a flush is requested for it
 * (p2m change) and when it enters a CPU other than the last one (the guest
 * may have changed its page tables and flushed elsewhere). At each entry,
 * after the decided flush, every entry left under the ASID it runs with
 * must carry its current token. At start every TLB holds garbage.
 */
#define M_CPUS  3
#define M_VCPUS 7
#define M_ASIDS 40
#define GARBAGE 0xffffffffu

struct tag { unsigned int vcpu, token; bool valid; };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static void model_run(uint32_t nr_asids, bool fba)
{
	struct tlb_asid_cpu c[M_CPUS];
	struct tlb_asid_vcpu v[M_VCPUS];
	struct tag tlb[M_CPUS][M_ASIDS];
	unsigned int token[M_VCPUS] = { 0 }, where[M_VCPUS];
	bool pending[M_VCPUS];
	unsigned long flush_all = 0;

	for (unsigned int i = 0; i < M_CPUS; i++) {
		tlb_asid_cpu_init(&c[i], nr_asids, fba);
		for (unsigned int a = 0; a < M_ASIDS; a++)
			tlb[i][a] = (struct tag){ GARBAGE, 0, true };
	}
	for (unsigned int i = 0; i < M_VCPUS; i++) {
		tlb_asid_vcpu_init(&v[i]);
		where[i] = ~0u;
		pending[i] = true;        /* as a new vCPU */
	}
	for (unsigned int step = 0; step < 200000; step++) {
		unsigned int i = rnd(M_VCPUS);
		unsigned int cpu = where[i] != ~0u && rnd(4) ? where[i] : rnd(M_CPUS);
		struct tlb_entry t;
		struct tag *e;

		if (rnd(10) == 0) {          /* a p2m change: flush requested */
			token[i]++;
			pending[i] = true;
		}
		if (cpu != where[i])
			token[i]++;
		where[i] = cpu;
		t = tlb_policy_vm_entry(&c[cpu], &v[i], cpu, pending[i]);
		pending[i] = false;
		assert_true(v[i].asid >= 1 && v[i].asid < M_ASIDS);
		assert_true(v[i].asid < (nr_asids < 2 ? 2 : nr_asids));
		if (t.flush == TLB_FLUSH_ASID)
			assert_true(fba);
		if (t.flush == TLB_FLUSH_ALL) {
			flush_all++;
			for (unsigned int a = 0; a < M_ASIDS; a++)
				tlb[cpu][a].valid = false;
		} else if (t.flush == TLB_FLUSH_ASID) {
			tlb[cpu][v[i].asid].valid = false;
		}
		e = &tlb[cpu][v[i].asid];
		if (e->valid && (e->vcpu != i || e->token != token[i]))
			fail_msg("step %u: vCPU %u on CPU %u, ASID %u holds "
				 "entries of vCPU %u token %u (now %u)", step, i,
				 cpu, v[i].asid, e->vcpu, e->token, token[i]);
		*e = (struct tag){ i, token[i], true };
	}
	/* with enough ASIDs, a full flush is rare */
	if (nr_asids > 16)
		assert_true(flush_all < 200000 / 20);
}

static void model_many_asids_with_fba(void **s) { (void)s; model_run(40, true); }
static void model_many_asids_no_fba(void **s) { (void)s; model_run(40, false); }
static void model_few_asids_with_fba(void **s) { (void)s; model_run(4, true); }
static void model_few_asids_no_fba(void **s) { (void)s; model_run(4, false); }
static void model_one_asid(void **s) { (void)s; model_run(2, false); }
static void model_qemu_16(void **s) { (void)s; model_run(16, false); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(changes_that_need_nothing),
		cmocka_unit_test(narrowing_and_removal_per_cpu),
		cmocka_unit_test(removal_with_several_dirty_cpus),
		cmocka_unit_test(unknown_change_is_flushed),
		cmocka_unit_test(first_entry_flushes_everything),
		cmocka_unit_test(each_vcpu_has_its_own_asid),
		cmocka_unit_test(pending_flush_with_flush_by_asid),
		cmocka_unit_test(pending_flush_without_flush_by_asid),
		cmocka_unit_test(migration_takes_a_new_asid),
		cmocka_unit_test(running_out_of_asids_bumps_the_generation),
		cmocka_unit_test(one_asid_only),
		cmocka_unit_test(generation_counter_skips_zero),
		cmocka_unit_test(model_many_asids_with_fba),
		cmocka_unit_test(model_many_asids_no_fba),
		cmocka_unit_test(model_few_asids_with_fba),
		cmocka_unit_test(model_few_asids_no_fba),
		cmocka_unit_test(model_one_asid),
		cmocka_unit_test(model_qemu_16),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
