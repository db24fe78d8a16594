/*
 * drivers/pci.c - PCI configuration mechanism #1 and a bus scan.
 *
 * The address register takes 1 << 31 | bus << 16 | device << 11 | function << 8 |
 * (offset & 0xfc); the data register then holds that dword, and narrower
 * accesses read or write its bytes at 0xCFC + (offset & 3).
 */
#include "pci.h"
#include "kernel/cpu.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void select(struct pci_addr a, uint8_t off)
{
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)a.bus << 16 | (uint32_t)a.dev << 11 | (uint32_t)a.fn << 8 |
					 (off & 0xfc));
}

uint32_t pci_read32(struct pci_addr a, uint8_t off)
{
	select(a, off);
	return inl(PCI_CONFIG_DATA);
}

uint16_t pci_read16(struct pci_addr a, uint8_t off)
{
	select(a, off);
	return inw(PCI_CONFIG_DATA + (off & 2));
}

uint8_t pci_read8(struct pci_addr a, uint8_t off)
{
	select(a, off);
	return inb(PCI_CONFIG_DATA + (off & 3));
}

void pci_write32(struct pci_addr a, uint8_t off, uint32_t v)
{
	select(a, off);
	outl(PCI_CONFIG_DATA, v);
}

void pci_write16(struct pci_addr a, uint8_t off, uint16_t v)
{
	select(a, off);
	outw(PCI_CONFIG_DATA + (off & 2), v);
}

/* Search one bus (and the buses behind its bridges); depth bounds runaway bridge loops. */
static bool scan_bus(uint8_t bus, uint16_t vendor, uint16_t device, struct pci_addr *out, int depth, unsigned *skip)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		struct pci_addr a = { bus, dev, 0 };
		if (pci_read16(a, PCI_VENDOR_ID) == 0xffff)
			continue;
		int nfn = (pci_read8(a, PCI_HEADER_TYPE) & 0x80) ? 8 : 1;
		for (uint8_t fn = 0; fn < nfn; fn++) {
			a.fn = fn;
			uint16_t v = pci_read16(a, PCI_VENDOR_ID);
			if (v == 0xffff)
				continue;
			if (v == vendor && pci_read16(a, PCI_DEVICE_ID) == device && (*skip)-- == 0) {
				*out = a;
				return true;
			}
			uint8_t secondary = pci_read8(a, PCI_SECONDARY_BUS);
			if ((pci_read8(a, PCI_HEADER_TYPE) & 0x7f) == 1 && secondary > bus && depth < 8 &&
			    scan_bus(secondary, vendor, device, out, depth + 1, skip))
				return true;
		}
	}
	return false;
}

bool pci_find(uint16_t vendor, uint16_t device, struct pci_addr *out)
{
	return pci_find_nth(vendor, device, 0, out);
}

bool pci_find_nth(uint16_t vendor, uint16_t device, unsigned n, struct pci_addr *out)
{
	unsigned skip = n;
	return scan_bus(0, vendor, device, out, 0, &skip);
}

uint16_t pci_io_bar(struct pci_addr a, int n)
{
	uint32_t bar = pci_read32(a, (uint8_t)(PCI_BAR0 + 4 * n));
	if (!(bar & 1))
		return 0;
	return (uint16_t)(bar & ~3u);
}
