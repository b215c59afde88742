# SPDX-License-Identifier: GPL-2.0
#
# xen-netcoal: xen-netback and xen-netfront with interrupt coalescing,
# built out of tree from the kernel's own source package + our patches.
#
#   make [KVER=<release>] [KSRC=<kernel tree>]   build both modules
#   make check                                   every test (CI runs this)
#   make lab                                     Xen in QEMU, prints results
#   make install                                 into /lib/modules/KVER/updates
#   make bench-sim / make bench [TRACE=file.csv]  simulator (+ lab) comparison
#   make bench-quick / make bench-density         one short lab boot / 1-8 guests

KVER = $(shell tools/kver.sh)
KDIR = /lib/modules/$(KVER)/build
ifeq ($(wildcard /lib/modules/$(KVER)/build/Makefile),)
KDIR = /usr/src/linux-headers-$(KVER)
endif
KSRC ?=
BUILD = build/$(KVER)
MODULES = xen-netback xen-netfront

.PHONY: all modules deps prepare unit fuzz checkpatch sparse check lab \
	lab-check bench bench-quick bench-density bench-sim sim-check udpgen-check install \
	uninstall clean

all: modules

deps:
	@tools/install-deps.sh $(if $(filter command line,$(origin KVER)),$(KVER))

# prepare-src.sh re-extracts and re-patches only when the source, KSRC or
# the series changed, and copies only changed files: cheap to run always.
prepare:
	@test -f $(KDIR)/Makefile || { echo "No kernel build tree at $(KDIR): apt-get install linux-headers-$(KVER) (or run 'make deps')" >&2; exit 1; }
	@tools/prepare-src.sh $(BUILD) $(KSRC)

modules: prepare
	@for m in $(MODULES); do \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/$(BUILD)/$$m modules || exit 1; \
		cp $(BUILD)/$$m/$$m.ko $(BUILD)/$$m.ko; \
	done
	@tools/check-vermagic.sh $(KVER) $(BUILD)/xen-netback.ko $(BUILD)/xen-netfront.ko

unit:
	@$(MAKE) -C selftests/unit run

fuzz:
	@$(MAKE) -C selftests/fuzz run

checkpatch: prepare
	@tools/checkpatch.sh $(BUILD)/src/linux/scripts/checkpatch.pl

sparse: prepare
	@tools/sparse.sh $(KDIR) $(BUILD) $(MODULES)

# The lab boots Xen + dom0 + guests in QEMU with these two modules.
LAB_ENV = KVER=$(KVER) NETBACK_KO=$(CURDIR)/$(BUILD)/xen-netback.ko \
	  NETFRONT_KO=$(CURDIR)/$(BUILD)/xen-netfront.ko

lab:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory modules
	@$(LAB_ENV) tools/lab/lab.sh run

lab-check: modules
	@$(LAB_ENV) tools/lab/lab.sh check

# Benchmarks print their numbers; goals.py compares them with the goals.
bench-sim:
	@tools/bench/bench.sh sim

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory modules
	@$(LAB_ENV) tools/bench/bench.sh all

bench-quick bench-density:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory modules
	@$(LAB_ENV) tools/bench/bench.sh $(@:bench-%=%)

sim-check:
	@$(MAKE) -s -C tools/sim check

# the lab's open-loop stream generator, tested on the loopback interface
udpgen-check:
	@$(MAKE) -s -C tools/udpgen check

check:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory sim-check
	@$(MAKE) --no-print-directory udpgen-check
	@$(MAKE) --no-print-directory modules
	@$(MAKE) --no-print-directory checkpatch
	@$(MAKE) --no-print-directory sparse
	@$(MAKE) --no-print-directory lab-check

install: modules
	install -d $(DESTDIR)/lib/modules/$(KVER)/updates
	install -m 644 $(BUILD)/xen-netback.ko $(BUILD)/xen-netfront.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/
	$(if $(DESTDIR),depmod -b $(DESTDIR) $(KVER),depmod $(KVER))

uninstall:
	rm -f /lib/modules/$(KVER)/updates/xen-netback.ko \
	      /lib/modules/$(KVER)/updates/xen-netfront.ko
	depmod $(KVER)

clean:
	rm -rf build
