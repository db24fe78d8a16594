/*
 * drivers/pci.h - PCI configuration space through the legacy I/O ports
 * 0xCF8 (address) / 0xCFC (data), "configuration mechanism #1", and a scan
 * of the buses for a device by vendor and device ID.
 *
 * Not locked: called from one CPU during boot and by the one driver that owns
 * a device.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

struct pci_addr {
	uint8_t bus, dev, fn;
};

#define PCI_VENDOR_ID   0x00	/* 16 bits; 0xffff: no function here */
#define PCI_DEVICE_ID   0x02
#define PCI_COMMAND     0x04	/* 16 bits */
#define PCI_HEADER_TYPE 0x0e	/* 8 bits; bit 7: multi-function device */
#define PCI_BAR0        0x10
#define PCI_SECONDARY_BUS 0x19	/* type-1 (bridge) header */

#define PCI_CMD_IO     0x1	/* respond to I/O space accesses */
#define PCI_CMD_MEMORY 0x2
#define PCI_CMD_MASTER 0x4	/* bus master: the device may DMA */

uint32_t pci_read32(struct pci_addr a, uint8_t off);	/* off 4-byte aligned */
uint16_t pci_read16(struct pci_addr a, uint8_t off);	/* off 2-byte aligned */
uint8_t pci_read8(struct pci_addr a, uint8_t off);
void pci_write32(struct pci_addr a, uint8_t off, uint32_t v);
void pci_write16(struct pci_addr a, uint8_t off, uint16_t v);

/*
 * Find the first function with this vendor and device ID, scanning bus 0 and
 * every bus behind a PCI-to-PCI bridge (depth first).  True and *out set if found.
 */
bool pci_find(uint16_t vendor, uint16_t device, struct pci_addr *out);

/* The n-th (from 0) such function in the same scan order; false when there are fewer. */
bool pci_find_nth(uint16_t vendor, uint16_t device, unsigned n, struct pci_addr *out);

/* The I/O port base of BAR n (an I/O BAR), or 0 if BAR n is a memory BAR or unset. */
uint16_t pci_io_bar(struct pci_addr a, int n);

#endif
