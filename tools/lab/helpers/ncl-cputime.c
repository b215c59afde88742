// SPDX-License-Identifier: GPL-2.0
/*
 * ncl-cputime: CPU time of every domain, vCPU and physical CPU, in
 * nanoseconds, as the hypervisor accounts it (libxenctrl).  `xl list`
 * prints the same counters rounded to 0.1 s; the lab samples these at the
 * start and the end of every measurement window instead.
 *
 * Output, one "key value" line each (the lab's snapshot format):
 *   xc/dom<D>/ns N             CPU time of domain D
 *   xc/dom<D>/vcpu<V>/ns N     CPU time of vCPU V of domain D
 *   xc/dom<D>/vcpu<V>/pcpu P   where that vCPU last ran (not a counter)
 *   xc/pcpu<P>/idle_ns N       idle time of physical CPU P
 * Exit 1 with a message on stderr when the hypervisor cannot be asked
 * (not dom0, no /dev/xen/privcmd, a libxenctrl of another Xen version).
 *
 * ncl-cputime -w: one sample, ended by a line ".", for every line read on
 * stdin, until its end. Started once before the measurement, it puts no
 * process start (the dynamic linker, libxenctrl's setup: milliseconds of
 * dom0 CPU under TCG) inside the window it measures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

#define MAX_DOMS	256
#define MAX_PCPUS	64

static void print_vcpus(xc_interface *xch, const xc_domaininfo_t *d)
{
	xc_vcpuinfo_t v;
	unsigned int i;

	for (i = 0; i <= d->max_vcpu_id; i++) {
		if (xc_vcpu_getinfo(xch, d->domain, i, &v) || !v.online)
			continue;
		printf("xc/dom%u/vcpu%u/ns %llu\n", d->domain, i,
		       (unsigned long long)v.cpu_time);
		printf("xc/dom%u/vcpu%u/pcpu %u\n", d->domain, i, v.cpu);
	}
}

static int sample(xc_interface *xch)
{
	static xc_domaininfo_t doms[MAX_DOMS];
	xc_cpuinfo_t pcpus[MAX_PCPUS];
	int n, i, np = 0;

	n = xc_domain_getinfolist(xch, 0, MAX_DOMS, doms);
	if (n < 0) {
		fprintf(stderr, "ncl-cputime: getdomaininfo failed\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		printf("xc/dom%u/ns %llu\n", doms[i].domain,
		       (unsigned long long)doms[i].cpu_time);
		print_vcpus(xch, &doms[i]);
	}
	if (xc_getcpuinfo(xch, MAX_PCPUS, pcpus, &np) == 0)
		for (i = 0; i < np; i++)
			printf("xc/pcpu%d/idle_ns %llu\n", i,
			       (unsigned long long)pcpus[i].idletime);
	return 0;
}

int main(int argc, char **argv)
{
	int wait = argc == 2 && !strcmp(argv[1], "-w"), rc = 0;
	xc_interface *xch;
	char line[64];

	if (argc > 1 && !wait) {
		fprintf(stderr, "usage: ncl-cputime [-w]\n");
		return 2;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "ncl-cputime: cannot open the hypervisor interface (dom0 only)\n");
		return 1;
	}
	if (!wait) {
		rc = sample(xch);
	} else {
		while (fgets(line, sizeof(line), stdin)) {
			if (sample(xch))
				printf("xc/error 1\n");
			printf(".\n");
			fflush(stdout);
		}
	}
	xc_interface_close(xch);
	return rc;
}
