# tests/mimalloc.mk - mimalloc, a real allocator written for Windows, built unchanged
# with MinGW-w64 as a client of our heap's neighbours (VirtualAlloc, TLS, FLS, the
# calls of libc/kernel32/processor.c, advapi32, bcrypt).  Included by libc/user.mk.
# tools/fetch-mimalloc.sh fetches its Debian source package into $(B)/mimalloc/src;
# its library (src/static.c) and its own tests test/test-*.c are compiled as they
# are, with a case-insensitive shim for <Windows.h> (test-stress.c spells it so).
#
#   $(B)/user/mi_test_api_fill.exe  in make test (17 tests, all pass)
#   $(B)/user/mi_test_api.exe  34 of 34 pass at 512M with PAGEFILE=1G (its eager segment
#     commits go past RAM + the initial pagefile, which grows: docs/pagefile.md); not in
#     make test while the default PAGEFILE is 256M (see below)
#   $(B)/mimalloc/mi_test_stress.exe  built; not in make test: its default 32 threads x
#     50 iterations ran over 15 min on a loaded TCG host without finishing (docs/heap.md).
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

$(B)/user/mi_test_api.exe: $(MI_DIR)/mi_test_api.exe
	@mkdir -p $(dir $@)
	cp $< $@

USER_TEST_PROGS += $(B)/user/mi_test_api_fill.exe
# mi_test_api.exe passes (34 of 34) with PAGEFILE=1G; with the default 256M the pagefile
# cannot grow and malloc-aligned6 runs out of commit: add it here when PAGEFILE=1G is the default.
MI_512M_ONLY := $(B)/user/mi_test_api.exe
.PHONY: mimalloc
mimalloc: $(B)/user/mi_test_api_fill.exe $(MI_DIR)/mi_test_api.exe $(MI_DIR)/mi_test_stress.exe

# make bench's mimalloc row: tests/bench/bench_heap.c with -DBENCH_MIMALLOC over static.o.
$(B)/bench/bench_heap_mi.exe: tests/bench/bench_heap.c tests/bench/bench.h $(MI_DIR)/static.o $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -DBENCH_MIMALLOC -I$(MI_SRC)/include -o $@ tests/bench/bench_heap.c $(MI_DIR)/static.o $(PROG_LIBS)
