/* kernel/ioapic.c - the I/O APICs the MADT lists: every input masked at boot, routed on request. */
#include "apic.h"
#include "acpi.h"
#include "console.h"
#include "sched.h"
#include "mm/kpaging.h"

#define IOREGSEL 0
#define IOWIN    4	/* in 32-bit words */
#define IOAPIC_VER   1
#define IOAPIC_REDIR 0x10

#define REDIR_LOW    (1u << 13)
#define REDIR_LEVEL  (1u << 15)
#define REDIR_MASKED (1u << 16)

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base, inputs;
};
static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nioapics;

static uint32_t io_read(const struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL] = reg;
	return io->regs[IOWIN];
}

static void io_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOREGSEL] = reg;
	io->regs[IOWIN] = v;
}

/* The I/O APIC serving gsi, its input in *pin; NULL if none. */
static const struct ioapic *find(uint32_t gsi, uint32_t *pin)
{
	for (unsigned i = 0; i < nioapics; i++)
		if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].inputs) {
			*pin = gsi - ioapics[i].gsi_base;
			return &ioapics[i];
		}
	return NULL;
}

unsigned ioapic_init(void)
{
	unsigned total = 0;
	for (unsigned i = 0; i < acpi.nioapics; i++) {
		struct ioapic *io = &ioapics[nioapics];
		io->regs = kmap_mmio(acpi.ioapics[i].addr, 32, CACHE_UC);
		io->gsi_base = acpi.ioapics[i].gsi_base;
		io->inputs = ((io_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
		for (uint32_t pin = 0; pin < io->inputs; pin++) {
			io_write(io, IOAPIC_REDIR + 2 * pin + 1, 0);
			io_write(io, IOAPIC_REDIR + 2 * pin, REDIR_MASKED);
		}
		kprintf("ioapic: ID %u at %x, GSIs %u-%u, all masked\n", acpi.ioapics[i].id, acpi.ioapics[i].addr,
			io->gsi_base, io->gsi_base + io->inputs - 1);
		total += io->inputs;
		nioapics++;
	}
	return total;
}

bool ioapic_route_gsi(uint32_t gsi, uint8_t vector, unsigned cpu_index, bool level, bool low)
{
	uint32_t pin;
	const struct ioapic *io = find(gsi, &pin);
	if (!io || cpu_index >= MAX_CPUS || vector < 32)
		return false;
	uint32_t dest = cpus[cpu_index].apic_id;
	io_write(io, IOAPIC_REDIR + 2 * pin, REDIR_MASKED);
	io_write(io, IOAPIC_REDIR + 2 * pin + 1, dest << 24);	/* physical destination mode */
	io_write(io, IOAPIC_REDIR + 2 * pin, vector | (level ? REDIR_LEVEL : 0) | (low ? REDIR_LOW : 0));
	return true;
}

/* ISA IRQ irq's GSI, trigger and polarity: the MADT's override, else the same number, edge, active high. */
static uint32_t irq_to_gsi(unsigned irq, bool *level, bool *low)
{
	uint32_t gsi = irq;
	*level = *low = false;
	for (unsigned i = 0; i < acpi.noverrides; i++) {
		const struct acpi_override *o = &acpi.overrides[i];
		if (o->bus != 0 || o->source != irq)
			continue;
		gsi = o->gsi;
		*low = (o->flags & 3) == 3;
		*level = ((o->flags >> 2) & 3) == 3;
	}
	return gsi;
}

bool ioapic_route_irq(unsigned irq, uint8_t vector, unsigned cpu_index)
{
	bool level, low;
	uint32_t gsi = irq_to_gsi(irq, &level, &low);
	return ioapic_route_gsi(gsi, vector, cpu_index, level, low);
}

bool ioapic_mask_irq(unsigned irq)
{
	bool level, low;
	return ioapic_mask_gsi(irq_to_gsi(irq, &level, &low));
}

bool ioapic_mask_gsi(uint32_t gsi)
{
	uint32_t pin;
	const struct ioapic *io = find(gsi, &pin);
	if (!io)
		return false;
	io_write(io, IOAPIC_REDIR + 2 * pin, io_read(io, IOAPIC_REDIR + 2 * pin) | REDIR_MASKED);
	return true;
}
