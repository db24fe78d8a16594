# libc/user.mk - user-mode libc and user programs (included by the Makefile).
#   $(B)/libc.a               libc/*.c and libc/*.S (crt0.S apart) built with user flags
#   $(B)/user/NAME.elf        every tests/user/NAME.c          (USER_TEST_PROGS)
#   $(B)/prog.elf             $(PROG), for `make run PROG=file.c`
# libc/string.c and libc/fmt.c are shared with the kernel and compiled again here.

AR := $(CROSS)ar

# User code may use x87/SSE: the kernel saves it per process and in CONTEXT.  User
# code keeps the red zone (the kernel skips 128 bytes when delivering faults).
UCFLAGS := -std=gnu11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fshort-wchar -O2 -g -Wall -Wextra -Werror -Ilibc/include -I. -MMD -MP
ULDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T libc/user.ld

ULIBC_SRC := $(filter-out libc/crt0.S,$(wildcard libc/*.c libc/*.S))
ULIBC_OBJ := $(patsubst %,$(B)/u/%.o,$(ULIBC_SRC))
UCRT0     := $(B)/u/libc/crt0.S.o

USER_TEST_SRC   := $(wildcard tests/user/*.c)
USER_TEST_PROGS := $(patsubst tests/user/%.c,$(B)/user/%.elf,$(USER_TEST_SRC))
USER_RUN_PROGS  :=

$(B)/u/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c $< -o $@

$(B)/u/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c $< -o $@

$(B)/libc.a: $(ULIBC_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/user/%.elf: $(B)/u/tests/user/%.c.o $(UCRT0) $(B)/libc.a libc/user.ld
	@mkdir -p $(dir $@)
	$(LD) $(ULDFLAGS) -o $@ $(UCRT0) $< $(B)/libc.a

# make run PROG=file.c: $(B)/u/prog.name remembers which file prog.o came
# from, so switching PROG rebuilds it even when the new file is older.  Its
# .d file is not included: it would name the previous PROG, which may be gone.
.PHONY: user-prog-name
$(B)/u/prog.name: user-prog-name
	@mkdir -p $(dir $@)
	@echo '$(PROG)' | cmp -s - $@ || echo '$(PROG)' > $@

$(B)/u/prog.o: $(PROG) $(B)/u/prog.name $(wildcard libc/include/*.h) kernel/syscall_abi.h
	@test -n '$(PROG)' || { echo 'make: set PROG=file.c' >&2; exit 1; }
	$(CC) $(filter-out -Werror,$(UCFLAGS)) -c $(PROG) -o $@

$(B)/prog.elf: $(B)/u/prog.o $(UCRT0) $(B)/libc.a libc/user.ld
	$(LD) $(ULDFLAGS) -o $@ $(UCRT0) $< $(B)/libc.a

.PRECIOUS: $(B)/u/%.c.o $(B)/u/%.S.o

-include $(ULIBC_OBJ:.o=.d) $(UCRT0:.o=.d) $(patsubst %,$(B)/u/%.d,$(USER_TEST_SRC))
