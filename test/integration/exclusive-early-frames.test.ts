// ComfyUI can run a quick prompt — even to its end — before the reply to the POST that queued it reaches the client.
// The frames that arrive for a prompt not followed yet (its previews, its end) are kept briefly and replayed when it is
// followed: its previews are told, and it is confirmed from its end frame instead of at the next (here slow) poll.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectExclusive, submitWorkflow, type ConnectedClient } from './support/exclusive-rig';
import { startSimulator, type Simulator } from '../sim/index';

let sim: Simulator;
let rig: ConnectedClient;

beforeEach(async () => {
  sim = await startSimulator({ stepMs: 0 });
  rig = connectExclusive({
    url: sim.info.exclusive.url,
    token: sim.info.exclusive.token,
    // A poll would come only after the test's own time is up.
    timing: { pollIntervalMs: 60_000, maxPollIntervalMs: 60_000, quietAfterMs: 60_000 },
  });
});
afterEach(async () => {
  await rig.client.close();
  await sim.close();
});

const quick = (color: number) => ({
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
  '3': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'quick' } },
});

describe('frames that come before the POST reply', () => {
  it('confirms quick prompts from their end frame and tells their previews', { timeout: 10_000 }, async () => {
    for (const color of [1, 2, 3]) {
      const identity = await submitWorkflow(rig.client, quick(color));
      const result = await rig.result(identity);
      expect(result.outputs.map((file) => file.type).sort()).toEqual(['output', 'temp']);
      expect(rig.events).toContainEqual({
        type: 'previews',
        identity,
        files: [expect.objectContaining({ node: '2', type: 'temp' }) as unknown],
      });
    }
  });
});
