/**
 * Host-core accounting (src/memory/host-cores.ts): the shared count of vCPUs that want a core, and
 * the two decisions taken from it, on a real shared memory as two threads would see it.
 */
import { describe, expect, it } from 'vitest';
import { HostCores } from '../../src/memory/host-cores.ts';
import { createSharedMemory } from '../../src/memory/layout.ts';

function cores(hostCpus: number): HostCores {
  const c = new HostCores(new Int32Array(createSharedMemory(1 << 20).buffer));
  c.init(hostCpus);
  return c;
}

describe('HostCores', () => {
  it('counts vCPUs in and out as they claim and release a core', () => {
    const c = cores(2);
    expect(c.runnable()).toBe(0);
    c.claim(); c.claim(); c.claim();
    expect(c.runnable()).toBe(3);
    c.release();
    expect(c.runnable()).toBe(2);
  });

  it('lets a halted vCPU poll only while the runnable ones leave a core free', () => {
    const c = cores(2);
    c.claim();
    expect(c.coreFree()).toBe(true); // one runs, one core idle: polling costs nobody
    c.claim();
    expect(c.coreFree()).toBe(false); // both cores wanted: a poll would steal one
  });

  it('calls the cores contended only when more vCPUs want one than there are', () => {
    const c = cores(2);
    c.claim(); c.claim();
    expect(c.contended()).toBe(false); // 2 vCPUs on 2 cores: a pause-loop exit has nobody to yield to
    c.claim();
    expect(c.contended()).toBe(true);
  });

  it('takes at least one host CPU', () => {
    const c = cores(0);
    expect(c.hostCpus()).toBe(1);
    c.claim();
    expect(c.coreFree()).toBe(false);
  });
});
