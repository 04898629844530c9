/**
 * @fileoverview How many vCPUs want a host CPU, against how many host CPUs the machine may use
 * (--host-cpus): the two shared words from which a vCPU learns whether a core is free or some vCPU
 * is waiting for one. A vCPU counts itself runnable while it runs guest code or yields after a
 * pause-loop exit, and not while it is halted (WFI) or stopped (SBI HSM).
 *
 * Two policies follow, as KVM has them:
 *   - halt polling only while a core is free: KVM polls only when nothing else wants the physical
 *     CPU (single_task_running()); polling while another vCPU waits for a core steals that core;
 *   - a pause-loop exit gives the core away only when a vCPU is waiting for one: with nobody to
 *     yield to, a sleep only delays the spinner, whose lock holder is running on another core.
 */

import { Global } from './layout.ts';

export class HostCores {
  constructor(private readonly mem: Int32Array) {}

  /** Sets the number of host CPUs (at least 1) and no vCPU runnable; the VMM does this before any hart starts. */
  init(hostCpus: number): void {
    Atomics.store(this.mem, Global.HostCpus, Math.max(1, hostCpus));
    Atomics.store(this.mem, Global.RunnableVcpus, 0);
  }

  /** This vCPU now wants a core. */
  claim(): void {
    Atomics.add(this.mem, Global.RunnableVcpus, 1);
  }

  /** This vCPU no longer wants a core (it halted, stopped or finished). */
  release(): void {
    Atomics.sub(this.mem, Global.RunnableVcpus, 1);
  }

  runnable(): number {
    return Atomics.load(this.mem, Global.RunnableVcpus);
  }

  hostCpus(): number {
    return Math.max(1, Atomics.load(this.mem, Global.HostCpus));
  }

  /** A halted vCPU may poll: the runnable vCPUs leave a core free (the halted one is not among them). */
  coreFree(): boolean {
    return this.runnable() < this.hostCpus();
  }

  /** Some runnable vCPU is waiting for a core: more want one than there are. */
  contended(): boolean {
    return this.runnable() > this.hostCpus();
  }
}
