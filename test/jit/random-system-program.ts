/**
 * @fileoverview Random programs of system code for the JIT's differential tests: a random loop body
 * like random-program.ts makes, run in S-mode or U-mode under Sv39 paging, with page faults,
 * system calls, trap returns, TLB fences and page-table writes on the way. Both tiers must agree at
 * every block boundary on this too (differential.ts compares the privilege and the trap CSRs as
 * well as the registers).
 *
 * The program's M-mode prologue builds the page tables (in .bss, which starts zeroed) and enters
 * the body with MRET:
 *   VA 0x0000_0000   a gigapage onto PA 0 (the test finisher at 0x10_0000), read/write;
 *   VA 0x4000_0000   the window: 8 user pages of 4 KiB onto 8 pages of RAM, read/write, every
 *                    other one not valid at first (an S-mode body reaches them only with SUM);
 *   VA 0x8000_0000   the first MiB onto RAM page by page, identity, read/write/execute.
 * In a U-mode program every page but the S-mode trap handler's is a user page, and mstatus.SUM
 * lets the handler reach the page tables.
 *
 * Page faults (instruction, load, store) and ECALLs from U-mode are delegated to S-mode. Its
 * handler makes the faulting window page valid (a page-table write and SFENCE.VMA), sets SUM, and
 * returns to retry the access; on an ECALL it steps sepc over it and makes a window page invalid
 * again, in turn, so that the body keeps meeting faults. An ECALL from S-mode goes to the M-mode
 * handler, which does the same with mepc. An S-mode body also turns sstatus.SUM and MXR on and
 * off (they change the data context compiled code checks its TLB entries against; without SUM its
 * window accesses fault), reads and writes the S-mode CSRs, fences single pages, and invalidates
 * window pages itself.
 *
 * Registers: the body's random instructions use x1..x25; x26 holds the window's page table, x27
 * the window's base, x28 and x29 are the handlers' scratch, x30 counts the loop, x31 points at the
 * data area (identity-mapped, so the same address under paging).
 */

import { LOADS, R_OPS, I_OPS, SHIFT_OPS, SPECIAL, STORES, BRANCHES, atomicOnStoreArea, prng, type RandomProgramOptions } from './random-program.ts';

/** Pages of the window at VA 0x4000_0000. */
const WINDOW_PAGES = 8;
/** PTE bits. */
const V = 0x1, R = 0x2, W = 0x4, X = 0x8, U = 0x10, A = 0x40, D = 0x80;

/** CSR accesses an S-mode body makes: legal there, none of them changing where code runs. */
const S_CSR_OPS = ['csrr {rd}, sstatus', 'csrrw {rd}, sscratch, {rs}', 'csrrs {rd}, sscratch, {rs}', 'csrr {rd}, sepc',
  'csrr {rd}, scause', 'csrr {rd}, stval', 'csrr {rd}, satp', 'csrw sepc, {rs}', 'csrr {rd}, sie', 'csrr {rd}, instret'];

/** Assembly text of a random system-code program (o.system says the body's privilege). */
export function systemProgram(o: RandomProgramOptions): string {
  const rnd = prng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const reg = (): string => `x${1 + Math.floor(rnd() * 25)}`;
  const user = o.system === 'user';
  const u = user ? U : 0;
  const lines = ['  .section .text.init, "ax", @progbits', '  .globl _start', '_start:', '  la x31, data'];

  // The page tables. Level 0 for the first MiB of RAM (the tests' machine has no more): 256 identity leaves.
  lines.push('  la x5, pt_ram', `  li x6, ${0x80000000 / 4 + (V | R | W | X | A | D | u)}`, '  li x7, 256',
    '1:', '  sd x6, 0(x5)', '  addi x6, x6, 1024', '  addi x5, x5, 8', '  addi x7, x7, -1', '  bnez x7, 1b');
  if (user) { // the S-mode handler's page is a supervisor page
    lines.push('  la x5, s_handler', '  li x6, 0x80000000', '  sub x5, x5, x6', '  srli x5, x5, 12', '  slli x5, x5, 3',
      '  la x6, pt_ram', '  add x5, x5, x6', '  ld x6, 0(x5)', `  andi x6, x6, ${~U}`, '  sd x6, 0(x5)');
  }
  // The window's leaves: page j onto window_ram + 4096 j, the even ones not valid at first.
  lines.push('  la x5, pt_window', '  la x6, window_ram', '  srli x6, x6, 2', `  ori x6, x6, ${R | W | A | D | U}`, `  li x7, ${WINDOW_PAGES}`,
    '2:', '  andi x8, x7, 1', '  or x8, x8, x6', '  sd x8, 0(x5)', '  addi x6, x6, 1024', '  addi x5, x5, 8', '  addi x7, x7, -1', '  bnez x7, 2b');
  // Pointers to the next level: root[0] a gigapage onto PA 0, root[1] the window, root[2] RAM.
  const link = (table: string, slot: number, next: string): void => {
    lines.push(`  la x5, ${table}`, `  la x6, ${next}`, '  srli x6, x6, 2', `  ori x6, x6, ${V}`, `  sd x6, ${8 * slot}(x5)`);
  };
  lines.push('  la x5, pt_root', `  li x6, ${V | R | W | A | D | u}`, '  sd x6, 0(x5)');
  link('pt_root', 1, 'pt_window_mid');
  link('pt_window_mid', 0, 'pt_window');
  link('pt_root', 2, 'pt_ram_mid');
  link('pt_ram_mid', 0, 'pt_ram');
  // Traps: page faults and U-mode ECALLs to S-mode, the rest to M-mode.
  lines.push('  la x5, m_handler', '  csrw mtvec, x5', '  la x5, s_handler', '  csrw stvec, x5',
    `  li x5, ${(1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)}`, '  csrw medeleg, x5',
    '  li x5, 7', '  csrw mcounteren, x5', '  csrw scounteren, x5',
    '  la x5, pt_root', '  srli x5, x5, 12', '  li x6, 8', '  slli x6, x6, 60', '  or x5, x5, x6', '  csrw satp, x5', '  sfence.vma x0, x0',
    // mstatus: MPP = the body's privilege, SUM = 1.
    '  li x5, 0x1800', '  csrc mstatus, x5', `  li x5, ${(user ? 0 : 0x800) | (1 << 18)}`, '  csrs mstatus, x5',
    '  la x5, body', '  csrw mepc, x5',
    '  la x26, pt_window', '  li x27, 0x40000000');
  for (let r = 1; r <= 25; r++) lines.push(`  ld x${r}, ${8 * r}(x31)`);
  lines.push(`  li x30, ${o.loops}`, '  mret');

  lines.push('body:', 'loop:');
  let label = 0;
  for (let i = 0; i < o.length; i++) {
    const k = rnd();
    if (k < 0.12) { // a window access, through a page that may not be valid
      const base = reg();
      const page = Math.floor(rnd() * WINDOW_PAGES);
      lines.push(`  lui ${base}, ${0x40000 + page}`);
      if (rnd() < 0.5) { const [op, size] = pick(LOADS); lines.push(`  ${op} ${reg()}, ${Math.floor(rnd() * (2048 / size)) * size}(${base})`); }
      else { const [op, size] = pick(STORES); lines.push(`  ${op} ${reg()}, ${Math.floor(rnd() * (2048 / size)) * size}(${base})`); }
    } else if (k < 0.16) {
      lines.push('  ecall');
    } else if (k < 0.22 && user) {
      lines.push(`  ${pick(['rdinstret', 'rdcycle'])} ${reg()}`);
    } else if (k < 0.3 && !user) {
      const j = rnd();
      if (j < 0.5) {
        const text = pick(S_CSR_OPS).replace('{rd}', reg()).replace('{rs}', reg());
        lines.push(`  ${text}`);
      } else if (j < 0.6) { // MXR on or off: another data context
        const t = reg();
        lines.push(`  lui ${t}, 0x80`, `  ${pick(['csrs', 'csrc'])} sstatus, ${t}`);
      } else if (j < 0.7) {
        // A window page read, SUM off, the same page read again: the second read must fault
        // (whatever the TLB holds from the first), and the handler turns SUM back on.
        const t = reg(), page = Math.floor(rnd() * WINDOW_PAGES), offset = 8 * Math.floor(rnd() * 256);
        lines.push(`  lui ${t}, ${0x40000 + page}`, `  ld ${reg()}, ${offset}(${t})`, `  lui ${t}, 0x40`, '  csrc sstatus, ' + t,
          `  lui ${t}, ${0x40000 + page}`, `  ld ${reg()}, ${offset}(${t})`);
      } else if (j < 0.85) {
        // A window page read (its translation cached), made invalid, fenced (the whole TLB, or that
        // page through an address computed just before), and read again: the second read must
        // fault, whatever the TLB held.
        const t = reg(), page = Math.floor(rnd() * WINDOW_PAGES), offset = 8 * Math.floor(rnd() * 256);
        lines.push(`  lui ${t}, ${0x40000 + page}`, `  ld ${reg()}, ${offset}(${t})`,
          `  ld x28, ${8 * page}(x26)`, '  andi x28, x28, -2', `  sd x28, ${8 * page}(x26)`,
          rnd() < 0.3 ? '  sfence.vma x0, x0' : `  lui x28, ${0x40000 + page}\n  sfence.vma x28, x0`,
          `  lui ${t}, ${0x40000 + page}`, `  ld ${reg()}, ${offset}(${t})`);
      } else {
        lines.push(rnd() < 0.5 ? '  sfence.vma x0, x0' : `  sfence.vma ${reg()}, x0`);
      }
    } else if (k < 0.45) lines.push(`  ${pick(R_OPS)} ${reg()}, ${reg()}, ${reg()}`);
    else if (k < 0.55) lines.push(`  ${pick(I_OPS)} ${reg()}, ${reg()}, ${Math.floor(rnd() * 4096) - 2048}`);
    else if (k < 0.62) { const [op, w] = pick(SHIFT_OPS); lines.push(`  ${op} ${reg()}, ${reg()}, ${Math.floor(rnd() * w)}`); }
    else if (k < 0.72) { const [op, size] = pick(LOADS); lines.push(`  ${op} ${reg()}, ${Math.floor(rnd() * (512 / size)) * size}(x31)`); }
    else if (k < 0.8) { const [op, size] = pick(STORES); lines.push(`  ${op} ${reg()}, ${Math.floor(rnd() * (512 / size)) * size + 512}(x31)`); }
    else if (k < 0.84) lines.push(...atomicOnStoreArea(rnd, reg));
    else if (k < 0.92 && o.branches) {
      const l = `L${label++}`;
      lines.push(`  ${pick(BRANCHES)} ${reg()}, ${reg()}, ${l}`);
      for (let s = Math.floor(rnd() * 3); s > 0; s--) lines.push(`  ${pick(R_OPS)} ${reg()}, ${reg()}, ${reg()}`);
      lines.push(`${l}:`);
    } else {
      lines.push(`  ${pick(R_OPS)} ${reg()}, ${reg()}, ${reg()}`);
    }
  }
  lines.push('  addi x30, x30, -1', '  bnez x30, loop');
  // Every register goes to RAM, so the final RAM comparison covers them too; then the finisher.
  for (let r = 1; r <= 29; r++) lines.push(`  sd x${r}, ${1024 + 8 * r}(x31)`);
  lines.push('  li x29, 0x100000', '  li x28, 0x5555', '  sw x28, 0(x29)', '3: j 3b');

  /** Makes window page (x29 counts the turns) invalid again, for the next access to fault. */
  const invalidateNext = (fence: string): string[] => ['  la x28, ecall_count', '  ld x29, 0(x28)', '  addi x29, x29, 1', '  sd x29, 0(x28)',
    `  andi x29, x29, ${WINDOW_PAGES - 1}`, '  slli x29, x29, 3', '  add x29, x29, x26', '  ld x28, 0(x29)', '  andi x28, x28, -2',
    '  sd x28, 0(x29)', fence];
  // M-mode: ECALLs from S-mode.
  lines.push('  .balign 4', 'm_handler:', '  csrr x28, mepc', '  addi x28, x28, 4', '  csrw mepc, x28',
    ...invalidateNext('  sfence.vma x0, x0'), '  mret');
  // S-mode, on a page of its own: page faults on the window, and ECALLs from U-mode.
  lines.push('  .balign 4096', 's_handler:', '  csrr x28, scause', '  li x29, 8', '  beq x28, x29, 4f',
    '  lui x28, 0x40', '  csrs sstatus, x28', // SUM on: an S-mode access to the window faults without it
    '  csrr x28, stval', '  sub x28, x28, x27', '  srli x28, x28, 12', `  andi x28, x28, ${WINDOW_PAGES - 1}`, '  slli x28, x28, 3',
    '  add x28, x28, x26', '  ld x29, 0(x28)', '  ori x29, x29, 1', '  sd x29, 0(x28)', '  sfence.vma x0, x0', '  sret',
    '4:', '  csrr x28, sepc', '  addi x28, x28, 4', '  csrw sepc, x28', ...invalidateNext('  sfence.vma x0, x0'), '  sret', '  .balign 4096');

  lines.push('  .data', '  .balign 8', 'data:');
  const randomBits = (): string => `0x${Math.floor(rnd() * 2 ** 32).toString(16)}${Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0')}`;
  for (let i = 0; i < 64; i++) lines.push(`  .dword ${rnd() < 0.5 ? pick(SPECIAL) : randomBits()}`);
  lines.push('  .space 1536', 'ecall_count: .dword 0');
  lines.push('  .bss', '  .balign 4096', 'pt_root: .space 4096', 'pt_window_mid: .space 4096', 'pt_window: .space 4096',
    'pt_ram_mid: .space 4096', 'pt_ram: .space 4096', `window_ram: .space ${4096 * WINDOW_PAGES}`);
  return lines.join('\n') + '\n';
}
