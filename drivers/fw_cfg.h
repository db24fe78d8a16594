/*
 * drivers/fw_cfg.h - QEMU's firmware configuration device (fw_cfg), legacy
 * I/O interface: selector port 0x510 (16-bit), data port 0x511 (8-bit).
 * Only named files are read (`-fw_cfg name=opt/...,string=...` on the QEMU
 * command line); how the host hands the kernel a setting without rebuilding
 * the ISO.
 */
#ifndef DRIVERS_FW_CFG_H
#define DRIVERS_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Read the fw_cfg file `name` into buf (at most size - 1 bytes, then a NUL).
 * False when there is no fw_cfg device or no such file.
 */
bool fw_cfg_read_file(const char *name, char *buf, uint32_t size);

#endif
