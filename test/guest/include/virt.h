/* virt.h: the device addresses of QEMU's virt machine (and hartvm's) that the guest test programs use. */
#ifndef HARTVM_VIRT_H
#define HARTVM_VIRT_H

#define FINISHER_BASE   0x100000
#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333
#define UART0_BASE      0x10000000
#define CLINT_BASE      0x2000000
#define CLINT_MSIP      (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP  (CLINT_BASE + 0x4000)
#define CLINT_MTIME     (CLINT_BASE + 0xbff8)

#endif /* HARTVM_VIRT_H */
