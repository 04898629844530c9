/**
 * @fileoverview The ISA this hart implements, as the device tree's riscv,isa string says it.
 */

export const HART_ISA = 'rv64imafdc_zicsr_zifencei_zihintpause_sstc';
