/*
 * tests/sqlite/sqlite_db.c - SQLite (Debian's source package, built unchanged
 * with its own Windows VFS: tests/sqlite.mk) as the first real client of the
 * files, file mappings, locks and threads (issue 20).  Two boots on one disk
 * (tools/sqlite-boots.sh):
 *
 * Without C:\SQLDB\test.db (the first boot, a fresh disk): `create`
 *   1. a rollback-journal database: NROWS rows inserted in NTXN transactions,
 *      one transaction rolled back, a unique index built (the sorter may spill
 *      to a delete-on-close temporary file);
 *   2. reopened with PRAGMA mmap_size=268435456: every row and NLOOKUP index
 *      look-ups read back, while VirtualQuery shows a MEM_MAPPED view covering
 *      the database file (SQLite reads its pages through MapViewOfFile);
 *   3. journal_mode=WAL: connection A holds a read snapshot while connection B
 *      (another thread) and a child process (`sqlite_db.exe wal-child`, its own
 *      connection: the -shm file is mapped by both processes) append rows; A
 *      sees none of them until its transaction ends, then all; a TRUNCATE
 *      checkpoint and PRAGMA integrity_check = ok;
 *   4. a last transaction (a meta row, every 1000th row updated) left in the
 *      -wal file: the connection closes without a checkpoint.
 * With it (the second boot, same disk): `check` reopens the database (SQLite
 *   rebuilds the WAL index from the -wal file), checks every row, the child's
 *   rows and the last transaction, integrity_check, and removes C:\SQLDB.
 *
 * The mode comes from the command line's first argument when there is one.
 */
#include "../user/utest.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

#define DIR_A "C:\\SQLDB"
#define DB_A DIR_A "\\test.db"
#define NROWS 100000
#define NTXN 10
#define NLOOKUP 2000
#define NB 500          /* rows B appends (ids NROWS+1 ...) */
#define NC 500          /* rows the child appends after B's */
#define NALL (NROWS + NB + NC)

/* Row i's key (unique: a bijection of i) and text (10..59 letters after a prefix). */
static sqlite3_int64 row_key(unsigned i)
{
	return (sqlite3_int64)((i * 2654435761u) ^ 0x5bd1e995u);
}

static int row_text(unsigned i, char *out, int updated)
{
	int n = sprintf(out, "row %u:", i);
	int len = 10 + (int)(i % 50);
	for (int j = 0; j < len; j++)
		out[n++] = (char)('a' + (i + (unsigned)j * 7) % 26);
	if (updated)
		out[n++] = '!';
	out[n] = 0;
	return n;
}

/* Runs sql (no rows expected); checks SQLITE_OK and prints SQLite's message otherwise. */
#define EXEC(db, sql) exec_at((db), (sql), __LINE__)
static int exec_at(sqlite3 *db, const char *sql, int line)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	utest_checks++;
	if (rc != SQLITE_OK) {
		utest_failures++;
		printf("  check failed: \"%s\": rc %d %s (line %d)\n", sql, rc, err ? err : "", line);
	}
	sqlite3_free(err);
	return rc;
}

/* The first column of sql's first row as an integer (-1 and a failed check if none). */
#define QINT(db, sql) qint_at((db), (sql), __LINE__)
static sqlite3_int64 qint_at(sqlite3 *db, const char *sql, int line)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 v = -1;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	utest_checks++;
	if (rc != SQLITE_ROW) {
		utest_failures++;
		printf("  check failed: \"%s\": rc %d %s (line %d)\n", sql, rc, sqlite3_errmsg(db), line);
	}
	sqlite3_finalize(st);
	return v;
}

/* The first column of sql's first row as text, copied into out (size n). */
#define QTEXT(db, sql, out) qtext_at((db), (sql), (out), sizeof(out), __LINE__)
static const char *qtext_at(sqlite3 *db, const char *sql, char *out, size_t n, int line)
{
	sqlite3_stmt *st = NULL;
	out[0] = 0;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		snprintf(out, n, "%s", t ? t : "(null)");
	}
	utest_checks++;
	if (rc != SQLITE_ROW) {
		utest_failures++;
		printf("  check failed: \"%s\": rc %d %s (line %d)\n", sql, rc, sqlite3_errmsg(db), line);
	}
	sqlite3_finalize(st);
	return out;
}

/* Opens DB_A read-write (creating it), with a 10 s busy timeout. */
static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(DB_A, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	CHECK_EQ(rc, SQLITE_OK);
	if (rc != SQLITE_OK) {
		printf("  open %s: %s\n", DB_A, db ? sqlite3_errmsg(db) : "no memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* Inserts rows first..last (ids) with their keys and texts in one transaction. */
static void insert_rows(sqlite3 *db, unsigned first, unsigned last)
{
	sqlite3_stmt *st = NULL;
	char text[96];
	EXEC(db, "BEGIN");
	CHECK_EQ(sqlite3_prepare_v2(db, "INSERT INTO t(id, k, v) VALUES(?, ?, ?)", -1, &st, NULL), SQLITE_OK);
	unsigned bad = 0;
	for (unsigned i = first; i <= last && st; i++) {
		int n = row_text(i, text, 0);
		sqlite3_bind_int64(st, 1, i);
		sqlite3_bind_int64(st, 2, row_key(i));
		sqlite3_bind_text(st, 3, text, n, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE && bad++ < 3)
			printf("  insert %u: %s\n", i, sqlite3_errmsg(db));
		sqlite3_reset(st);
	}
	CHECK_EQ(bad, 0);
	sqlite3_finalize(st);
	EXEC(db, "COMMIT");
}

/*
 * Reads every row in id order and compares it with what was inserted: ids
 * 1..last exactly (texts of ids that are multiples of 1000 end in '!' when
 * updated).
 */
static void check_rows(sqlite3 *db, unsigned last, int updated)
{
	sqlite3_stmt *st = NULL;
	char want[96];
	unsigned expect = 1, bad = 0;
	CHECK_EQ(sqlite3_prepare_v2(db, "SELECT id, k, v FROM t ORDER BY id", -1, &st, NULL), SQLITE_OK);
	int rc = -1;
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned id = (unsigned)sqlite3_column_int64(st, 0);
		int n = row_text(id, want, updated && id % 1000 == 0);
		const char *v = (const char *)sqlite3_column_text(st, 2);
		if (id != expect || sqlite3_column_int64(st, 1) != row_key(id) || sqlite3_column_bytes(st, 2) != n ||
		    memcmp(v, want, n) != 0) {
			if (bad++ < 3)
				printf("  row %u (expected %u): k %lld v %s\n", id, expect,
				       (long long)sqlite3_column_int64(st, 1), v);
		}
		expect = id + 1;
	}
	CHECK_EQ(st ? rc : 0, SQLITE_DONE);
	CHECK_EQ(expect - 1, last);
	CHECK_EQ(bad, 0);
	sqlite3_finalize(st);
}

/* NLOOKUP look-ups by key through the index: each finds its one row (updated: as check_rows). */
static void check_lookups(sqlite3 *db, int updated)
{
	sqlite3_stmt *st = NULL;
	char want[96];
	unsigned bad = 0;
	CHECK_EQ(sqlite3_prepare_v2(db, "SELECT id, v FROM t WHERE k = ?", -1, &st, NULL), SQLITE_OK);
	for (unsigned j = 0; j < NLOOKUP && st; j++) {
		unsigned i = 1 + (j * 7919u) % NROWS;
		sqlite3_bind_int64(st, 1, row_key(i));
		int ok = sqlite3_step(st) == SQLITE_ROW && (unsigned)sqlite3_column_int64(st, 0) == i;
		int n = row_text(i, want, updated && i % 1000 == 0);
		ok = ok && sqlite3_column_bytes(st, 1) == n && memcmp(sqlite3_column_text(st, 1), want, n) == 0;
		ok = ok && sqlite3_step(st) == SQLITE_DONE;
		if (!ok && bad++ < 3)
			printf("  look-up of row %u failed\n", i);
		sqlite3_reset(st);
	}
	CHECK_EQ(bad, 0);
	sqlite3_finalize(st);
}

/* The size of a file, -1 if it does not exist. */
static long long file_size(const char *path)
{
	WIN32_FILE_ATTRIBUTE_DATA a;
	if (!GetFileAttributesExA(path, GetFileExInfoStandard, &a))
		return -1;
	return (long long)a.nFileSizeHigh << 32 | a.nFileSizeLow;
}

/* The largest MEM_MAPPED (file or pagefile view) region of this process. */
static SIZE_T largest_mapped_view(void)
{
	MEMORY_BASIC_INFORMATION m;
	SIZE_T best = 0;
	char *p = NULL, *next;
	for (; VirtualQuery(p, &m, sizeof m) == sizeof m; p = next) {
		next = (char *)m.BaseAddress + m.RegionSize;
		if (next <= p)
			break;
		if (m.Type == MEM_MAPPED && m.State == MEM_COMMIT && m.RegionSize > best)
			best = m.RegionSize;
	}
	return best;
}

/* Step 1: the rollback-journal database. */
static void create_db(void)
{
	CHECK(CreateDirectoryA(DIR_A, NULL));
	sqlite3 *db = open_db();
	if (!db)
		return;
	EXEC(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL)");
	EXEC(db, "CREATE TABLE meta(name TEXT PRIMARY KEY, value INTEGER)");
	for (unsigned x = 0; x < NTXN; x++)
		insert_rows(db, x * (NROWS / NTXN) + 1, (x + 1) * (NROWS / NTXN));
	CHECK_EQ(QINT(db, "SELECT count(*) FROM t"), NROWS);
	/* a transaction rolled back: its pages come back from the journal */
	EXEC(db, "BEGIN");
	EXEC(db, "UPDATE t SET v = 'gone' WHERE id % 3 = 0");
	EXEC(db, "DELETE FROM t WHERE id > 90000");
	CHECK_EQ(QINT(db, "SELECT count(*) FROM t"), 90000);
	CHECK(file_size(DB_A "-journal") > 0);
	EXEC(db, "ROLLBACK");
	CHECK_EQ(QINT(db, "SELECT count(*) FROM t WHERE v = 'gone'"), 0);
	CHECK_EQ(file_size(DB_A "-journal"), -1);	/* journal_mode=DELETE */
	EXEC(db, "CREATE UNIQUE INDEX t_k ON t(k)");
	char text[32];
	CHECK(strcmp(QTEXT(db, "PRAGMA journal_mode", text), "delete") == 0);
	CHECK_EQ(sqlite3_close(db), SQLITE_OK);
	printf("sqlite_db: %d rows in %d transactions, database %lld bytes\n", NROWS, NTXN, file_size(DB_A));
}

/* Step 2: every row back through a mapped view of the database. */
static void read_mapped(void)
{
	sqlite3 *db = open_db();
	if (!db)
		return;
	CHECK_EQ(QINT(db, "PRAGMA mmap_size=268435456"), 268435456);
	long long size = file_size(DB_A);
	SIZE_T before = largest_mapped_view();
	sqlite3_stmt *st = NULL;
	CHECK_EQ(sqlite3_prepare_v2(db, "SELECT count(*), sum(k) FROM t", -1, &st, NULL), SQLITE_OK);
	CHECK_EQ(sqlite3_step(st), SQLITE_ROW);
	sqlite3_int64 sum = 0;
	for (unsigned i = 1; i <= NROWS; i++)
		sum += row_key(i);
	CHECK_EQ(sqlite3_column_int64(st, 0), NROWS);
	CHECK_EQ(sqlite3_column_int64(st, 1), sum);
	/* while the read transaction is open the whole file is in a view */
	SIZE_T during = largest_mapped_view();
	CHECK(before < (SIZE_T)size);
	CHECK(during >= (SIZE_T)size);
	printf("sqlite_db: mmap view %llu bytes for a %lld-byte database\n", (unsigned long long)during, size);
	sqlite3_finalize(st);
	check_rows(db, NROWS, 0);
	check_lookups(db, 0);
	CHECK_EQ(sqlite3_close(db), SQLITE_OK);
}

struct writer {
	unsigned first, last;
	int done;
};

/* Thread: connection B appends rows first..last. */
static DWORD WINAPI writer_thread(void *arg)
{
	struct writer *w = arg;
	sqlite3 *db = open_db();
	if (!db)
		return 1;
	insert_rows(db, w->first, w->last);
	CHECK_EQ(QINT(db, "SELECT count(*) FROM t"), w->last);
	CHECK_EQ(sqlite3_close(db), SQLITE_OK);
	w->done = 1;
	return 0;
}

/* Step 3: WAL with two connections here and one in a child process. */
static void wal_phase(void)
{
	sqlite3 *a = open_db();
	if (!a)
		return;
	char text[64];
	CHECK(strcmp(QTEXT(a, "PRAGMA journal_mode=WAL", text), "wal") == 0);
	/* A's snapshot (the first read opens the -wal file and maps the -shm file) */
	EXEC(a, "BEGIN");
	CHECK_EQ(QINT(a, "SELECT count(*) FROM t"), NROWS);
	CHECK(file_size(DB_A "-wal") >= 0);
	CHECK(file_size(DB_A "-shm") >= 32768);
	/* B, on another thread, appends while A reads its snapshot */
	struct writer w = { NROWS + 1, NROWS + NB, 0 };
	HANDLE th = CreateThread(NULL, 0, writer_thread, &w, 0, NULL);
	CHECK(th != NULL);
	check_rows(a, NROWS, 0);	/* the snapshot: NROWS rows, whenever B commits */
	CHECK_EQ(WaitForSingleObject(th, 60000), WAIT_OBJECT_0);
	DWORD code = 1;
	CHECK(GetExitCodeThread(th, &code));
	CHECK_EQ(code, 0);
	CHECK(w.done);
	CloseHandle(th);
	CHECK_EQ(QINT(a, "SELECT count(*) FROM t"), NROWS);
	/* a child process: its own connection, the -shm file mapped there too */
	ULONG pid = 0;
	code = 1;
	CHECK_STATUS(mm_spawn_cmdline("sqlite_db.exe", "sqlite_db.exe wal-child", &pid), STATUS_SUCCESS);
	CHECK_STATUS(mm_wait(pid, &code), STATUS_SUCCESS);
	CHECK_EQ(code, 0);
	CHECK_EQ(QINT(a, "SELECT count(*) FROM t"), NROWS);
	EXEC(a, "COMMIT");
	CHECK_EQ(QINT(a, "SELECT count(*) FROM t"), NALL);
	check_rows(a, NALL, 0);
	CHECK(file_size(DB_A "-wal") > 0);
	/* checkpoint everything into the database: busy 0, the -wal file emptied */
	CHECK_EQ(QINT(a, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	CHECK_EQ(file_size(DB_A "-wal"), 0);
	CHECK(strcmp(QTEXT(a, "PRAGMA integrity_check", text), "ok") == 0);
	printf("sqlite_db: integrity_check %s\n", text);
	/* step 4: a last transaction only in the -wal file */
	int off = 1;
	CHECK_EQ(sqlite3_db_config(a, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &off), SQLITE_OK);
	CHECK_EQ(off, 1);
	EXEC(a, "BEGIN");
	char sql[64];
	snprintf(sql, sizeof sql, "INSERT INTO meta VALUES('rows', %d)", NALL);
	EXEC(a, sql);
	EXEC(a, "UPDATE t SET v = v || '!' WHERE id % 1000 = 0");
	EXEC(a, "COMMIT");
	CHECK_EQ(sqlite3_close(a), SQLITE_OK);
	CHECK(file_size(DB_A "-wal") > 0);
	printf("sqlite_db: left %lld bytes in the -wal file\n", file_size(DB_A "-wal"));
}

/* `wal-child`: the child's connection sees A's and B's commits, appends its rows. */
static int wal_child(void)
{
	sqlite3 *db = open_db();
	if (!db)
		return utest_done("sqlite_db wal-child");
	char text[32];
	CHECK(strcmp(QTEXT(db, "PRAGMA journal_mode", text), "wal") == 0);
	CHECK_EQ(QINT(db, "SELECT count(*) FROM t"), NROWS + NB);
	insert_rows(db, NROWS + NB + 1, NALL);
	check_rows(db, NALL, 0);
	CHECK_EQ(sqlite3_close(db), SQLITE_OK);
	return utest_done("sqlite_db wal-child");
}

/* The second boot: everything the first one committed, from the database and its -wal file. */
static void check_db(void)
{
	CHECK(file_size(DB_A "-wal") > 0);
	sqlite3 *db = open_db();
	if (!db)
		return;
	char text[64];
	CHECK_EQ(QINT(db, "PRAGMA mmap_size=268435456"), 268435456);
	CHECK(strcmp(QTEXT(db, "PRAGMA journal_mode", text), "wal") == 0);
	CHECK_EQ(QINT(db, "SELECT value FROM meta WHERE name = 'rows'"), NALL);
	CHECK_EQ(QINT(db, "SELECT count(*) FROM t"), NALL);
	check_rows(db, NALL, 1);
	check_lookups(db, 1);
	CHECK(strcmp(QTEXT(db, "PRAGMA integrity_check", text), "ok") == 0);
	printf("sqlite_db: reopened, %d rows, integrity_check %s\n", NALL, text);
	CHECK_EQ(sqlite3_close(db), SQLITE_OK);
	/* the last connection's close checkpointed and removed the -wal file */
	CHECK_EQ(file_size(DB_A "-wal"), -1);
	CHECK(DeleteFileA(DB_A));
	DeleteFileA(DB_A "-shm");
	CHECK(RemoveDirectoryA(DIR_A));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : file_size(DB_A) >= 0 ? "check" : "create";
	CHECK_EQ(sqlite3_threadsafe(), 1);
	if (strcmp(mode, "wal-child") == 0)
		return wal_child();
	printf("sqlite_db: SQLite %s, %s\n", sqlite3_libversion(), mode);
	if (strcmp(mode, "create") == 0) {
		DWORD t0 = GetTickCount();
		create_db();
		DWORD t1 = GetTickCount();
		read_mapped();
		DWORD t2 = GetTickCount();
		wal_phase();
		printf("sqlite_db: create %lu ms, mapped read %lu ms, WAL %lu ms\n", (unsigned long)(t1 - t0),
		       (unsigned long)(t2 - t1), (unsigned long)(GetTickCount() - t2));
	} else if (strcmp(mode, "check") == 0) {
		check_db();
	} else {
		printf("usage: sqlite_db.exe [create|check|wal-child]\n");
		return 2;
	}
	return utest_done("sqlite_db");
}
