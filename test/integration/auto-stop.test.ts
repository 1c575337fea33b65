// Auto-stop through the whole Studio against the simulator's EAS control API, on a fake clock for the minutes (the
// network runs in real time): a service asking for it is not stopped while its batch runs, however many minutes pass;
// once idle for its minutes it is stopped, with a warning a minute before and a notice after, and a system
// notification in the artist's language.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AutoStopNoticeDto } from '../../preload/schemas/lifecycle';
import type { Studio } from '../../main/studio';
import { silentPresence } from '../../main/presence';
import { startSimulator, type Simulator } from '../sim/index';
import { nodeStudio } from './support/node-studio';
import { studioCalls } from './support/studio-call';
import { simControlSettings } from '../sim/control-settings';

let sim: Simulator;
let dir: string;
let studio: Studio;
const notices: AutoStopNoticeDto[] = [];
const notifications: string[] = [];

/** A real pause: the fake clock leaves setTimeout to the network and the simulator. */
const realPause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  // Steps of 100 ms: each job runs for 2 s of real time.
  sim = await startSimulator({ stepMs: 100, controlDelays: { placementMs: 20, stopMs: 20, removalMs: 10 } });
  dir = mkdtempSync(join(tmpdir(), 'artlab-auto-stop-'));
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.now() });
  notices.length = 0;
  notifications.length = 0;
  studio = nodeStudio(dir, {
    controlEndpoint: () => ({ endpoint: sim.info.control.endpoint, protocol: 'http' }),
    presence: { ...silentPresence, notify: (title, body) => notifications.push(`${title}: ${body}`) },
  });
  studio.events.subscribe((event, payload) => {
    if (event === 'services.autoStop') notices.push(payload as AutoStopNoticeDto);
  });
});
afterEach(async () => {
  await studio.close();
  vi.useRealTimers();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const { call } = studioCalls(() => studio);

/** Moves the fake clock on in auto-stop's 15 s ticks, letting the real network answer between them. */
async function minutesPass(minutes: number): Promise<void> {
  for (let tick = 0; tick < minutes * 4; tick++) {
    await vi.advanceTimersByTimeAsync(15_000);
    await realPause(15);
  }
}

describe('auto-stop', () => {
  it('never stops a service while its batch runs, and stops it after its idle minutes once the batch is done', async () => {
    const service = await call('services.create', {
      name: 'studio box',
      url: sim.info.exclusive.url,
      token: sim.info.exclusive.token,
      control: simControlSettings(sim.info, { autoStopIdleMinutes: 5 }),
    });
    expect(service.control?.autoStopIdleMinutes).toBe(5);
    const starter = (await call('workflows.list')).find((workflow) => workflow.source === 'starter');
    const batch = await call('batches.queue', {
      serviceId: service.id,
      workflowId: starter?.id,
      spec: { seeds: { mode: 'random' }, countPerPrompt: 3 },
    });
    // Twenty minutes on the clock while the batch runs: never stopped, never warned.
    await minutesPass(20);
    expect(notices).toEqual([]);
    expect((await call('batches.get', { batchId: batch.id })).finished).toBe(false);
    expect((await call('services.lifecycle', { serviceId: service.id })).status).toBe('Running');

    for (let i = 0; i < 400 && !(await call('batches.get', { batchId: batch.id })).finished; i++) await realPause(25);
    expect((await call('batches.get', { batchId: batch.id })).counts.succeeded).toBe(3);
    // Its images too (an Exclusive service's come through its /view): then nothing is left for it.
    for (let i = 0; i < 400; i++) {
      const page = await call('gallery.page', { filters: { batchId: batch.id }, limit: 10 });
      if (page.images.length === 3 && page.images.every((image) => image.state === 'fetched')) break;
      await realPause(25);
    }
    await minutesPass(3.5);
    expect(notices).toEqual([]);
    await minutesPass(1);
    expect(notices.map((notice) => notice.kind)).toEqual(['warning']);
    await minutesPass(1);
    expect(notices.map((notice) => notice.kind)).toEqual(['warning', 'stopped']);
    expect(notifications.filter((text) => text.startsWith('studio box'))).toEqual([
      expect.stringMatching(/^studio box stops in a minute: /),
      expect.stringMatching(/^studio box stopped: Stopped after 5 idle minutes/),
    ]);
    for (let i = 0; i < 200; i++) {
      if ((await call('services.lifecycle', { serviceId: service.id })).status === 'Stopped') break;
      await realPause(25);
    }
    expect((await call('services.lifecycle', { serviceId: service.id })).status).toBe('Stopped');
  }, 60_000);
});
