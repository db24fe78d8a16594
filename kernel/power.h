/* kernel/power.h - stopping the machine. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/*
 * Print "poweroff: status N" (the line the QEMU harness reads) and leave QEMU
 * through the isa-debug-exit device; halts forever if there is none.
 */
__attribute__((noreturn)) void power_off(int status);

#endif
