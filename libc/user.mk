# libc/user.mk - user mode: our DLLs and the user programs, all PE32+ built by
# MinGW-w64 (included by the Makefile).  docs/loader.md tells the design.
#
#   $(B)/dll/NAME.dll      libc/NAME/*.c *.S with libc/NAME/NAME.def as the export table
#   $(B)/implib/libNAME.a  its import library (used to link the other DLLs)
#   $(B)/lib/libmmtools.a  the extras' import library, the only one programs add
#   $(B)/user/NAME.exe     every tests/user/NAME.c (USER_TEST_PROGS), child_*.c included
#   $(B)/user/dll_*.dll    tests/user/dll_*.c: DLLs the tests load
#   $(B)/prog/NAME.exe     $(PROG), for `make run PROG=file.c|file.exe`
#
# Programs are built exactly as a Windows developer builds them
# (x86_64-w64-mingw32-gcc file.c -o file.exe: MinGW's headers, crt2.o and its
# import libraries for kernel32.dll, msvcrt.dll, ...), plus libc/include for
# the project's extras (<mmtools.h>, fork in <unistd.h>) and -lmmtools -lntdll.

MINGW ?= x86_64-w64-mingw32-
UCC   := $(MINGW)gcc

UCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-stack-protector -Ilibc/include -I. -MMD -MP
# Our DLLs: no C runtime start-up or default libraries; ASLR-capable, NX.
# 4 KiB file alignment: each section's pages are the file's pages unchanged, so the
# read-only ones map the page cache's frames in every process (mm/image.c).
DLL_LDFLAGS := -shared -nostdlib -Wl,--dynamicbase,--high-entropy-va,--nxcompat -Wl,--disable-auto-image-base \
	-Wl,--file-alignment=4096
# What a program adds to MinGW's default link.
PROG_LIBS := -L$(B)/lib -lmmtools -lntdll

DLLS := ntdll kernel32 msvcrt mmtools advapi32 bcrypt
# Prebuilt DLLs the ISO carries as they are: Debian's libwinpthread-1.dll (package
# mingw-w64-x86-64-dev), which MinGW's posix thread model links pthread programs
# (and -pthread builds) against.
WINPTHREAD_DLL = $(MINGW_LIB)/libwinpthread-1.dll
DLL_FILES := $(patsubst %,$(B)/dll/%.dll,$(DLLS)) $(B)/dll/libwinpthread-1.dll
# API-set DLLs (libc/apiset/NAME.def): export tables of forwarders only, no code,
# named as MinGW's import libraries name them (libsynchronization.a ->
# api-ms-win-core-synch-l1-2-0.dll); each is a boot module like the DLLs above.
APISET_DLLS := $(patsubst libc/apiset/%.def,$(B)/dll/%.dll,$(wildcard libc/apiset/*.def))
DLL_FILES += $(APISET_DLLS)
# A program's extra import libraries: its first line may say `/* link: -lNAME ... */`.
prog_link = $$(sed -n '1s|.*/\* link: \(.*\) \*/.*|\1|p' $(1))

# Per DLL: preferred base, entry point (0: none), the libraries it links with.
# Each DLL links only against the import libraries of the DLLs below it.
# The bases lie together in one 2 MiB of one 1 GiB (one page directory and one
# page table for all four in every process, which fork copies), 512 KiB apart:
# room for each unstripped image (ntdll 308 KiB, kernel32 228 KiB, mmtools
# 124 KiB; msvcrt, 832 KiB, last with the rest of the 1 GiB above it).
MINGW_LIB  := /usr/x86_64-w64-mingw32/lib
ntdll_BASE    := 0x7ffc00000000
ntdll_ENTRY   := 0
ntdll_LIBS    := -lgcc
kernel32_BASE  := 0x7ffc00080000
kernel32_ENTRY := 0
kernel32_LIBS  := $(B)/implib/libntdll.a -lgcc
msvcrt_BASE   := 0x7ffc00180000
msvcrt_ENTRY  := crt_dll_main
msvcrt_LIBS   := $(MINGW_LIB)/libmingwex.a $(B)/implib/libkernel32.a $(B)/implib/libntdll.a -lgcc
mmtools_BASE  := 0x7ffc00100000
mmtools_ENTRY := 0
mmtools_LIBS  := $(B)/implib/libmsvcrt.a $(B)/implib/libkernel32.a $(B)/implib/libntdll.a -lgcc
# advapi32 (tokens, privileges) and bcrypt (BCryptGenRandom): Windows system DLLs
# programs import by name (issue 22), above the apiset DLLs' base.
advapi32_BASE  := 0x7ffc00400000
advapi32_ENTRY := 0
advapi32_LIBS  := $(B)/implib/libkernel32.a $(B)/implib/libntdll.a -lgcc
bcrypt_BASE    := 0x7ffc00440000
bcrypt_ENTRY   := 0
bcrypt_LIBS    := -lgcc
# psapi.dll (issue 21): forwarders to kernel32's K32* calls only (libc/psapi/psapi.def, no code).
DLLS += psapi
DLL_FILES += $(B)/dll/psapi.dll
psapi_BASE     := 0x7ffc00480000
psapi_ENTRY    := 0
psapi_LIBS     :=
$(B)/u/libc/advapi32/%: UCFLAGS += -D_ADVAPI32_
$(B)/dll/advapi32.dll: $(B)/implib/libkernel32.a $(B)/implib/libntdll.a
# msvcrt defines what MinGW's headers declare dllimport (_CRTIMP empty), keeps its
# own printf (not libmingwex's inline one), and must not have memcpy loops turned
# into calls to itself.
$(B)/u/libc/msvcrt/%: UCFLAGS += -D_CRTIMP= -D__USE_MINGW_ANSI_STDIO=0 -fno-builtin \
	-fno-tree-loop-distribute-patterns -Ilibc/msvcrt
# Link order: a DLL needs the import libraries of those it imports.
$(B)/dll/kernel32.dll: $(B)/implib/libntdll.a
$(B)/dll/msvcrt.dll: $(B)/implib/libkernel32.a $(B)/implib/libntdll.a
$(B)/dll/mmtools.dll: $(B)/implib/libmsvcrt.a $(B)/implib/libkernel32.a $(B)/implib/libntdll.a

dll_src = $(wildcard libc/$(1)/*.c libc/$(1)/*.S)
dll_obj = $(patsubst %,$(B)/u/%.o,$(call dll_src,$(1)))

$(B)/u/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -c $< -o $@

$(B)/u/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -c $< -o $@

.SECONDEXPANSION:
$(B)/dll/%.dll: $$(call dll_obj,$$*) libc/$$*/$$*.def
	@mkdir -p $(dir $@) $(B)/implib
	$(UCC) $(DLL_LDFLAGS) -Wl,--image-base,$($*_BASE) -Wl,-e,$($*_ENTRY) -o $@ \
		$(call dll_obj,$*) libc/$*/$*.def $($*_LIBS) -Wl,--out-implib,$(B)/implib/lib$*.a

$(B)/dll/api-ms-%.dll: libc/apiset/api-ms-%.def
	@mkdir -p $(dir $@)
	$(UCC) $(DLL_LDFLAGS) -Wl,--image-base,0x7ffc00300000 -Wl,-e,0 -o $@ $<

# Copied unchanged (mkiso.sh strips its debug sections like ours).
$(B)/dll/libwinpthread-1.dll: $(WINPTHREAD_DLL)
	@mkdir -p $(dir $@)
	cp $< $@

# The import library comes with its DLL.
$(B)/implib/lib%.a: $(B)/dll/%.dll
	@test -f $@

$(B)/lib/libmmtools.a: $(B)/implib/libmmtools.a
	@mkdir -p $(dir $@)
	cp $< $@

-include $(foreach d,$(DLLS),$(patsubst %.o,%.d,$(call dll_obj,$(d))))

# ---- programs ------------------------------------------------------------------
USER_TEST_SRC   := $(filter-out tests/user/dll_%.c,$(wildcard tests/user/*.c))
USER_TEST_PROGS := $(patsubst tests/user/%.c,$(B)/user/%.exe,$(USER_TEST_SRC))
USER_TEST_DLLS  := $(patsubst tests/user/%.c,$(B)/user/%.dll,$(wildcard tests/user/dll_*.c))
# mimalloc's own tests (fetched from Debian, built unchanged): tests/mimalloc.mk.
include tests/mimalloc.mk
# SQLite (fetched from Debian, built unchanged) and its test program: tests/sqlite.mk.
include tests/sqlite.mk

$(B)/user/%.exe: tests/user/%.c $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< $(call prog_link,$<) $(PROG_LIBS)

# Test DLLs: a normal MinGW DLL build; the preferred base is in the source's first
# line comment `/* DLL base 0x... */` when it has one.
$(B)/user/dll_%.dll: tests/user/dll_%.c $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -shared -o $@ $< \
		$$(sed -n '1s|.*DLL base \(0x[0-9a-fA-F]*\).*|-Wl,--image-base,\1|p' $<) $(PROG_LIBS)

# make run PROG=file.c|file.exe: the program keeps its name (hello.c -> hello.exe). A .c links
# -lpthread last, as MinGW's -pthread would: a pthread program needs no link comment, and one
# that calls no pthread function imports nothing from libwinpthread-1.dll.
PROG_NAME := $(basename $(notdir $(PROG))).exe
PROG_EXE  := $(B)/prog/$(PROG_NAME)
ifneq ($(filter %.exe,$(PROG)),)
$(PROG_EXE): $(PROG)
	@mkdir -p $(dir $@)
	cp $< $@
else
# $(B)/prog/prog.name remembers which file was built, so switching PROG rebuilds.
.PHONY: user-prog-name
$(B)/prog/prog.name: user-prog-name
	@mkdir -p $(dir $@)
	@echo '$(PROG)' | cmp -s - $@ || echo '$(PROG)' > $@
$(PROG_EXE): $(PROG) $(B)/prog/prog.name $(B)/lib/libmmtools.a $(wildcard libc/include/*.h libc/include/sys/*.h)
	@test -n '$(PROG)' || { echo 'make: set PROG=file.c' >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(UCC) $(filter-out -Werror -MMD -MP,$(UCFLAGS)) -o $@ $(PROG) $(call prog_link,$(PROG)) $(PROG_LIBS) -lpthread
endif

# The command line of the program `run=` starts: a boot module cmdline.txt
# (from the environment, so ARGS may hold any quotes).
export PROG_CMDLINE := $(PROG_NAME)$(if $(ARGS), $(ARGS))
.PHONY: prog-cmdline
$(B)/prog/cmdline.txt: prog-cmdline
	@mkdir -p $(dir $@)
	@printf '%s' "$$PROG_CMDLINE" | cmp -s - $@ || printf '%s' "$$PROG_CMDLINE" > $@

# Broken images for tests/user/pe_bad_images.c: tools/mkbadpe writes each defect
# into a copy of child_pebase.exe (the list is the tool's table).
BAD_IMAGES_STAMP := $(B)/user/bad/stamp
$(BAD_IMAGES_STAMP): $(B)/user/child_pebase.exe $(B)/tools/mkbadpe
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	$(MINGW)strip --strip-debug -o $(dir $@)good.exe $<
	$(B)/tools/mkbadpe $(dir $@)good.exe $(dir $@) > $(dir $@)list
	@touch $@
# The module names, known once the stamp is made (used in recipes only).
BAD_IMAGES = $$(cat $(B)/user/bad/list)

.PRECIOUS: $(B)/u/%.c.o $(B)/u/%.S.o $(B)/implib/lib%.a

-include $(patsubst tests/user/%.c,$(B)/user/%.d,$(USER_TEST_SRC))
