/* drivers/fw_cfg.c - named files of QEMU's fw_cfg device through its I/O ports. */
#include "fw_cfg.h"
#include "kernel/cpu.h"

#include <string.h>

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR  0x0019

/* Select item key; the data port then reads it from its first byte. */
static void select_item(uint16_t key)
{
	outw(FW_CFG_PORT_SEL, key);
}

static void read_bytes(void *buf, uint32_t n)
{
	uint8_t *b = buf;
	for (uint32_t i = 0; i < n; i++)
		b[i] = inb(FW_CFG_PORT_DATA);
}

/* A big-endian field of the file directory. */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool fw_cfg_read_file(const char *name, char *buf, uint32_t size)
{
	char sig[4];
	select_item(FW_CFG_SIGNATURE);
	read_bytes(sig, 4);
	if (memcmp(sig, "QEMU", 4) != 0 || size == 0)
		return false;
	uint8_t hdr[4];
	select_item(FW_CFG_FILE_DIR);
	read_bytes(hdr, 4);
	uint32_t count = be32(hdr);
	for (uint32_t i = 0; i < count && i < 4096; i++) {
		uint8_t ent[64];	/* size (be32), select (be16), reserved (be16), name[56] */
		read_bytes(ent, sizeof(ent));
		ent[63] = 0;
		if (strcmp((const char *)ent + 8, name) != 0)
			continue;
		uint32_t len = be32(ent);
		if (len > size - 1)
			len = size - 1;
		select_item((uint16_t)(ent[4] << 8 | ent[5]));
		read_bytes(buf, len);
		buf[len] = 0;
		return true;
	}
	return false;
}
