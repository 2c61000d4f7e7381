// SPDX-License-Identifier: MIT
/*
 * basalt-xlcfg: check an xl.cfg file and print the typed domain description
 * Basalt would build from it; --dump prints the canonical form of the
 * differential test against libxlutil.
 */
#include <stdio.h>
#include <string.h>
#include <basalt/xlcfg.h>

static void usage(FILE *f)
{
	fputs("usage: basalt-xlcfg FILE          check FILE, print the domain\n"
	      "       basalt-xlcfg --dump FILE KEY...  canonical dump of KEYs\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "--dump")) {
		xlcfg_dump(stdout, argv[2], argv + 3, argc - 3);
		return 0;
	}
	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	struct xlcfg_domain dom;
	struct xlcfg_diag d;
	xlcfg_diag_init(&d, argv[1], NULL, NULL);
	if (xlcfg_domain_load(argv[1], &dom, &d))
		return 1;
	xlcfg_domain_print(stdout, &dom);
	xlcfg_domain_free(&dom);
	return 0;
}
