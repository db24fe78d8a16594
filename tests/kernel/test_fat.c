/*
 * tests/kernel/test_fat.c - the FAT32 file system and the page cache: pure
 * parts (names, aliases, patterns, times, boot-sector checks against hostile
 * content) and, on the C: disk of the test boot, files and directories end to
 * end (fsck.fat -n checks the image after the boot).
 */
#include "kernel/file.h"
#include "kernel/ktest.h"
#include "kernel/syscall_abi.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/phys.h"

#include <string.h>

/* UTF-16 from ASCII into a static buffer; returns its length. */
static uint32_t w(const char *s, uint16_t *out)
{
	uint32_t n = 0;
	while (s[n]) {
		out[n] = (uint8_t)s[n];
		n++;
	}
	return n;
}

KTEST(fat_names_and_aliases)
{
	uint16_t n[64];
	uint8_t sfn[11], nc;
	KT_ASSERT(fat_name_is_short(n, w("README.TXT", n), sfn, &nc) && !memcmp(sfn, "README  TXT", 11) && nc == 0);
	KT_ASSERT(fat_name_is_short(n, w("hello.txt", n), sfn, &nc) && !memcmp(sfn, "HELLO   TXT", 11) && nc == 0x18);
	KT_ASSERT(fat_name_is_short(n, w("Makefile", n), sfn, &nc) == false);	/* mixed case */
	KT_ASSERT(fat_name_is_short(n, w("a.b.c", n), sfn, &nc) == false);
	KT_ASSERT(fat_name_is_short(n, w("toolongname.c", n), sfn, &nc) == false);
	uint32_t bl;
	fat_alias_basis(n, w("Long File Name.txt", n), sfn, &bl);
	fat_alias_number(sfn, bl, 1);
	KT_ASSERT(!memcmp(sfn, "LONGFI~1TXT", 11));
	fat_alias_number(sfn, bl, 12345);
	KT_ASSERT(!memcmp(sfn, "LO~12345TXT", 11));
	fat_alias_basis(n, w(".bashrc", n), sfn, &bl);
	fat_alias_number(sfn, bl, 1);
	KT_ASSERT(!memcmp(sfn, "BASHRC~1   ", 11));
	fat_alias_basis(n, w("a+b.tar.gz", n), sfn, &bl);
	fat_alias_number(sfn, bl, 2);
	KT_ASSERT(!memcmp(sfn, "A_BTAR~2GZ ", 11));
	/* fatgen103's checksum of "FILENAMEEXT" computed by hand-rolled rotation */
	uint8_t s = 0;
	for (int i = 0; i < 11; i++)
		s = (uint8_t)(((s & 1) << 7) + (s >> 1) + (uint8_t)"FILENAMEEXT"[i]);
	KT_EQ(fat_sfn_checksum((const uint8_t *)"FILENAMEEXT"), s);
	uint16_t a[16], b[16];
	KT_ASSERT(fat_name_eq(a, w("Hello.TXT", a), b, w("hELLO.txt", b)));
	a[0] = 0xe9;	/* é */
	b[0] = 0xc9;	/* É */
	KT_ASSERT(fat_name_eq(a, 1, b, 1));
	KT_ASSERT(!fat_name_valid(n, w("a:b", n)) && !fat_name_valid(n, w("..", n)) && !fat_name_valid(n, w("x.", n)));
	KT_ASSERT(fat_name_valid(n, w("a b.c d", n)));
	uint16_t p[16];
	KT_ASSERT(fat_pattern_match(p, w("*.txt", p), n, w("notes.TXT", n)));
	KT_ASSERT(!fat_pattern_match(p, w("*.txt", p), n, w("notes.txt.bak", n)));
	KT_ASSERT(fat_pattern_match(p, w("a?c*", p), n, w("abcdef", n)));
	KT_ASSERT(!fat_pattern_match(p, w("a?c", p), n, w("ac", n)));
	KT_ASSERT(fat_pattern_match(p, w("*", p), n, w("x", n)));
}

KTEST(fat_times)
{
	KT_EQ(clock_civil_to_ft(1601, 1, 1, 0, 0, 0), 0);
	KT_EQ(clock_civil_to_ft(1970, 1, 1, 0, 0, 0), 116444736000000000LL);
	int64_t t = clock_civil_to_ft(2024, 2, 29, 13, 37, 41) + 5000000;	/* .5 s */
	uint16_t d, tm;
	uint8_t cs;
	fat_ft_to_time(t, &d, &tm, &cs);
	KT_EQ(d, (44 << 9) | (2 << 5) | 29);
	KT_EQ(tm, (13 << 11) | (37 << 5) | 20);
	KT_EQ(cs, 150);
	KT_EQ(fat_time_to_ft(d, tm, cs), t);
	fat_ft_to_time(0, &d, &tm, &cs);	/* before 1980: clamped */
	KT_EQ(d, (0 << 9) | (1 << 5) | 1);
	KT_ASSERT(clock_now() > clock_civil_to_ft(2020, 1, 1, 0, 0, 0));
}

/* A boot sector the parser accepts: C:'s own, or a made-up one when there is no C:. */
static void good_bpb(uint8_t *bs, uint64_t *dev)
{
	memset(bs, 0, 512);
	bs[0] = 0xeb;
	bs[11] = 0x00, bs[12] = 0x02;	/* 512 bytes per sector */
	bs[13] = 8;			/* sectors per cluster */
	bs[14] = 32;			/* reserved */
	bs[16] = 2;			/* FATs */
	uint32_t total = 1048576, fatsz = 1024;
	memcpy(bs + 32, &total, 4);
	memcpy(bs + 36, &fatsz, 4);
	uint32_t root = 2;
	memcpy(bs + 44, &root, 4);
	bs[48] = 1;
	bs[510] = 0x55, bs[511] = 0xaa;
	*dev = total;
}

KTEST(fat_bpb_hostile)
{
	uint8_t bs[512], m[512];
	uint64_t dev;
	struct fat_vol v;
	good_bpb(bs, &dev);
	memset(&v, 0, sizeof(v));
	KT_EQ(fat_parse_bpb(&v, bs, dev), 0);
	KT_EQ(v.cluster_bytes, 4096);
	KT_EQ(v.data_start, 32 + 2 * 1024);
	/* Each broken field is refused. */
	static const struct {
		int off;
		uint8_t val;
	} bad[] = { { 0, 0 }, { 510, 0 }, { 12, 0x03 }, { 11, 1 }, { 13, 3 }, { 13, 0 }, { 14, 0 },
		    { 16, 0 }, { 16, 3 }, { 17, 1 }, { 19, 1 }, { 22, 1 }, { 36, 0 }, { 37, 0 }, { 44, 0 }, { 47, 0x10 },
		    { 34, 0x20 } };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(m, bs, 512);
		m[bad[i].off] = bad[i].val;
		if (bad[i].off == 14)
			m[15] = 0;
		if (bad[i].off == 36)	/* FAT size 0 */
			m[37] = m[38] = m[39] = 0;
		KT_ASSERT(fat_parse_bpb(&v, m, dev) != 0);
	}
	KT_ASSERT(fat_parse_bpb(&v, bs, dev - 1) != 0);	/* larger than the disk */
	/* Random damage: whatever is accepted stays inside the disk and describes a FAT that covers it. */
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 20000; i++) {
		memcpy(m, bs, 512);
		for (int k = 0; k < 4; k++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			m[11 + seed % 40] = (uint8_t)(seed >> 32);
		}
		memset(&v, 0, sizeof(v));
		if (fat_parse_bpb(&v, m, dev) == 0) {
			KT_ASSERT(v.data_start + (uint64_t)v.clusters * v.spc <= dev);
			KT_ASSERT(v.fat_sectors * 512 / 4 >= (uint64_t)v.clusters + 2);
			KT_ASSERT(v.root >= 2 && v.root <= v.clusters + 1);
			KT_ASSERT(v.cluster_bytes >= 512 && v.cluster_bytes <= 65536);
		}
	}
}

static ntstatus_t open_k(const char *path, uint32_t access, uint32_t share, uint32_t disp, uint32_t options,
			 struct file_obj **f, uint64_t *info)
{
	uint16_t p[256];
	return file_open(p, w(path, p), access, share, disp, options, 0, f, info);
}

static void close_k(struct file_obj *f)
{
	obj_unref(&f->obj);
}

KTEST(fat_files_end_to_end)
{
	if (!fat_c) {
		ktest_fail(__FILE__, __LINE__, "no C: drive in the test boot");
		return;
	}
	struct file_obj *f, *g;
	uint64_t info;
	uint32_t free0 = fat_c->free_count;
	KT_EQ(open_k("C:\\KTest Dir", 0x10000 | 1, 7, ABI_FILE_CREATE, ABI_FILE_DIRECTORY_FILE, &f, &info), 0);
	KT_EQ(info, ABI_FILE_CREATED);
	close_k(f);
	KT_EQ(open_k("C:\\ktest dir\\", 1, 7, ABI_FILE_CREATE, ABI_FILE_DIRECTORY_FILE, &f, &info),
	      STATUS_OBJECT_NAME_COLLISION);
	KT_EQ(open_k("C:\\nodir\\x", 1, 7, ABI_FILE_OPEN, 0, &f, &info), STATUS_OBJECT_PATH_NOT_FOUND);
	KT_EQ(open_k("C:\\KTest Dir\\nofile", 1, 7, ABI_FILE_OPEN, 0, &f, &info), STATUS_OBJECT_NAME_NOT_FOUND);
	KT_EQ(open_k("D:\\x", 1, 7, ABI_FILE_OPEN, 0, &f, &info), STATUS_OBJECT_PATH_NOT_FOUND);
	KT_EQ(open_k("C:\\a\\..\\b", 1, 7, ABI_FILE_OPEN, 0, &f, &info), STATUS_OBJECT_NAME_INVALID);
	KT_EQ(open_k("C:\\a*b", 1, 7, ABI_FILE_OPEN_IF, 0, &f, &info), STATUS_OBJECT_NAME_INVALID);

	/* A file of 300 KiB + 5 bytes with a long mixed-case name, written through the page cache. */
	const uint32_t size = 300 * 1024 + 5;
	uint8_t *buf = kmalloc(size), *back = kmalloc(size);
	KT_ASSERT(buf && back);
	for (uint32_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 12));
	KT_EQ(open_k("\\??\\C:\\KTest Dir\\Some Long Name.Data", 0xc0000000u | 0x10000, 1, ABI_FILE_OVERWRITE_IF, 0, &f,
		     &info), 0);
	KT_EQ(info, ABI_FILE_CREATED);
	KT_EQ(fat_node_resize(f->node, size), 0);
	KT_EQ(pagecache_write_k(&f->node->pc, 0, 0, buf, size), 0);
	/* Sharing: the writer shares only reading. */
	KT_EQ(open_k("C:\\ktest dir\\some long name.data", 0x40000000u, 7, ABI_FILE_OPEN, 0, &g, &info),
	      STATUS_SHARING_VIOLATION);
	KT_EQ(open_k("C:/KTEST DIR/SOME LONG NAME.DATA", 0x80000000u, 1, ABI_FILE_OPEN, 0, &g, &info),
	      STATUS_SHARING_VIOLATION);	/* a reader must share writing, which the writer holds */
	/* ... and delete, which the writer holds too */
	KT_EQ(open_k("C:/KTEST DIR/SOME LONG NAME.DATA", 0x80000000u, 3, ABI_FILE_OPEN, 0, &g, &info),
	      STATUS_SHARING_VIOLATION);
	KT_EQ(open_k("C:/KTEST DIR/SOME LONG NAME.DATA", 0x80000000u, 7, ABI_FILE_OPEN, 0, &g, &info), 0);
	/* Byte-range locks between the two file objects. */
	KT_EQ(file_lock(f, 100, 10, ABI_LOCKFILE_EXCLUSIVE_LOCK | 1), 0);
	KT_EQ(file_lock(g, 105, 1, 1), STATUS_LOCK_NOT_GRANTED);
	KT_EQ(file_lock(g, 110, 1, 1), 0);
	KT_EQ(file_unlock(g, 110, 2), STATUS_RANGE_NOT_LOCKED);
	KT_EQ(file_unlock(g, 110, 1), 0);
	close_k(g);
	KT_EQ(fat_node_flush(f->node), 0);
	close_k(f);
	file_idle();	/* nothing cached: the next reads come from the disk */
	KT_EQ(open_k("C:\\KTEST DIR\\SOMELO~1.DAT", 0x80000000u, 1, ABI_FILE_OPEN, ABI_FILE_NON_DIRECTORY_FILE, &f, &info),
	      0);	/* the alias names the same file */
	KT_EQ(f->node->size, size);
	memset(back, 0, size);
	KT_EQ(pagecache_read_k(&f->node->pc, f->node->size, 0, back, size), 0);
	KT_ASSERT(memcmp(buf, back, size) == 0);
	/* Delete while open: pending until the close; the name is refused meanwhile. */
	KT_EQ(file_mark_delete(f->node, false), STATUS_SHARING_VIOLATION);	/* the opener shares no delete */
	close_k(f);

	/* Extending leaves zeros; shrinking gives clusters back. */
	KT_EQ(open_k("C:\\KTest Dir\\Some Long Name.Data", 0xc0000000u | 0x10000, 0, ABI_FILE_OPEN, 0, &f, &info), 0);
	KT_EQ(fat_node_resize(f->node, size + 10000), 0);
	KT_EQ(pagecache_read_k(&f->node->pc, f->node->size, size - 5, back, 10005), 0);
	KT_ASSERT(memcmp(back, buf + size - 5, 5) == 0);
	for (uint32_t i = 5; i < 10005; i++)
		KT_ASSERT(back[i] == 0);
	KT_EQ(fat_node_resize(f->node, 1), 0);
	/* Rename to another name in the root, then delete on close. */
	uint16_t np[64];
	KT_EQ(file_rename(f, np, w("C:\\renamed.bin", np), false), 0);
	KT_EQ(file_mark_delete(f->node, true), 0);
	close_k(f);
	KT_EQ(open_k("C:\\renamed.bin", 1, 7, ABI_FILE_OPEN, 0, &f, &info), STATUS_OBJECT_NAME_NOT_FOUND);

	/* A directory with something in it cannot go; empty, it can. */
	KT_EQ(open_k("C:\\KTest Dir\\sub", 1, 7, ABI_FILE_CREATE, ABI_FILE_DIRECTORY_FILE, &f, &info), 0);
	close_k(f);
	KT_EQ(open_k("C:\\KTest Dir", 0x10000 | 1, 7, ABI_FILE_OPEN, ABI_FILE_DIRECTORY_FILE, &f, &info), 0);
	KT_EQ(file_mark_delete(f->node, true), STATUS_DIRECTORY_NOT_EMPTY);
	close_k(f);
	KT_EQ(open_k("C:\\KTest Dir\\sub", 0x10000 | 1, 7, ABI_FILE_OPEN, ABI_FILE_DIRECTORY_FILE, &f, &info), 0);
	KT_EQ(file_mark_delete(f->node, true), 0);
	close_k(f);
	KT_EQ(open_k("C:\\KTest Dir", 0x10000 | 1, 7, ABI_FILE_OPEN, ABI_FILE_DIRECTORY_FILE, &f, &info), 0);
	KT_EQ(file_mark_delete(f->node, true), 0);
	close_k(f);
	file_idle();
	KT_EQ(fat_c->free_count, free0);	/* every cluster came back */
	kfree(buf);
	kfree(back);
	/* One file stays, for fsck.fat and mtools to read after the boot (make test checks the image). */
	static const char text[] = "written by the kernel's FAT32 code\r\n";
	KT_EQ(open_k("C:\\Kernel Wrote This.txt", 0x40000000u, 0, ABI_FILE_OVERWRITE_IF, 0, &f, &info), 0);
	KT_EQ(fat_node_resize(f->node, sizeof(text) - 1), 0);
	KT_EQ(pagecache_write_k(&f->node->pc, 0, 0, text, sizeof(text) - 1), 0);
	close_k(f);
}

/* out = a + i in three digits + b (ASCII). */
static void numbered(char *out, const char *a, int i, const char *b)
{
	while (*a)
		*out++ = *a++;
	*out++ = (char)('0' + i / 100);
	*out++ = (char)('0' + i / 10 % 10);
	*out++ = (char)('0' + i % 10);
	while (*b)
		*out++ = *b++;
	*out = 0;
}

/* out = a + n in decimal + b (ASCII). */
static void alias(char *out, const char *a, int n, const char *b)
{
	char d[8];
	int k = 0;
	while (*a)
		*out++ = *a++;
	for (; n; n /= 10)
		d[k++] = (char)('0' + n % 10);
	while (k)
		*out++ = d[--k];
	while (*b)
		*out++ = *b++;
	*out = 0;
}

/* Is path's node the same as f's (the name and the alias name one file)? */
static bool same_file(const char *path, struct file_obj *f)
{
	struct file_obj *g;
	uint64_t info;
	if (open_k(path, 1, 7, ABI_FILE_OPEN, 0, &g, &info))
		return false;
	bool same = g->node == f->node;
	close_k(g);
	return same;
}

/*
 * A directory of many long names: its entries fill blocks and clusters (the
 * directory grows by four clusters), aliases run to ~150, the holes deleted
 * names leave are taken again.  Scans keep a block of the directory pinned
 * and move from block to block; this walks every boundary.
 */
KTEST(fat_big_directory)
{
	enum { N = 150 };
	if (!fat_c) {
		ktest_fail(__FILE__, __LINE__, "no C: drive in the test boot");
		return;
	}
	struct file_obj *f;
	uint64_t info;
	char p[64], q[64];
	uint32_t free0 = fat_c->free_count;
	KT_EQ(open_k("C:\\KTest Big", 0x10000 | 1, 7, ABI_FILE_CREATE, ABI_FILE_DIRECTORY_FILE, &f, &info), 0);
	uint32_t dir = f->node->first;
	close_k(f);
	/* "Long Name Number 007.txt": two long-name entries and the alias LONGNA~8.TXT (~N in order of creation) */
	for (int i = 0; i < N; i++) {
		numbered(p, "C:\\KTest Big\\Long Name Number ", i, ".txt");
		KT_EQ(open_k(p, 0x40000000u, 7, ABI_FILE_CREATE, 0, &f, &info), 0);
		close_k(f);
	}
	KT_EQ(open_k("C:\\KTest Big\\long name number 149.TXT", 1, 7, ABI_FILE_CREATE, 0, &f, &info),
	      STATUS_OBJECT_NAME_COLLISION);
	for (int i = 0; i < N; i++) {
		numbered(p, "C:\\ktest big\\LONG NAME NUMBER ", i, ".Txt");
		KT_EQ(open_k(p, 1, 7, ABI_FILE_OPEN, 0, &f, &info), 0);
		alias(q, i + 1 < 10 ? "C:\\KTest Big\\LONGNA~" : i + 1 < 100 ? "C:\\KTest Big\\LONGN~" : "C:\\KTest Big\\LONG~",
		      i + 1, ".TXT");
		KT_ASSERT(same_file(q, f));
		close_k(f);
	}
	uint32_t pos = 0, live = 0;
	struct fat_found *ff = kmalloc(sizeof(*ff));
	KT_ASSERT(ff);
	while (!fat_dir_next(fat_c, dir, &pos, ff))
		live++;
	KT_EQ(live, N + 2);	/* "." and ".." too */
	KT_ASSERT(pos > 3 * fat_c->cluster_bytes);

	/* Every second one goes; shorter names fill the holes (aliases OTHER0~1 .. OTHER~10 ..). */
	for (int i = 0; i < N; i += 2) {
		numbered(p, "C:\\KTest Big\\Long Name Number ", i, ".txt");
		KT_EQ(open_k(p, 0x10000, 7, ABI_FILE_OPEN, 0, &f, &info), 0);
		KT_EQ(file_mark_delete(f->node, true), 0);
		close_k(f);
	}
	uint32_t end = pos;
	for (int i = 0; i < N / 2; i++) {
		numbered(p, "C:\\KTest Big\\Other ", i, ".dat");
		KT_EQ(open_k(p, 0x40000000u, 7, ABI_FILE_CREATE, 0, &f, &info), 0);
		KT_ASSERT(f->node->off < end);	/* in a hole */
		alias(q, i + 1 < 10 ? "C:\\KTest Big\\OTHER0~" : "C:\\KTest Big\\OTHER~", i + 1, ".DAT");
		KT_ASSERT(same_file(q, f));
		close_k(f);
	}
	for (int i = 0; i < N; i++) {
		numbered(p, "C:\\KTest Big\\Long Name Number ", i, ".txt");
		KT_EQ(open_k(p, 0x10000, 7, ABI_FILE_OPEN, 0, &f, &info), i % 2 ? 0 : STATUS_OBJECT_NAME_NOT_FOUND);
		if (i % 2) {
			KT_EQ(file_mark_delete(f->node, true), 0);
			close_k(f);
		}
		if (i < N / 2) {
			numbered(p, "C:\\KTest Big\\other ", i, ".DAT");
			KT_EQ(open_k(p, 0x10000, 7, ABI_FILE_OPEN, 0, &f, &info), 0);
			KT_EQ(file_mark_delete(f->node, true), 0);
			close_k(f);
		}
	}
	pos = live = 0;
	while (!fat_dir_next(fat_c, dir, &pos, ff))
		live++;
	KT_EQ(live, 2);
	kfree(ff);
	KT_EQ(open_k("C:\\KTest Big", 0x10000 | 1, 7, ABI_FILE_OPEN, ABI_FILE_DIRECTORY_FILE, &f, &info), 0);
	KT_EQ(file_mark_delete(f->node, true), 0);
	close_k(f);
	file_idle();
	KT_EQ(fat_c->free_count, free0);	/* the directory's clusters came back */
}

/* The periodic writer writes dirty pages without a flush; the entry keeps the old size until one. */
KTEST(pagecache_periodic_writer)
{
	if (!fat_c) {
		ktest_fail(__FILE__, __LINE__, "no C: drive in the test boot");
		return;
	}
	struct file_obj *f;
	uint64_t info;
	static uint8_t page[4096];
	KT_EQ(open_k("C:\\writer.bin", 0xc0000000u | 0x10000, 0, ABI_FILE_OVERWRITE_IF, 0, &f, &info), 0);
	KT_EQ(fat_node_resize(f->node, 10 * 4096), 0);
	for (uint32_t i = 0; i < 10; i++) {
		memset(page, (int)(i + 1), sizeof(page));
		KT_EQ(pagecache_write_k(&f->node->pc, i * 4096, i * 4096, page, 4096), 0);
	}
	KT_EQ(f->node->pc.ndirty, 10);
	uint64_t before = pagecache_dirty();
	KT_ASSERT(pagecache_write_some(PC_WRITER_BATCH) >= 10);
	KT_EQ(f->node->pc.ndirty, 0);
	KT_ASSERT(pagecache_dirty() <= before - 10);
	/* written: dropping the pages without a write (discard) loses nothing */
	KT_EQ(pagecache_drop(&f->node->pc, true), 0);
	for (uint32_t i = 0; i < 10; i++) {
		KT_EQ(pagecache_read_k(&f->node->pc, f->node->size, i * 4096, page, 4096), 0);
		KT_ASSERT(page[0] == i + 1 && page[4095] == i + 1);
	}
	KT_EQ(pagecache_writer_tick(), 0);	/* nothing dirty: nothing to do */
	KT_EQ(file_mark_delete(f->node, true), 0);
	close_k(f);
}
