# Makefile - the front door.  `make` builds the kernel and ISO, `make run`
# boots it (PROG=file.c runs one user program), `make test` runs every test.
MAKEFLAGS += -rR --no-print-directory
.SUFFIXES:
.DEFAULT_GOAL := all

CROSS   ?=
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
NM      := $(CROSS)nm
OBJDUMP := $(CROSS)objdump
HOSTCC  ?= gcc
B       ?= build
TIMEOUT ?= 60
# CPUs QEMU gives a boot (make run, make run PROG=, make debug; tools/qemu-run.sh -smp): 4 by
# default, SMP=1 for one.  make bench boots its single-CPU rows with SMP=1 and the SMP rows with
# 2 and 4 whatever SMP says.  make test's boots take TEST_SMP, 4 (docs/testing.md).  The mimalloc
# boot runs its 4 CPUs on one host thread (TESTMI_ACCEL): with a host thread per vCPU its 32-thread
# stress took 552 s on this 2-core host, on one thread 111 s (docs/testing.md, "CPUs and times").
# So does the 64M boot (TEST64_ACCEL; paging on 4 vCPUs: 262 s with a thread each, 180 s on one,
# the two side by side on the loaded host).
SMP     ?= 4
TEST_SMP ?= 4
TESTMI_ACCEL ?= -accel tcg,thread=single
TEST64_ACCEL ?= -accel tcg,thread=single
export QEMU_SMP := $(SMP)

# ---- kernel ----------------------------------------------------------------
KCFLAGS := -std=gnu11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -O2 -g -Wall -Wextra -Werror -I. -MMD -MP
ifdef MM_DEBUG
KCFLAGS += -DMM_DEBUG=$(MM_DEBUG)
endif
# UBSan (kernel/ubsan.c is the runtime: a failed check panics with file:line and a
# backtrace); on by default, off for benchmarks.
UBSAN ?= 1
ifeq ($(UBSAN),1)
KCFLAGS += -fsanitize=undefined
endif
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T kernel/kernel.ld

KSRC := $(wildcard boot/*.S kernel/*.S kernel/*.c kernel/fs/*.c mm/*.c drivers/*.c tests/kernel/*.c) libc/string.c libc/fmt.c
KOBJ := $(patsubst %,$(B)/k/%.o,$(KSRC))

# Objects depend on the flags too, so UBSAN= or MM_DEBUG= rebuild what they change.
.PHONY: kflags-check
$(B)/k/cflags: kflags-check
	@mkdir -p $(dir $@)
	@echo '$(KCFLAGS)' | cmp -s - $@ || echo '$(KCFLAGS)' > $@

$(B)/k/%.c.o: %.c $(B)/k/cflags
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(B)/k/%.S.o: %.S $(B)/k/cflags
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

# The sanitizer runtime must not check itself.
$(B)/k/kernel/ubsan.c.o: KCFLAGS += -fno-sanitize=all

# Two links: the first gives the addresses for the symbol table, the second
# appends the table after everything else, so no other address moves.
$(B)/kernel.pass1.elf: $(KOBJ) kernel/kernel.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJ)

$(B)/ksyms.S: $(B)/kernel.pass1.elf tools/mksyms.sh
	tools/mksyms.sh $(NM) $< > $@

$(B)/ksyms.o: $(B)/ksyms.S
	$(CC) $(KCFLAGS) -c $< -o $@

$(B)/kernel.elf: $(KOBJ) $(B)/ksyms.o kernel/kernel.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJ) $(B)/ksyms.o
	@$(NM) -n $(B)/kernel.pass1.elf | grep -v -e ksyms -e __kernel_end > $(B)/syms.pass1
	@$(NM) -n $@ | grep -v -e ksyms -e __kernel_end > $(B)/syms.final
	@cmp -s $(B)/syms.pass1 $(B)/syms.final || { echo "ksyms: symbol addresses moved between links" >&2; exit 1; }
	$(OBJDUMP) -d $@ > $(B)/kernel.dis
	$(NM) -n $@ > $(B)/kernel.sym

-include $(KOBJ:.o=.d)

# ---- user programs -----------------------------------------------------------
-include libc/user.mk

# The program `make run` boots with (no PROG): the tour, tour.c (the list of
# steps) and one step_*.c per step.
USER_RUN_PROGS := $(B)/demo/tour.exe
RUN_CMDLINE    := run=tour.exe
TOUR_SRC := tests/demo/tour.c $(wildcard tests/demo/step_*.c)
$(B)/demo/tour.exe: $(TOUR_SRC) $(wildcard tests/demo/*.h) $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -MF $(B)/demo/tour.d -o $@ $(TOUR_SRC) $(PROG_LIBS)
-include $(B)/demo/tour.d

# The benchmark program `make bench` runs after the in-kernel bench_* tests.
# With bench_child.exe (process start), dll_bench_image.dll (image mapping) and
# bench_heap_mi.exe (mimalloc's row: tests/mimalloc.mk).
BENCH_MODULES := $(B)/bench/bench.exe $(B)/bench/bench_child.exe $(B)/bench/dll_bench_image.dll \
	$(B)/bench/bench_heap_mi.exe
BENCH_SRC := tests/bench/bench.c tests/bench/bench_process.c tests/bench/bench_files.c tests/bench/bench_thread.c \
	tests/bench/bench_heap.c
# SQLite's speedtest1 rows: bench.exe starts speedtest1.exe (tests/sqlite.mk) as a child.
BENCH_MODULES += $(B)/sqlite/speedtest1.exe
BENCH_SRC += tests/bench/bench_sqlite.c
# Mapped-file rows and process start from C:\ (issue 20): bench_child.exe is on the bench disk too.
BENCH_SRC += tests/bench/bench_fmap.c
# Another process's memory and the ring buffer's placeholders (issue 21).
BENCH_SRC += tests/bench/bench_procmem.c
# A switch between two processes (issue 18, PCID).
BENCH_SRC += tests/bench/bench_switch.c
bench-run: DISK_ROOT = $(B)/bench/bench_child.exe
$(B)/bench/bench.exe: $(BENCH_SRC) tests/bench/bench.h $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -MF $(B)/bench/bench.d -o $@ $(BENCH_SRC) $(PROG_LIBS)
$(B)/bench/bench_smp.exe: tests/bench/bench_smp.c tests/bench/bench_smp_pool.c tests/bench/bench_smp.h \
		tests/bench/bench_raw.h $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -MF $(B)/bench/bench_smp.d -o $@ tests/bench/bench_smp.c tests/bench/bench_smp_pool.c \
		$(PROG_LIBS)
$(B)/bench/%.exe: tests/bench/%.c $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< $(PROG_LIBS)
$(B)/bench/dll_%.dll: tests/bench/dll_%.c
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -shared -o $@ $<
-include $(patsubst tests/bench/%.c,$(B)/bench/%.d,$(wildcard tests/bench/*.c))

# ---- the pagefile ----------------------------------------------------------------
# A sparse raw image QEMU attaches as a virtio-blk disk (tools/qemu-run.sh), used by
# the kernel only as its pagefile.  PAGEFILE=size (truncate(1) syntax: 256M, 1G) is
# the pagefile's maximum size; it starts at 256 MiB (pagefile_initial=MiB on the
# kernel command line) and grows when a commit would not fit (docs/pagefile.md), so the
# default 256M never grows: PAGEFILE=1G lets it (make test's 512M boot then outgrows its
# 300 s under load and oom_commit's 1 GiB bound: not yet the default).
# PAGEFILE=0 boots without a disk.  The image is remade when the size changes.
PAGEFILE ?= 256M
, := ,
ifeq ($(PAGEFILE),0)
PAGEFILE_IMG :=
else
PAGEFILE_IMG := $(B)/pagefile.img
endif
export PAGEFILE_IMG
# The same drive arguments as tools/qemu-run.sh (which reads PAGEFILE_IMG from the environment).
PAGEFILE_QEMU := $(if $(PAGEFILE_IMG),-drive file=$(PAGEFILE_IMG)$(,)if=none$(,)id=pagefile$(,)format=raw$(,)cache=unsafe \
	-device virtio-blk-pci$(,)drive=pagefile$(,)serial=pagefile$(,)disable-legacy=off$(,)disable-modern=on)

.PHONY: pagefile-size-check
$(B)/pagefile.size: pagefile-size-check
	@mkdir -p $(dir $@)
	@echo '$(PAGEFILE)' | cmp -s - $@ || echo '$(PAGEFILE)' > $@

$(B)/pagefile.img: $(B)/pagefile.size
	@rm -f $@
	truncate -s $(PAGEFILE) $@

# ---- the C: drive -------------------------------------------------------------------
# A FAT32 image QEMU attaches as a second virtio-blk disk (serial "cdrive"; docs/files.md).
# `make run` makes $(B)/disk.img afresh (tools/mkdisk.sh: mkfs.fat, then FILES=dir copied
# onto C:\ with mcopy) and keeps it after the run (read it with `mdir -i $(B)/disk.img ::/`);
# DISK=path boots with an existing image instead and keeps it (persistence across boots).
# The test boots each get a fresh image, checked with fsck.fat -n afterwards.
DISK_SIZE ?= 512M
FILES ?=
ifeq ($(DISK),)
DISK_IMG := $(B)/disk.img
else
DISK_IMG := $(DISK)
endif
export DISK_IMG
# Our DLLs go to C:\Windows\System32 on every fresh C: (tools/mkdisk.sh), where the loader
# finds them (mm/image.h; the boot modules are the fallback of a boot without them);
# DISK_ROOT files go to C:\ (`make run PROG=` puts the program there and starts it from it).
export DISK_SYSTEM32 = $(DLL_FILES)
export DISK_ROOT
.PHONY: disk-image
# What it copies must exist first (make -j, or the jobs of a make test that runs make run).
disk-image: $(DLL_FILES) $(DISK_ROOT)
ifeq ($(DISK),)
	@tools/mkdisk.sh $(DISK_IMG) $(DISK_SIZE) $(FILES)
else
	@test -f '$(DISK)' || { echo 'make: DISK=$(DISK) does not exist' >&2; exit 1; }
endif

# ---- ISOs ----------------------------------------------------------------------
# Every ISO carries our DLLs as boot modules next to its programs.
ISO_DEPS := $(B)/kernel.elf iso/grub.cfg tools/mkiso.sh $(DLL_FILES)

$(B)/winmm.iso: $(ISO_DEPS) $(USER_RUN_PROGS)
	tools/mkiso.sh $@ $(B)/kernel.elf "$(RUN_CMDLINE)" $(DLL_FILES) $(USER_RUN_PROGS)

all: setup $(B)/winmm.iso

.PHONY: all setup run compare test debug clean host-test kernel-test kernel-test64 kernel-testsmp kernel-test16g user-test bench bench-run fuzz svg-test \
	allocfail

setup:
	@tools/setup.sh $(CROSS)

# ---- host tools: pictures from serial logs -----------------------------------------
HOST_TOOLS := $(B)/tools/svgmap $(B)/tools/svgcheck $(B)/tools/mkbadpe
$(B)/tools/%: tools/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=c99 -O2 -Wall -Wextra -Werror -o $@ $< -lm

# MEM=size (QEMU's -m syntax: 64M, 16G) boots make run / make run PROG= / make debug with that
# much RAM (default 512M; all of it is used, above 4 GiB included: docs/memory.md).
ifneq ($(MEM),)
run: export QEMU_MEM = $(MEM)
endif

ifeq ($(PROG),)
# The tour, then its pictures: every vmmap table and the physical map of the log.
run: setup $(B)/winmm.iso $(HOST_TOOLS) $(PAGEFILE_IMG) disk-image
	@TIMEOUT=$(TIMEOUT) tools/qemu-run.sh $(B)/winmm.iso $(B)/run.log console; rc=$$?; \
	 $(B)/tools/svgmap vmmap $(B)/run.log $(B)/vmmap.svg && \
	 $(B)/tools/svgmap physmap $(B)/run.log $(B)/physmap.svg && \
	 echo "make run: pictures in $(B)/vmmap.svg and $(B)/physmap.svg (open them in a browser)" || rc=1; \
	 exit $$rc
else
# Build output goes to stderr: stdout carries only the program's own output.
run: DISK_ROOT = $(PROG_EXE)
run:
	@$(MAKE) -s setup >&2
	@$(MAKE) -s $(B)/kernel.elf $(DLL_FILES) $(PROG_EXE) $(B)/prog/cmdline.txt $(PAGEFILE_IMG) disk-image >&2
	@tools/mkiso.sh $(B)/prog.iso $(B)/kernel.elf "run=$(PROG_NAME)" $(DLL_FILES) $(PROG_EXE) $(B)/prog/cmdline.txt
	@TIMEOUT=$(TIMEOUT) tools/qemu-run.sh $(B)/prog.iso $(B)/prog.log prog; rc=$$?; \
	 if [ $$rc -ne 0 ]; then tr -d '\r' < $(B)/prog.log | grep -E '^(kernel|PANIC|poweroff|process|  )' | \
	   grep -vE '^  [0-9a-f]{16}-' | tail -n 20 >&2; \
	   echo "make run: exit code $$rc (the program's status modulo 256; 124 timeout, 125 no clean stop)" >&2; fi; \
	 exit $$rc
endif

# make compare PROG=file.c|file.exe [ARGS=...]: the same exe on our kernel and under Wine,
# side by side, then the lines that differ (tools/compare.sh; exit 1 when they differ).
compare:
	@test -n '$(PROG)' || { echo 'make: set PROG=file.c' >&2; exit 1; }
	@tools/setup.sh --wine
	@$(MAKE) -s setup $(PROG_EXE) >&2
	@mkdir -p $(B)/compare && cp $(PROG_EXE) $(B)/compare/$(PROG_NAME)
	@B=$(B) TIMEOUT=$(TIMEOUT) tools/compare.sh $(B)/compare/$(PROG_NAME) $(B)/compare $(ARGS)

# make debug: the tour; make debug PROG=file.c: that program (its symbols in $(PROG_EXE)).
ifeq ($(PROG),)
DEBUG_ISO := $(B)/winmm.iso
DEBUG_GDB := gdb $(B)/kernel.elf -ex 'target remote localhost:1234' -ex 'break kmain' -ex continue
else
DEBUG_ISO := $(B)/prog.iso
DEBUG_GDB := gdb $(B)/kernel.elf -ex 'target remote localhost:1234' \
	-ex 'add-symbol-file $(PROG_EXE) -o 0' -ex 'hbreak main' -ex continue
$(B)/prog.iso: $(ISO_DEPS) $(PROG_EXE) $(B)/prog/cmdline.txt
	tools/mkiso.sh $@ $(B)/kernel.elf "run=$(PROG_NAME)" $(DLL_FILES) $(PROG_EXE) $(B)/prog/cmdline.txt
endif
debug: setup $(DEBUG_ISO) $(PAGEFILE_IMG) disk-image
	@echo "QEMU waits for gdb on localhost:1234.  In another terminal:"
	@echo "  $(DEBUG_GDB)"
	qemu-system-x86_64 -machine q35 -cpu max -m $(or $(MEM),512M) -smp $(SMP) -display none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio -cdrom $(DEBUG_ISO) -boot d \
		$(PAGEFILE_QEMU) -drive file=$(DISK_IMG),if=none,id=cdrive,format=raw \
		-device virtio-blk-pci,drive=cdrive,serial=cdrive,disable-legacy=off,disable-modern=on -s -S

# ---- tests ---------------------------------------------------------------------
host-test:
	@mkdir -p $(B)
	@tools/host-tests.sh $(HOSTCC) $(B)/host > $(B)/host.log 2>&1; cat $(B)/host.log

# The tour runs first in the 512M boot (a user test like the others: it exits 0 when all its
# checks hold); tools/svg-test.sh draws its vmmap tables and checks the pictures of its steps.
TEST512_PROGS = $(filter-out $(SMP_TEST_PROGS),$(USER_TEST_PROGS))
$(B)/test.iso: $(ISO_DEPS) $(B)/demo/tour.exe $(TEST512_PROGS) $(USER_TEST_DLLS) $(BAD_IMAGES_STAMP)
	tools/mkiso.sh $@ $(B)/kernel.elf "test=all" $(DLL_FILES) $(B)/demo/tour.exe $(TEST512_PROGS) $(USER_TEST_DLLS) \
		$(BAD_IMAGES)

# The 512M boot's C: goes through QEMU's blkdebug (tools/ioerr-disk.sh): reads and writes of one
# page each of two files in C:\IOERR fail, which files_ioerr.exe checks (its "checked" line must be there).
# The image tests' files on every test C: (tests/user/img_disk.c starts and loads them by path).
IMG_DISK_FILES = $(B)/user/child_imgdisk.exe $(B)/user/dll_imgpath.dll
kernel-test kernel-test64: DISK_ROOT = $(IMG_DISK_FILES)
kernel-test: $(B)/test.iso $(PAGEFILE_IMG)
	-@tools/ioerr-disk.sh $(B)/test-disk.img $(B)/ioerr.conf $(DISK_SIZE); \
	 DISK_DRIVE=file=blkdebug:$(B)/ioerr.conf:$(B)/test-disk.img,format=raw,cache=writeback \
	 TIMEOUT=$(TEST_TIMEOUT) tools/qemu-run.sh $(B)/test.iso $(B)/test.log quiet; \
	 tr -d '\r' < $(B)/test.log | grep -E '^(ktest|utest): (PASS|FAIL|[0-9])|PANIC|EXCEPTION' || true; \
	 tools/fsck-disk.sh $(B)/test-disk.img test-disk.img > $(B)/fsck.log; \
	 tr -d '\r' < $(B)/test.log | grep -q '^files_ioerr: checked' || \
	   echo 'fsck: FAIL files_ioerr.exe did not check the error-injection disk' >> $(B)/fsck.log; \
	 cat $(B)/fsck.log

# The same kernel on a small machine (-m 64M): the in-kernel tests and every user
# program but ww_write_watch (it commits 64 MiB at once); log in $(B)/test64.log.
TEST64_PROGS := $(filter-out $(B)/user/ww_write_watch.exe,$(USER_TEST_PROGS))
$(B)/test64.iso: $(ISO_DEPS) $(TEST64_PROGS) $(USER_TEST_DLLS) $(BAD_IMAGES_STAMP)
	tools/mkiso.sh $@ $(B)/kernel.elf "test=all" $(DLL_FILES) $(TEST64_PROGS) $(USER_TEST_DLLS) $(BAD_IMAGES)

# The power-cut test (tools/powercut.sh): files_powercut.exe writes and flushes files on a fresh
# test64-disk.img, QEMU is killed during unflushed work, fsck.fat -n checks the image; then the
# 64M boot runs on that image and files_powercut.exe reads every flushed file back.
$(B)/powercut/cmdline.txt:
	@mkdir -p $(dir $@)
	echo 'files_powercut.exe write' > $@
$(B)/powercut.iso: $(ISO_DEPS) $(B)/user/files_powercut.exe $(B)/powercut/cmdline.txt
	tools/mkiso.sh $@ $(B)/kernel.elf "run=files_powercut.exe" $(DLL_FILES) $(B)/user/files_powercut.exe \
		$(B)/powercut/cmdline.txt

kernel-test64: $(B)/test64.iso $(B)/powercut.iso $(PAGEFILE_IMG)
	-@DISK_SIZE=$(DISK_SIZE) tools/powercut.sh $(B)/powercut.iso $(B)/test64-disk.img $(B)/powercut-boot.log \
		> $(B)/powercut.log; cat $(B)/powercut.log; \
	 DISK_IMG=$(B)/test64-disk.img QEMU_MEM=64M TIMEOUT=$(TEST_TIMEOUT) tools/qemu-run.sh $(B)/test64.iso $(B)/test64.log quiet; \
	 tr -d '\r' < $(B)/test64.log | grep -E '^(ktest|utest): (PASS|FAIL|[0-9])|PANIC|EXCEPTION' | sed 's/^/[64M] /' || true; \
	 tools/fsck-disk.sh $(B)/test64-disk.img test64-disk.img > $(B)/fsck64.log; cat $(B)/fsck64.log

# The 4-CPU boot (issue 18): the programs written for several CPUs - smp_* (shootdown per call,
# faults from every CPU, fork, PCIDs, affinity) and mt_* (the memory contract under threads,
# the stress program) - with 4 CPUs whatever TEST_SMP says, 512M and the pagefile, the
# lock-order checker on; log in $(B)/testsmp.log.  They run here instead of in the 512M boot
# (the 64M boot keeps them, on TEST_SMP CPUs).
SMP_TEST_PROGS := $(filter $(B)/user/smp_% $(B)/user/mt_%,$(USER_TEST_PROGS))
$(B)/testsmp.iso: $(ISO_DEPS) $(SMP_TEST_PROGS)
	tools/mkiso.sh $@ $(B)/kernel.elf "test=smp_,tlb_,frame_cache utests" $(DLL_FILES) $(SMP_TEST_PROGS)
kernel-testsmp: $(B)/testsmp.iso $(PAGEFILE_IMG)
	-@DISK_IMG= QEMU_SMP=4 TIMEOUT=$(TEST_TIMEOUT) tools/qemu-run.sh $(B)/testsmp.iso $(B)/testsmp.log quiet; \
	 tr -d '\r' < $(B)/testsmp.log | grep -E '^(ktest|utest): (PASS|FAIL|[0-9])|PANIC|EXCEPTION' | sed 's/^/[4 CPUs] /' || true

# The -m 16G boot (issue 18, all of RAM; sparse: the host pays only for the pages the guest
# touches): the ram_/frame_/pat_/paging_ KTESTs and a few programs, ram_16g.exe first
# (tests/user/ram_phys.c expecting 16384 MiB); fw_cfg opt/winmm/ram_mib gives the kernel's
# ram_total_matches_machine the size; poison=256: MM_DEBUG poisons freed frames below
# 256 MiB only, so the boot does not write the low 2 GiB.  No C: drive, no pagefile.
TEST16G_PROGS := $(B)/ram/ram_16g.exe $(B)/user/vm_awe.exe $(B)/user/fork.exe $(B)/user/ww_write_watch.exe
$(B)/ram/ram_16g.exe: tests/user/ram_phys.c $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -DRAM_EXPECT_MIB=16384 -MF $(B)/ram/ram_16g.d -o $@ $< $(PROG_LIBS)
-include $(B)/ram/ram_16g.d
$(B)/test16g.iso: $(ISO_DEPS) $(TEST16G_PROGS)
	tools/mkiso.sh $@ $(B)/kernel.elf "test=ram_,frame_,pat_,paging_ utests poison=256" $(DLL_FILES) $(TEST16G_PROGS)
kernel-test16g: $(B)/test16g.iso
	-@DISK_IMG= PAGEFILE_IMG= QEMU_MEM=16G QEMU_EXTRA="$(QEMU_EXTRA) -fw_cfg name=opt/winmm/ram_mib,string=16384" TIMEOUT=150 \
	 tools/qemu-run.sh $(B)/test16g.iso $(B)/test16g.log quiet; \
	 tr -d '\r' < $(B)/test16g.log | grep -E '^(ktest|utest): (PASS|FAIL|[0-9])|PANIC|EXCEPTION' | sed 's/^/[16G] /' || true

TEST_TIMEOUT ?= 600
# make test builds with TEST_JOBS jobs and runs its boots in two lines side by side (each line's
# boots one after another; the second line has its own pagefile image), so a 2-core machine
# keeps both cores busy; each line's output is printed when it ends (-O).  TEST_JOBS=1: one
# job, the boots one after another.
TEST_JOBS ?= 2
PAGEFILE_B := $(if $(PAGEFILE_IMG),$(B)/pagefile-b.img)
$(B)/pagefile-b.img: $(B)/pagefile.size
	@rm -f $@
	truncate -s $(PAGEFILE) $@
test: setup
	@$(MAKE) -j$(TEST_JOBS) $(B)/test.iso $(B)/test64.iso $(B)/testsmp.iso $(B)/test16g.iso $(B)/testmi.iso \
		$(B)/powercut.iso $(B)/sqlite.iso $(HOST_TOOLS) $(PAGEFILE_IMG) $(PAGEFILE_B)
	@rm -f $(B)/boot-times.txt
	@$(MAKE) -j$(TEST_JOBS) -O test-line-a test-line-b
	@$(MAKE) svg-test
	@echo "boot times (log, CPUs, memory, wall-clock seconds):"; cat $(B)/boot-times.txt 2>/dev/null | sed 's/^/  /'
	@tools/summarize.sh $(B)/host.log:host $(B)/test.log:ktest $(B)/test.log:utest \
		$(B)/test64.log:ktest $(B)/test64.log:utest $(B)/testsmp.log:ktest $(B)/testsmp.log:utest \
		$(B)/test16g.log:ktest $(B)/test16g.log:utest \
		$(B)/testmi.log:ktest $(B)/testmi.log:utest $(B)/svg.log:svg $(B)/fsck.log:fsck $(B)/fsck64.log:fsck \
		$(B)/powercut.log:powercut $(B)/sqlite.log:sqlite $(B)/runcontract.log:runcontract

# The two lines of make test's boots (above): 512M then mimalloc; the 4-CPU boot (first, so its
# timed rounds do not meet mimalloc's 32 threads), the host tests, 64M, 16G and SQLite.
.PHONY: test-line-a test-line-b
test-line-a:
	@$(MAKE) SMP=$(TEST_SMP) kernel-test
	@$(MAKE) SMP=$(TEST_SMP) QEMU_EXTRA="$(QEMU_EXTRA) $(TESTMI_ACCEL)" kernel-testmi
test-line-b:
	@$(MAKE) PAGEFILE_IMG=$(PAGEFILE_B) kernel-testsmp
	@$(MAKE) host-test
	@$(MAKE) PAGEFILE_IMG=$(PAGEFILE_B) run-contract
	@$(MAKE) SMP=$(TEST_SMP) QEMU_EXTRA="$(QEMU_EXTRA) $(TEST64_ACCEL)" PAGEFILE_IMG=$(PAGEFILE_B) kernel-test64
	@$(MAKE) SMP=$(TEST_SMP) kernel-test16g
	@$(MAKE) SMP=$(TEST_SMP) PAGEFILE_IMG=$(PAGEFILE_B) sqlite-test

# The make run contract, through make run itself (tools/run-contract.sh, tests/run/): three short
# boots with their own C: image.
.PHONY: run-contract
run-contract:
	-@MAKE="$(MAKE)" tools/run-contract.sh $(B) $(PAGEFILE_IMG) > $(B)/runcontract.log 2>&1; cat $(B)/runcontract.log

# The SVG pictures of the vmmap_info dump in test.log, checked (no extra boot).
svg-test: $(HOST_TOOLS)
	-@tools/svg-test.sh $(B) > $(B)/svg.log 2>&1; cat $(B)/svg.log

# Benchmarks: deterministic cycles (rdtsc counts guest instructions under -icount shift=0).
BENCH_QEMU := -icount shift=0,sleep=off -seed 1 -rtc base=2024-01-01T00:00:00,clock=vm
$(B)/bench.iso: $(ISO_DEPS) $(BENCH_MODULES)
	tools/mkiso.sh $@ $(B)/kernel.elf "test=bench run=bench.exe" $(DLL_FILES) $(BENCH_MODULES)

# Benchmarks use their own build without the debug checks (poisoning).
bench: setup
	@$(MAKE) B=build/bench MM_DEBUG=0 UBSAN=0 DISK_SIZE=1G SMP=1 bench-run

# The multi-CPU rows (issue 18): tests/bench/bench_smp.c booted with 2 and 4 CPUs, beside the
# anchor's TSV (../shared/peer/linux-bench-smp); its rows carry _2cpu and _4cpu.
$(B)/bench_smp.iso: $(ISO_DEPS) $(B)/bench/bench_smp.exe
	tools/mkiso.sh $@ $(B)/kernel.elf "run=bench_smp.exe" $(DLL_FILES) $(B)/bench/bench_smp.exe

bench-run: $(B)/bench.iso $(B)/bench_smp.iso $(PAGEFILE_IMG) disk-image
	@for cpu in max max,erms=off,pku=off; do \
	  echo "# -cpu $$cpu"; \
	  QEMU_CPU=$$cpu QEMU_EXTRA="$(BENCH_QEMU)" TIMEOUT=300 tools/qemu-run.sh $(B)/bench.iso $(B)/bench-$$cpu.log quiet; \
	  tr -d '\r' < $(B)/bench-$$cpu.log | grep '^bench '; \
	  anchor=../shared/peer/linux-bench/anchors/linux-icount-cpu-$$(echo $$cpu | tr ',=' '--').txt; \
	  if [ -f $$anchor ]; then \
	    echo; echo "ours vs Linux, -cpu $$cpu ($$anchor):"; echo; \
	    tools/bench-compare.sh $(B)/bench-$$cpu.log $$anchor; echo; \
	  fi; \
	  files=../shared/peer/linux-bench-files/data/linux-6.1-files-icount-$$([ $$cpu = max ] && echo max || echo neutral).tsv; \
	  if [ -f $$files ]; then \
	    awk '{ print "bench", $$1, $$2, $$3 }' $$files > $(B)/files-anchor-$$cpu.txt; \
	    echo "files, ours vs Linux, -cpu $$cpu ($$files):"; echo; \
	    tools/bench-compare.sh $(B)/bench-$$cpu.log $(B)/files-anchor-$$cpu.txt; echo; \
	  fi; \
	done
	@for cpu in max max,erms=off,pku=off; do \
	  echo "# -cpu $$cpu, 2 and 4 CPUs"; : > $(B)/bench-smp-$$cpu.log; \
	  for n in 2 4; do \
	    QEMU_SMP=$$n QEMU_CPU=$$cpu QEMU_EXTRA="$(BENCH_QEMU)" TIMEOUT=600 tools/qemu-run.sh $(B)/bench_smp.iso \
	      $(B)/bench-smp$$n-$$cpu.log quiet; \
	    tr -d '\r' < $(B)/bench-smp$$n-$$cpu.log | grep -E '^(bench|info skip|info FATAL) ' | tee -a $(B)/bench-smp-$$cpu.log; \
	  done; \
	  tsv=../shared/peer/linux-bench-smp/data/linux-6.1-smp-icount$$([ $$cpu = max ] || echo -erms-off-pku-off).tsv; \
	  if [ -f $$tsv ]; then \
	    awk '!/^#/ && NF == 3 { print "bench", $$1, $$2, $$3 }' $$tsv > $(B)/smp-anchor-$$cpu.txt; \
	    echo; echo "SMP, ours vs Linux, -cpu $$cpu ($$tsv):"; echo; \
	    tools/bench-compare.sh $(B)/bench-smp-$$cpu.log $(B)/smp-anchor-$$cpu.txt; echo; \
	  fi; \
	done

# A fuzzer for longer: make fuzz [FUZZ=fuzz_vm|fuzz_sections] SEED=n ITER=n
# (tests/user/FUZZ.c; FUZZ_BREAK=n builds it with a deliberately broken model).
FUZZ ?= fuzz_vm
SEED ?= 1
ITER ?= 200000
FUZZ_BREAK ?= 0
FUZZ_TIMEOUT ?= 3600
fuzz: setup
	@$(MAKE) $(B)/kernel.elf $(DLL_FILES) $(B)/lib/libmmtools.a $(PAGEFILE_IMG) disk-image
	@mkdir -p $(B)/fuzz
	$(UCC) $(UCFLAGS) -DFUZZ_SEED=$(SEED) -DFUZZ_ITER=$(ITER) -DFUZZ_BREAK_MODEL=$(FUZZ_BREAK) \
		-o $(B)/fuzz/$(FUZZ).exe tests/user/$(FUZZ).c $(PROG_LIBS)
	@tools/mkiso.sh $(B)/fuzz/fuzz.iso $(B)/kernel.elf "run=$(FUZZ).exe" $(DLL_FILES) $(B)/fuzz/$(FUZZ).exe
	@TIMEOUT=$(FUZZ_TIMEOUT) tools/qemu-run.sh $(B)/fuzz/fuzz.iso $(B)/fuzz/fuzz.log prog

# The allocation-failure sweep in full (tests/kernel/test_allocfail.c): every N from 1 to the
# number of allocations each of its programs makes (make test runs a sample of 20 per program).
ALLOCFAIL_TIMEOUT ?= 14400
allocfail: setup
	@$(MAKE) $(B)/kernel.elf $(DLL_FILES) $(USER_TEST_PROGS) $(USER_TEST_DLLS) $(PAGEFILE_IMG) disk-image
	@tools/mkiso.sh $(B)/allocfail.iso $(B)/kernel.elf "test=allocfail allocfail=full" $(DLL_FILES) \
		$(USER_TEST_PROGS) $(USER_TEST_DLLS)
	-@TIMEOUT=$(ALLOCFAIL_TIMEOUT) tools/qemu-run.sh $(B)/allocfail.iso $(B)/allocfail.log quiet; \
	 tr -d '\r' < $(B)/allocfail.log | grep -E '^(allocfail|ktest|timeout)|PANIC'

clean:
	rm -rf $(B)
