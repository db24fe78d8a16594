# tests/sqlite.mk - SQLite, the first real client (issue 20; docs/sqlite.md), built
# unchanged with MinGW-w64 and its own Windows VFS (SQLITE_OS_WIN, threads on) as a
# client of our kernel32: files, locks, file mappings, threads.  Included by libc/user.mk.
# tools/fetch-sqlite.sh fetches Debian's sqlite3 source package into $(B)/sqlite/src
# and generates the amalgamation there with SQLite's own `make sqlite3.c`.
#
#   $(B)/sqlite/sqlite_db.exe     tests/sqlite/sqlite_db.c + sqlite3.o: two boots on one
#                                 disk in make test (tools/sqlite-boots.sh)
#   $(B)/sqlite/speedtest1.exe    SQLite's test/speedtest1.c, unchanged (make bench)
SQL_DIR    := $(B)/sqlite
SQL_SRC    := $(SQL_DIR)/src
SQL_CFLAGS := -O2 -DNDEBUG -DSQLITE_OS_WIN=1 -DSQLITE_THREADSAFE=1 -I$(SQL_SRC) -w

$(SQL_DIR)/stamp: tools/fetch-sqlite.sh
	@mkdir -p $(SQL_DIR)
	sh tools/fetch-sqlite.sh $(SQL_DIR)
	touch $@

$(SQL_DIR)/sqlite3.o: $(SQL_DIR)/stamp
	$(UCC) $(SQL_CFLAGS) -c $(SQL_SRC)/sqlite3.c -o $@

# Our test: the project's flags (-Werror) for its own source, SQLite's object as it is.
$(SQL_DIR)/sqlite_db.exe: tests/sqlite/sqlite_db.c tests/user/utest.h $(SQL_DIR)/sqlite3.o $(B)/lib/libmmtools.a
	$(UCC) $(filter-out -MMD -MP,$(UCFLAGS)) -I$(SQL_SRC) -o $@ $< $(SQL_DIR)/sqlite3.o $(PROG_LIBS)

# Data written through a file view survives a reboot (issue 20): booted beside sqlite_db.exe.
$(SQL_DIR)/fmap_persist.exe: tests/sqlite/fmap_persist.c tests/user/utest.h $(B)/lib/libmmtools.a
	@mkdir -p $(dir $@)
	$(UCC) $(filter-out -MMD -MP,$(UCFLAGS)) -o $@ $< $(PROG_LIBS)

$(SQL_DIR)/speedtest1.exe: $(SQL_DIR)/sqlite3.o
	$(UCC) $(SQL_CFLAGS) -o $@ $(SQL_SRC)/test/speedtest1.c $(SQL_DIR)/sqlite3.o

.PHONY: sqlite
sqlite: $(SQL_DIR)/sqlite_db.exe $(SQL_DIR)/speedtest1.exe

# make test's SQLite boots (tools/sqlite-boots.sh): an ISO whose programs are
# sqlite_db.exe and fmap_persist.exe, booted twice on one fresh disk ($(B)/sqlite-disk.img) with
# test=fat_ utests (the FAT KTESTs, then the program under the leak oracle);
# log $(B)/sqlite.log ("sqlite: N passed, N failed"), the boots' own logs beside it.
# ($$(ISO_DEPS): the Makefile defines it after including this file.)
$(B)/sqlite.iso: $$(ISO_DEPS) $(SQL_DIR)/sqlite_db.exe $(SQL_DIR)/fmap_persist.exe
	tools/mkiso.sh $@ $(B)/kernel.elf "test=fat_ utests" $(DLL_FILES) $(SQL_DIR)/sqlite_db.exe \
		$(SQL_DIR)/fmap_persist.exe

.PHONY: sqlite-test
sqlite-test: $(B)/sqlite.iso
	-@TIMEOUT=$(TEST_TIMEOUT) DISK_SIZE=$(DISK_SIZE) tools/sqlite-boots.sh $(B)/sqlite.iso $(B)/sqlite-disk.img \
		$(B)/sqlite-boot > $(B)/sqlite.log; cat $(B)/sqlite.log
