# tests/mimalloc.mk - mimalloc, a real allocator written for Windows, built unchanged
# with MinGW-w64 as a client of our heap's neighbours (VirtualAlloc, TLS, FLS, the
# calls of libc/kernel32/processor.c, advapi32, bcrypt).  Included by libc/user.mk.
# tools/fetch-mimalloc.sh fetches its Debian source package into $(B)/mimalloc/src;
# its library (src/static.c) and its own tests test/test-*.c are compiled as they
# are, with a case-insensitive shim for <Windows.h> (test-stress.c spells it so).
#
#   $(B)/user/mi_test_api_fill.exe  in make test's 512M and 64M boots (17 tests, all pass)
#   $(B)/mi/mi_test_api.exe  in make test's mimalloc boot (34 tests): 512M with a pagefile that
#     grows (a sparse 1 GiB image, 256 MiB initial): malloc-aligned6 commits 8 x 80 MiB at once,
#     past RAM + the initial pagefile, as a Windows machine's system-managed pagefile allows
#   $(B)/mi/mi_test_stress.exe  the same boot: test-stress.c unchanged (-Dmain=mi_stress_main)
#     run by tests/mimalloc-stress.c with its default 32 threads and 25% load, 5 of its 50
#     iterations (all 50: ~390 s of guest time)
MI_DIR   := $(B)/mimalloc
MI_SRC   := $(MI_DIR)/src
MI_CFLAGS := -O2 -DNDEBUG -I$(MI_SRC)/include -I$(MI_DIR)/shim -w

$(MI_DIR)/stamp: tools/fetch-mimalloc.sh
	@mkdir -p $(MI_DIR)/shim
	sh tools/fetch-mimalloc.sh $(MI_DIR)
	echo '#include <windows.h>' > $(MI_DIR)/shim/Windows.h
	touch $@

$(MI_DIR)/static.o: $(MI_DIR)/stamp
	$(UCC) $(MI_CFLAGS) -c $(MI_SRC)/src/static.c -o $@

# test-NAME.c -> mi_test_NAME.exe (dashes become underscores)
$(MI_DIR)/mi_test_%.exe: $(MI_DIR)/static.o
	$(UCC) $(MI_CFLAGS) -o $@ $(MI_SRC)/test/test-$(subst _,-,$*).c $(MI_DIR)/static.o

$(B)/user/mi_test_api_fill.exe: $(MI_DIR)/mi_test_api_fill.exe
	@mkdir -p $(dir $@)
	cp $< $@

USER_TEST_PROGS += $(B)/user/mi_test_api_fill.exe

$(MI_DIR)/test-stress-main.o: $(MI_DIR)/stamp
	$(UCC) $(MI_CFLAGS) -Dmain=mi_stress_main -c $(MI_SRC)/test/test-stress.c -o $@
$(B)/mi/mi_test_stress.exe: tests/mimalloc-stress.c $(MI_DIR)/test-stress-main.o $(MI_DIR)/static.o
	@mkdir -p $(dir $@)
	$(UCC) $(MI_CFLAGS) -o $@ $< $(MI_DIR)/test-stress-main.o $(MI_DIR)/static.o
$(B)/mi/mi_test_api.exe: $(MI_DIR)/mi_test_api.exe
	@mkdir -p $(dir $@)
	cp $< $@

# The mimalloc boot of make test: 512M (the default memory size), no C: (the DLLs are boot
# modules), its own sparse 1 GiB pagefile image (256 MiB initial: it grows, and the pagefile_
# KTESTs' growth tests run here too), mimalloc's test-api and test-stress.  The other boots keep
# PAGEFILE (256M, no growth): a 1 GiB maximum there costs oom_commit 25 s at 512M and 24 s at
# 64M (it writes every page up to the grown limit) and breaks its 1 GiB bound (docs/heap.md).
MI_BOOT_PROGS := $(B)/mi/mi_test_api.exe $(B)/mi/mi_test_stress.exe
$(B)/testmi.iso: $(B)/kernel.elf iso/grub.cfg tools/mkiso.sh $(DLL_FILES) $(MI_BOOT_PROGS)
	tools/mkiso.sh $@ $(B)/kernel.elf "test=pagefile_ utests" $(DLL_FILES) $(MI_BOOT_PROGS)
$(B)/pagefile-1g.img:
	@mkdir -p $(dir $@)
	truncate -s 1G $@
.PHONY: kernel-testmi
kernel-testmi: $(B)/testmi.iso $(B)/pagefile-1g.img
	-@PAGEFILE_IMG=$(B)/pagefile-1g.img DISK_IMG= TIMEOUT=$(TEST_TIMEOUT) \
	 tools/qemu-run.sh $(B)/testmi.iso $(B)/testmi.log quiet; \
	 tr -d '\r' < $(B)/testmi.log | grep -E '^(ktest|utest): (PASS|FAIL|[0-9])|PANIC|EXCEPTION' | sed 's/^/[mi] /' || true

.PHONY: mimalloc
mimalloc: $(B)/user/mi_test_api_fill.exe $(MI_BOOT_PROGS) $(MI_DIR)/mi_test_stress.exe

# make bench's mimalloc row: tests/bench/bench_heap.c with -DBENCH_MIMALLOC over static.o.
$(B)/bench/bench_heap_mi.exe: tests/bench/bench_heap.c tests/bench/bench.h $(MI_DIR)/static.o $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -DBENCH_MIMALLOC -I$(MI_SRC)/include -o $@ tests/bench/bench_heap.c $(MI_DIR)/static.o $(PROG_LIBS)
