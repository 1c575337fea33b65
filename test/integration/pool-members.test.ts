// A pool batch's members through the contract: figures per service that add up to the batch, and a drained member
// takes no new job while the others finish the batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Studio } from '../../main/studio';
import { startSimulator, type Simulator } from '../sim/index';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';

let first: Simulator;
let second: Simulator;
let dir: string;
let studio: Studio;

beforeEach(async () => {
  [first, second] = await Promise.all([startSimulator({ stepMs: 10 }), startSimulator({ stepMs: 10 })]);
  dir = mkdtempSync(join(tmpdir(), 'artlab-pool-members-'));
  studio = nodeStudio(dir);
});
afterEach(async () => {
  await studio.close();
  await Promise.all([first.close(), second.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const { call, failure } = studioCalls(() => studio);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pool members', () => {
  it('drains a member: it finishes what it accepted and takes no new job; the figures add up', async () => {
    const a = await call('services.create', {
      name: 'A',
      url: first.info.exclusive.url,
      token: first.info.exclusive.token,
    });
    const b = await call('services.create', {
      name: 'B',
      url: second.info.exclusive.url,
      token: second.info.exclusive.token,
    });
    const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
    const batch = await call('batches.queue', {
      serviceIds: [a.id, b.id],
      workflowId: starter?.id,
      spec: { prompts: ['a red fox'], seeds: { mode: 'random' }, countPerPrompt: 24 },
    });
    // Once A has work in hand, drain it: what it holds is all it will ever get.
    let heldByA = 0;
    for (let i = 0; i < 200 && heldByA === 0; i++) {
      heldByA = (await call('batches.members', { batchId: batch.id }))[0]?.running ?? 0;
      if (heldByA === 0) await pause(5);
    }
    const drained = await call('batches.setMember', { batchId: batch.id, serviceId: a.id, state: 'drained' });
    expect(drained[0]).toMatchObject({ serviceId: a.id, state: 'drained' });
    const aAtDrain = (drained[0]?.running ?? 0) + (drained[0]?.done ?? 0);

    for (let i = 0; i < 600 && !(await call('batches.get', { batchId: batch.id })).finished; i++) await pause(25);
    const members = await call('batches.members', { batchId: batch.id });
    expect(members.map((member) => member.serviceId)).toEqual([a.id, b.id]);
    expect(members.reduce((sum, member) => sum + member.done, 0)).toBe(24);
    expect(members[0]?.done).toBe(aAtDrain);
    expect(members[1]?.done).toBe(24 - aAtDrain);
    expect(members[1]?.perMinute).toBeGreaterThan(0);
    expect(members.every((member) => member.running === 0)).toBe(true);

    expect(
      await failure('batches.setMember', { batchId: batch.id, serviceId: 'nobody', state: 'drained' }),
    ).toMatchObject({
      code: 'pool-member-unknown',
    });
  }, 60_000);
});
