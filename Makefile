# SPDX-License-Identifier: GPL-2.0
#
# keyrot: build and test.  README.md says what each target is for.
#
#   make deps     install what the project needs (apt), unpack kernel images
#   make          keyrot.ko in place against KDIR (default: Debian 6.1), the
#                 tools (build/krctl, build/krperf) and build/libkroap.a (OAP)
#   make modules  build keyrot.ko for 6.1 and 6.12 in .cache/build/
#   make kunit    KUnit on User-Mode Linux (kunit.py), VECTORS=file to swap
#   make vmtest   the VM tests: harness self-test, KUnit on 6.1 and 6.12
#   make check    everything above, from a fresh machine; ends "N passed, N failed"
#   make demo     the main job, shown in a VM: one flow, traffic both ways,
#                 re-keys by watermark, interval and request (KVER=6.12)
#   make wiretest packets captured in the VM, judged by the spec-only decoder

KVER	?= 6.1
KABI	 = $(shell scripts/kernel-abi.sh $(KVER))
KDIR	?= /usr/src/linux-headers-$(KABI)
CACHE	?= $(CURDIR)/.cache

export KEYROT_CACHE := $(CACHE)
export KEYROT_RESULTS ?= $(CACHE)/results.tsv
ifdef VECTORS
export KEYROT_VECTORS := $(abspath $(VECTORS))
endif

.PHONY: all deps module modules userspace kunit vmtest check clean demo \
	wiretest

all: module userspace

deps:
	@scripts/deps.sh

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_KEYROT=m W=1 modules

modules:
	scripts/kbuild.sh 6.1 plain
	scripts/kbuild.sh 6.12 plain

userspace:
	$(MAKE) -C tools
	$(MAKE) -C userspace

kunit:
	tests/kunit/uml.sh um

vmtest:
	tests/vm/selftest.sh
	tests/kunit/selftest.sh 6.1
	tests/kunit/vm.sh 6.1
	tests/kunit/vm.sh 6.12
	tests/e2e/load.sh 6.1
	tests/e2e/load.sh 6.12

check: deps
	@tests/check.sh

demo: deps
	@KVER=$(KVER) scripts/demo.sh

wiretest: deps
	@tests/e2e/wire.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C userspace clean
	rm -rf $(CACHE)/build $(CACHE)/results.tsv
