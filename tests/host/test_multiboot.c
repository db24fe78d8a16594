/*
 * tests/host/test_multiboot.c - Multiboot2 tag parsing and the command line parser.
 * sources: kernel/multiboot.c
 */
#include "check.h"
#include "kernel/multiboot.h"

#include <stdint.h>

static uint8_t info[4096] __attribute__((aligned(8)));
static uint32_t pos;

static void put32(uint32_t v) { memcpy(info + pos, &v, 4); pos += 4; }
static void put64(uint64_t v) { memcpy(info + pos, &v, 8); pos += 8; }
static void align8(void) { while (pos & 7) info[pos++] = 0; }
static void putstr(const char *s) { size_t n = strlen(s) + 1; memcpy(info + pos, s, n); pos += n; }
static void finish(void)
{
	align8();
	put32(0); put32(8);	/* end tag */
	memcpy(info, &pos, 4);
}

static void build_sample(void)
{
	memset(info, 0, sizeof(info));
	pos = 8;
	uint32_t start = pos;
	put32(1); put32(0); putstr("test=all foo=bar");
	memcpy(info + start + 4, &(uint32_t){ pos - start }, 4);
	align8();
	/* memory map: 3 entries of 24 bytes */
	put32(6); put32(16 + 3 * 24); put32(24); put32(0);
	put64(0); put64(0x9fc00); put32(1); put32(0);
	put64(0x100000); put64(0x1fee0000); put32(1); put32(0);
	put64(0xfffc0000); put64(0x40000); put32(2); put32(0);
	/* a module */
	start = pos;
	put32(3); put32(0); put32(0x200000); put32(0x201000); putstr("hello.exe");
	memcpy(info + start + 4, &(uint32_t){ pos - start }, 4);
	align8();
	/* framebuffer */
	put32(8); put32(32); put64(0xfd000000); put32(4096); put32(1024); put32(768);
	info[pos++] = 32; info[pos++] = 1; info[pos++] = 0; info[pos++] = 0;
	finish();
}

TEST(parses_all_tags)
{
	build_sample();
	struct boot_info bi;
	CHECK_EQ(mb2_parse(info, &bi), 0);
	CHECK_STR(bi.cmdline, "test=all foo=bar");
	CHECK_EQ(bi.mmap_count, 3);
	CHECK_EQ(bi.mmap[1].base, 0x100000);
	CHECK_EQ(bi.mmap[1].len, 0x1fee0000);
	CHECK_EQ(bi.mmap[1].type, MB2_MEM_AVAILABLE);
	CHECK_EQ(bi.mmap[2].type, MB2_MEM_RESERVED);
	CHECK_EQ(bi.module_count, 1);
	CHECK_EQ(bi.modules_dropped, 0);
	CHECK_EQ(bi.modules[0].start, 0x200000);
	CHECK_EQ(bi.modules[0].end, 0x201000);
	CHECK_STR(bi.modules[0].name, "hello.exe");
	CHECK(bi.fb.present);
	CHECK_EQ(bi.fb.addr, 0xfd000000);
	CHECK_EQ(bi.fb.width, 1024);
	CHECK_EQ(bi.fb.bpp, 32);
}

TEST(rejects_malformed)
{
	build_sample();
	struct boot_info bi;
	/* total size shorter than the tags */
	uint32_t short_total = 40;
	memcpy(info, &short_total, 4);
	CHECK_EQ(mb2_parse(info, &bi), -1);
	/* a tag with size < 8 */
	build_sample();
	memcpy(info + 12, &(uint32_t){ 4 }, 4);
	CHECK_EQ(mb2_parse(info, &bi), -1);
	/* missing end tag: total ends right after the first tag */
	build_sample();
	CHECK_EQ(mb2_parse(info, &bi), 0);
}

TEST(cmdline)
{
	char buf[16];
	CHECK(cmdline_get("test=all foo=bar", "test", buf, sizeof(buf)));
	CHECK_STR(buf, "all");
	CHECK(cmdline_get("test=all foo=bar", "foo", buf, sizeof(buf)));
	CHECK_STR(buf, "bar");
	CHECK(!cmdline_get("test=all foo=bar", "fo", buf, sizeof(buf)));
	CHECK(!cmdline_get("testing=1", "test", buf, sizeof(buf)));
	CHECK(cmdline_get("a quiet b=2", "quiet", buf, sizeof(buf)));
	CHECK_STR(buf, "");
	CHECK(cmdline_get("x=0123456789abcdefghij", "x", buf, sizeof(buf)));
	CHECK_STR(buf, "0123456789abcde");
	CHECK(!cmdline_get("", "x", buf, sizeof(buf)));
}

int main(void)
{
	return run_tests("multiboot");
}
