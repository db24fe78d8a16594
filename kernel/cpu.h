/* kernel/cpu.h - thin wrappers for privileged x86-64 instructions. */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* INVPCID types (CPUID.7.0:EBX bit 10; CR4.PCIDE need not be set). */
#define INVPCID_ADDR        0	/* one address of one PCID (not global entries) */
#define INVPCID_CONTEXT     1	/* everything of one PCID but global entries */
#define INVPCID_ALL_GLOBAL  2	/* every PCID, global entries included */

#ifdef HOST_TEST
/* tests/host/test_tlb.c plays the CPU: these are its model's. */
void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]);
uint64_t read_cr3(void);
void write_cr3(uint64_t v);
uint64_t read_cr4(void);
void write_cr4(uint64_t v);
void invlpg(uint64_t va);
void invpcid(uint64_t type, uint64_t pcid, uint64_t va);
#define pause() do { } while (0)	/* a macro: <unistd.h> has a pause() of its own */
#else
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

#define DEFINE_CR(n)                                                                     \
	static inline uint64_t read_cr##n(void)                                          \
	{                                                                                \
		uint64_t v;                                                              \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                        \
		return v;                                                                \
	}                                                                                \
	static inline void write_cr##n(uint64_t v) { __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

static inline void invpcid(uint64_t type, uint64_t pcid, uint64_t va)
{
	struct {
		uint64_t pcid, va;
	} d = { pcid, va };
	__asm__ volatile("invpcid %0, %1" : : "m"(d), "r"(type) : "memory");
}
static inline void pause(void) { __asm__ volatile("pause"); }
#endif

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

#define MSR_EFER         0xc0000080
#define MSR_STAR         0xc0000081
#define MSR_LSTAR        0xc0000082
#define MSR_FMASK        0xc0000084
#define MSR_FS_BASE      0xc0000100
#define MSR_GS_BASE      0xc0000101
#define MSR_KERNEL_GS    0xc0000102
#define MSR_TSC_AUX      0xc0000103
#define MSR_PAT          0x277

#define CR0_WP   (1ULL << 16)
#define CR4_PGE  (1ULL << 7)
#define CR4_PCIDE (1ULL << 17)	/* CR3[11:0] name the address space (set only while they are 0) */
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define CR3_NOFLUSH (1ULL << 63)	/* with CR4.PCIDE: load CR3 keeping the PCID's TLB entries */
#define EFER_SCE (1ULL << 0)
#define EFER_NXE (1ULL << 11)

#endif
