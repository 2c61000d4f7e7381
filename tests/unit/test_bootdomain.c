// SPDX-License-Identifier: MIT
/* Unit tests of the "domain=" option parser (hv/common/bootdomain_parse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <basalt/bootdomain.h>

static void test_defaults(void **state)
{
	struct domain_config c;
	char err[96] = "";

	assert_true(bootdomain_parse("kernel=1", &c, err, sizeof(err)));
	assert_int_equal(c.kernel_module, 1);
	assert_int_equal(c.ramdisk_module, -1);
	assert_false(c.initial);
	assert_int_equal(c.memory, 128ull << 20);
	assert_int_equal(c.vcpus, 1);
	assert_int_equal(c.on_poweroff, ACTION_DESTROY);
	assert_int_equal(c.on_reboot, ACTION_RESTART);
	assert_int_equal(c.on_crash, ACTION_DESTROY);
	assert_string_equal(c.cmdline, "");
	assert_string_equal(c.name, "");
	assert_int_equal(c.cpu_weight, 256);
	assert_int_equal(c.cap, 0);
	assert_true(cpumask_empty(&c.cpus)); /* empty: every CPU */
}

static void test_scheduling_keys(void **state)
{
	struct domain_config c;
	char err[96] = "";

	assert_true(bootdomain_parse("kernel=1,cpu_weight=512,cap=150,cpus=0+2-3",
				     &c, err, sizeof(err)));
	assert_int_equal(c.cpu_weight, 512);
	assert_int_equal(c.cap, 150);
	assert_true(cpumask_test(&c.cpus, 0));
	assert_false(cpumask_test(&c.cpus, 1));
	assert_true(cpumask_test(&c.cpus, 2));
	assert_true(cpumask_test(&c.cpus, 3));
	assert_int_equal(cpumask_weight(&c.cpus), 3);
	assert_true(bootdomain_parse("kernel=1,cpus=all", &c, err, sizeof(err)));
	assert_int_equal(cpumask_weight(&c.cpus), NR_CPUS);
	assert_true(bootdomain_parse("kernel=1,cpus=5", &c, err, sizeof(err)));
	assert_int_equal(cpumask_weight(&c.cpus), 1);
	assert_true(cpumask_test(&c.cpus, 5));
}

static void test_all_keys(void **state)
{
	struct domain_config c;
	char err[96] = "";

	assert_true(bootdomain_parse("kernel=0,ramdisk=2,role=initial,memory=64,"
				     "vcpus=4,name=web,on_poweroff=preserve,"
				     "on_reboot=destroy,on_crash=restart,"
				     "cmdline=console=hvc0,115200 root=/dev/ram0",
				     &c, err, sizeof(err)));
	assert_int_equal(c.kernel_module, 0);
	assert_int_equal(c.ramdisk_module, 2);
	assert_true(c.initial);
	assert_int_equal(c.memory, 64ull << 20);
	assert_int_equal(c.vcpus, 4);
	assert_string_equal(c.name, "web");
	assert_int_equal(c.on_poweroff, ACTION_PRESERVE);
	assert_int_equal(c.on_reboot, ACTION_DESTROY);
	assert_int_equal(c.on_crash, ACTION_RESTART);
	/* cmdline takes the rest, commas included */
	assert_string_equal(c.cmdline, "console=hvc0,115200 root=/dev/ram0");
}

static void expect_error(const char *value, const char *msg)
{
	struct domain_config c;
	char err[96] = "";

	assert_false(bootdomain_parse(value, &c, err, sizeof(err)));
	assert_string_equal(err, msg);
}

static void test_errors(void **state)
{
	expect_error("", "empty domain description");
	expect_error(NULL, "empty domain description");
	expect_error("memory=64", "kernel=<module number> is required");
	expect_error("kernel=x", "kernel must be a module number 0-31");
	expect_error("kernel=32", "kernel must be a module number 0-31");
	expect_error("kernel=", "kernel must be a module number 0-31");
	expect_error("kernel=1,ramdisk=1", "kernel and ramdisk are the same module");
	expect_error("kernel=1,memory=1", "memory must be 2-3072 (MiB)");
	expect_error("kernel=1,memory=3073", "memory must be 2-3072 (MiB)");
	expect_error("kernel=1,memory=99999999999999999999",
		     "memory must be 2-3072 (MiB)");
	expect_error("kernel=1,vcpus=0", "vcpus must be 1-64");
	expect_error("kernel=1,vcpus=65", "vcpus must be 1-64");
	expect_error("kernel=1,role=admin", "role must be initial or unprivileged");
	expect_error("kernel=1,name=", "name must be 1-31 characters");
	expect_error("kernel=1,name=0123456789012345678901234567890123",
		     "name must be 1-31 characters");
	expect_error("kernel=1,on_crash=reboot",
		     "on_crash must be destroy, restart or preserve");
	expect_error("kernel=1,cpu_weight=0", "cpu_weight must be 1-65535");
	expect_error("kernel=1,cpu_weight=65536", "cpu_weight must be 1-65535");
	expect_error("kernel=1,cap=12801", "cap must be 0-12800 (% of one CPU, 0: none)");
	expect_error("kernel=1,cap=-1", "cap must be 0-12800 (% of one CPU, 0: none)");
	for (unsigned int i = 0; i < 7; i++) {
		static const char *const bad[] = {
			"kernel=1,cpus=", "kernel=1,cpus=x", "kernel=1,cpus=3-1",
			"kernel=1,cpus=0+", "kernel=1,cpus=128", "kernel=1,cpus=+1",
			"kernel=1,cpus=1-",
		};
		expect_error(bad[i], "cpus must be all, or CPU numbers 0-127 "
			     "and ranges N-M joined by '+'");
	}
	expect_error("kernel=1,colour=blue", "unknown key 'colour'");
	expect_error("kernel=1,oops", "'oops' is not key=value");
}

static void test_cmdline_empty_ok(void **state)
{
	struct domain_config c;
	char err[96] = "";

	assert_true(bootdomain_parse("kernel=3,cmdline=", &c, err, sizeof(err)));
	assert_string_equal(c.cmdline, "");
	assert_int_equal(c.kernel_module, 3);
}

static void test_garbage_never_crashes(void **state)
{
	static const char alphabet[] = "kernel=,ramdisk1memory0cmdline=role ";
	struct domain_config c;
	char err[96], value[64];
	uint32_t seed = 12345;

	for (int i = 0; i < 20000; i++) {
		size_t n = (seed >> 8) % (sizeof(value) - 1);
		for (size_t j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			value[j] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		value[n] = '\0';
		seed = seed * 1103515245u + 12345u;
		bootdomain_parse(value, &c, err, sizeof(err));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_scheduling_keys),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cmdline_empty_ok),
		cmocka_unit_test(test_garbage_never_crashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
