/* kernel/fpu.c - turning SSE on and the initial FPU state. */
#include "fpu.h"
#include "cpu.h"

#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR4_OSFXSR     (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)

uint8_t fpu_initial_state[FPU_AREA_SIZE] __attribute__((aligned(16)));
static uint32_t mxcsr_mask;

void fpu_init_cpu(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	uint32_t mxcsr = 0x1f80;
	__asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
}

void fpu_init(void)
{
	fpu_init_cpu();
	fpu_save(fpu_initial_state);
	mxcsr_mask = *(uint32_t *)(fpu_initial_state + 28);
	if (mxcsr_mask == 0)
		mxcsr_mask = 0xffbf;	/* the architectural default */
}

void fpu_sanitize(uint8_t *area)
{
	*(uint32_t *)(area + FPU_MXCSR_OFF) &= mxcsr_mask;
}
