// SPDX-License-Identifier: MIT
/*
 * Unit tests of SVM's fixed intercept policy and exit decoding
 * (hv/arch/x86/svm/svm_policy.c), bit by bit. Some rules cannot be shown
 * on the test bed (QEMU's TCG never raises #AC), so they are checked here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "svm_policy.h"

static struct vmcb vmcb;

static void test_exceptions_reflected(void **state)
{
	memset(&vmcb, 0, sizeof(vmcb));
	svm_set_intercepts(&vmcb.ctl);
	/* XSA-156: #DB (1) and #AC (17) always exit, so a guest cannot make
	 * the CPU loop delivering them; nothing else is intercepted. */
	assert_int_equal(vmcb.ctl.intercept_exceptions, (1u << 1) | (1u << 17));
}

static void test_instruction_intercepts(void **state)
{
	static const uint32_t misc1[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
		INTERCEPT_CPUID, INTERCEPT_INVD, INTERCEPT_HLT, INTERCEPT_INVLPGA,
		INTERCEPT_IOIO, INTERCEPT_MSR, INTERCEPT_SHUTDOWN,
	};
	static const uint32_t misc2[] = {
		INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
		INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
		INTERCEPT_MONITOR, INTERCEPT_MWAIT, INTERCEPT_MWAIT_C,
		INTERCEPT_XSETBV,
	};
	uint32_t m1 = 0, m2 = 0;

	memset(&vmcb, 0, sizeof(vmcb));
	svm_set_intercepts(&vmcb.ctl);
	for (size_t i = 0; i < sizeof(misc1) / sizeof(misc1[0]); i++) {
		assert_true(vmcb.ctl.intercept_misc1 & misc1[i]);
		m1 |= misc1[i];
	}
	for (size_t i = 0; i < sizeof(misc2) / sizeof(misc2[0]); i++) {
		assert_true(vmcb.ctl.intercept_misc2 & misc2[i]);
		m2 |= misc2[i];
	}
	/* Exactly these: the window exit (VINTR) is switched on on demand. */
	assert_int_equal(vmcb.ctl.intercept_misc1, m1);
	assert_int_equal(vmcb.ctl.intercept_misc2, m2);
	assert_int_equal(vmcb.ctl.intercept_cr, 0);
	assert_int_equal(vmcb.ctl.intercept_dr, 0);
}

static struct vm_exit decode(uint64_t code, uint64_t i1, uint64_t i2)
{
	struct vm_exit e;

	memset(&e, 0, sizeof(e));
	vmcb.ctl.exitcode = code;
	vmcb.ctl.exitinfo1 = i1;
	vmcb.ctl.exitinfo2 = i2;
	vmcb.ctl.next_rip = 0x1234;
	e.kind = svm_decode_exit(&vmcb, false, &e);
	return e;
}

static void test_decode(void **state)
{
	struct vm_exit e;

	e = decode(VMEXIT_EXCP_BASE + 17, 0, 0);   /* #AC: has an error code */
	assert_int_equal(e.kind, EXIT_EXCEPTION);
	assert_int_equal(e.exc.vector, 17);
	assert_true(e.exc.has_error);
	e = decode(VMEXIT_EXCP_BASE + 1, 0, 0);    /* #DB: none */
	assert_int_equal(e.kind, EXIT_EXCEPTION);
	assert_int_equal(e.exc.vector, 1);
	assert_false(e.exc.has_error);
	/* Virtualization instructions become #UD for the guest. */
	for (uint64_t c = VMEXIT_VMRUN; c <= VMEXIT_SKINIT; c++)
		if (c != VMEXIT_VMMCALL)
			assert_int_equal(decode(c, 0, 0).kind, EXIT_UD_INSN);
	assert_int_equal(decode(VMEXIT_VMMCALL, 0, 0).kind, EXIT_HYPERCALL);
	assert_int_equal(decode(VMEXIT_MONITOR, 0, 0).kind, EXIT_UD_INSN);
	assert_int_equal(decode(VMEXIT_MWAIT, 0, 0).kind, EXIT_UD_INSN);
	assert_int_equal(decode(VMEXIT_INVLPGA, 0, 0).kind, EXIT_UD_INSN);
	assert_int_equal(decode(VMEXIT_SHUTDOWN, 0, 0).kind, EXIT_SHUTDOWN);
	assert_int_equal(decode(VMEXIT_INVALID, 0, 0).kind, EXIT_INVALID);
	assert_int_equal(decode(0x3ff, 0, 0).kind, EXIT_UNKNOWN);
	/* I/O: OUTS byte to port 0xe9 with REP, 32-bit addresses, DS; the
	 * next RIP comes from EXITINFO2 even without NRIP save. */
	e = decode(VMEXIT_IOIO, (0xe9u << 16) | (3u << 10) | (1u << 8) |
		   (1u << 4) | (1u << 3) | (1u << 2), 0x5555);
	assert_int_equal(e.kind, EXIT_IO);
	assert_int_equal(e.io.port, 0xe9);
	assert_false(e.io.in);
	assert_true(e.io.string);
	assert_true(e.io.rep);
	assert_int_equal(e.io.bytes, 1);
	assert_int_equal(e.io.addr_bits, 32);
	assert_int_equal(e.io.seg, SEG_DS);
	assert_int_equal(e.next_rip, 0x5555);
	/* Nested page fault: write, in the guest's page-table walk. */
	e = decode(VMEXIT_NPF, 0x2 | (1ull << 33), 0xfee00020);
	assert_int_equal(e.kind, EXIT_NPF);
	assert_true(e.npf.write);
	assert_true(e.npf.in_walk);
	assert_int_equal(e.npf.gpa, 0xfee00020);
	/* Without NRIP save, no next RIP is made up. */
	assert_int_equal(decode(VMEXIT_CPUID, 0, 0).next_rip, 0);
	memset(&e, 0, sizeof(e));
	vmcb.ctl.exitcode = VMEXIT_CPUID;
	svm_decode_exit(&vmcb, true, &e);
	assert_int_equal(e.next_rip, 0x1234);
}

/* V_IRQ bits as the APM lays them out (vol. 2, VMCB offset 0x60). */
#define V_IRQ        (1ull << 8)
#define V_PRIO(p)    ((uint64_t)(p) << 16)
#define V_IGN_TPR    (1ull << 20)
#define V_MASKING    (1ull << 24)
#define V_VECTOR(v)  ((uint64_t)(v) << 32)

static void test_virq_assert(void **state)
{
	memset(&vmcb, 0, sizeof(vmcb));
	svm_set_intercepts(&vmcb.ctl);
	vmcb.ctl.vintr = V_MASKING | 0x5; /* a V_TPR that must survive */
	svm_virq_assert(&vmcb.ctl, 0xf3);
	assert_int_equal(vmcb.ctl.vintr, V_MASKING | 0x5 | V_IRQ | V_IGN_TPR |
			 V_PRIO(0xf) | V_VECTOR(0xf3));
	/* No window exit: the CPU delivers it by itself. */
	assert_false(vmcb.ctl.intercept_misc1 & INTERCEPT_VINTR);
	/* A later one replaces it whole (priority from its own class). */
	svm_virq_assert(&vmcb.ctl, 0x31);
	assert_int_equal(vmcb.ctl.vintr, V_MASKING | 0x5 | V_IRQ | V_IGN_TPR |
			 V_PRIO(0x3) | V_VECTOR(0x31));
}

static void test_virq_window_and_clear(void **state)
{
	memset(&vmcb, 0, sizeof(vmcb));
	svm_set_intercepts(&vmcb.ctl);
	vmcb.ctl.vintr = V_MASKING;
	svm_virq_assert(&vmcb.ctl, 0xec);
	svm_virq_window(&vmcb.ctl);
	/* The window request drops the vector and asks for the exit. */
	assert_int_equal(vmcb.ctl.vintr, V_MASKING | V_IRQ | V_IGN_TPR | V_PRIO(0xf));
	assert_true(vmcb.ctl.intercept_misc1 & INTERCEPT_VINTR);
	svm_virq_clear(&vmcb.ctl);
	assert_int_equal(vmcb.ctl.vintr, V_MASKING);
	assert_false(vmcb.ctl.intercept_misc1 & INTERCEPT_VINTR);
	/* Clearing leaves the fixed intercepts alone. */
	assert_true(vmcb.ctl.intercept_misc1 & INTERCEPT_INTR);
	assert_true(vmcb.ctl.intercept_misc1 & INTERCEPT_HLT);
}

static void test_intinfo_external(void **state)
{
	const uint64_t valid = 1ull << 31;

	assert_false(svm_intinfo_external(0));
	assert_false(svm_intinfo_external(0xf3)); /* not valid */
	/* An external interrupt, as hardware reports it. */
	assert_true(svm_intinfo_external(valid | (0ull << 8) | 0xf3));
	/* As TCG reports one it was delivering: "exception" 0xf3. */
	assert_true(svm_intinfo_external(valid | (3ull << 8) | 0xf3));
	assert_true(svm_intinfo_external(valid | (3ull << 8) | 32));
	/* Real exceptions, NMIs and software interrupts go back through
	 * EVENTINJ as they came. */
	assert_false(svm_intinfo_external(valid | (3ull << 8) | 14 |
					  (1ull << 11) | (2ull << 32)));
	assert_false(svm_intinfo_external(valid | (3ull << 8) | 31));
	assert_false(svm_intinfo_external(valid | (2ull << 8) | 2));
	assert_false(svm_intinfo_external(valid | (4ull << 8) | 0x80));
}

/* svm_check_entry: the two ways the test bed fails an entry, and what
 * must not be taken for them. */
#define HOST_CR3   0x3ffde000ull
#define VMRUN_RET  0x21f66bull

static struct vmcb_save entered;
static struct vmcb after;

static void entry_setup(void)
{
	memset(&entered, 0, sizeof(entered));
	entered.rip = 0xffffffff819d32afull;
	entered.rsp = 0xffffffff82a03e08ull;
	entered.rflags = 0x82;
	entered.cr3 = 0x30ec000;
	memset(&after, 0, sizeof(after));
	after.save = entered;
}

static void fetch_fault_shutdown(void)
{
	after.ctl.exitcode = VMEXIT_SHUTDOWN;
	/* #PF, error code valid, error 0x10 (instruction fetch, not present):
	 * as recorded on the bed. */
	after.ctl.exitintinfo = 0x1080000b0eull;
}

static void test_entry_ok(void **state)
{
	entry_setup();
	after.ctl.exitcode = VMEXIT_IOIO;
	after.save.rip += 2;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
}

static void test_entry_fetch_shutdown(void **state)
{
	entry_setup();
	fetch_fault_shutdown();
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_FETCH_SHUTDOWN);
	/* Anything that moved means the guest ran: a real triple fault. */
	assert_int_equal(svm_check_entry(&entered, &after, false, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
	after.save.rip = entered.rip + 1;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
	entry_setup();
	fetch_fault_shutdown();
	after.save.rsp -= 8;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
	entry_setup();
	fetch_fault_shutdown();
	after.save.cr3 = 0x4000;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
	/* A data access #PF (error 0x2) or another vector is the guest's. */
	entry_setup();
	fetch_fault_shutdown();
	after.ctl.exitintinfo = 0x200000b0eull;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
	after.ctl.exitintinfo = 0x1080000b0dull;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
	after.ctl.exitintinfo = 0;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
}

static void test_entry_host_state(void **state)
{
	entry_setup();
	after.ctl.exitcode = VMEXIT_NPF;
	after.save.cr3 = HOST_CR3;
	after.save.rip = VMRUN_RET;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_HOST_STATE);
	assert_int_equal(svm_check_entry(&entered, &after, false, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_HOST_STATE_LOST);
	/* A guest may own that CR3 value (guest-physical) as long as its RIP
	 * is its own. */
	after.save.rip = 0xffffffff81000000ull;
	assert_int_equal(svm_check_entry(&entered, &after, true, HOST_CR3, VMRUN_RET),
			 SVM_ENTRY_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exceptions_reflected),
		cmocka_unit_test(test_instruction_intercepts),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_virq_assert),
		cmocka_unit_test(test_virq_window_and_clear),
		cmocka_unit_test(test_intinfo_external),
		cmocka_unit_test(test_entry_ok),
		cmocka_unit_test(test_entry_fetch_shutdown),
		cmocka_unit_test(test_entry_host_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
