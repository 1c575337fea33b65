// Live progress over a real ComfyUI's /ws: upstream sends a prompt's execution events only to the socket whose
// clientId is the prompt's client_id, in a fixed order that ends with `executing` for node null.
import { afterEach, describe, expect, it } from 'vitest';
import { ExclusiveClient } from '../../main/editions/exclusive/exclusive-client';
import { connectExclusive, submitWorkflow, type ConnectedClient } from '../integration/support/exclusive-rig';
import { CACHED_RUN_FRAMES, FRESH_RUN_FRAMES } from './support/comfy-frames';
import { framesOf, recordFrames, type FrameRecorder } from './support/frame-recorder';
import { comfyUrl, invertWorkflow, noiseWorkflow } from './support/peer-service';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function connect(options: Partial<ConstructorParameters<typeof ExclusiveClient>[0]> = {}): ConnectedClient {
  const rig = connectExclusive({ url: comfyUrl(), ...options });
  closers.push(() => rig.client.close());
  return rig;
}

function record(clientId?: string): FrameRecorder {
  const recorder = recordFrames(comfyUrl(), clientId);
  closers.push(() => recorder.close());
  return recorder;
}

describe('live progress from a real ComfyUI', () => {
  it('hands over a finished prompt on the socket’s word alone, with no poll due for minutes', async () => {
    // Polls ten minutes apart: within the test's time only the socket can bring the result.
    const rig = connect({ timing: { pollIntervalMs: 600_000, maxPollIntervalMs: 600_000 } });
    await expect.poll(() => rig.client.connectionState.state).toBe('live');
    const identity = await submitWorkflow(rig.client, noiseWorkflow());
    const done = await rig.result(identity);
    expect(done.error).toBeUndefined();
    expect(done.outputs).toHaveLength(1);
    const mine = rig.events.filter((event) => 'identity' in event && event.identity === identity);
    expect(mine.map((event) => event.type)).toEqual(['queued', 'running']);
  });

  it('sends a prompt’s events, in ComfyUI’s order, to its own client id and to no other socket', async () => {
    const own = record();
    const bystander = record();
    await Promise.all([own.live, bystander.live]);
    // The prompt is submitted by a client without a socket of its own, under the recorder's client id.
    const submitter = connect({ clientId: own.clientId, progressSocket: false });
    const identity = await submitWorkflow(submitter.client, invertWorkflow());
    await own.finished(identity);
    expect(framesOf(own.frames, identity)).toEqual(FRESH_RUN_FRAMES);

    // ComfyUI publishes frames in order from one queue: once the bystander's own prompt has ended, any frame of the
    // first prompt meant for it would have arrived before.
    const other = connect({ clientId: bystander.clientId, progressSocket: false });
    const later = await submitWorkflow(other.client, invertWorkflow());
    await bystander.finished(later);
    expect(framesOf(bystander.frames, identity)).toEqual([]);
    expect(framesOf(bystander.frames, later)).toContain('executed:3');
    expect(framesOf(own.frames, later)).toEqual([]);
  });

  it('reports a cached re-run with `executed` for the output node and no `executing` frames', async () => {
    const own = record();
    await own.live;
    const submitter = connect({ clientId: own.clientId, progressSocket: false });
    const workflow = invertWorkflow();
    const first = await submitWorkflow(submitter.client, workflow);
    await own.finished(first);
    const again = await submitWorkflow(submitter.client, workflow);
    await own.finished(again);
    expect(framesOf(own.frames, again)).toEqual(CACHED_RUN_FRAMES);
    const cached = own.frames.find(
      (frame) => frame.type === 'execution_cached' && JSON.stringify(frame.data).includes(again),
    );
    expect((cached?.data as { nodes: string[] }).nodes).toEqual(['1', '2', '3']);
  });

  it('sends progress_state to every socket, and executing to none, for a prompt without a client_id', async () => {
    const watcher = record();
    await watcher.live;
    const reply = await fetch(new URL('prompt', comfyUrl()), {
      method: 'POST',
      body: JSON.stringify({ prompt: invertWorkflow() }),
    });
    const { prompt_id: promptId } = (await reply.json()) as { prompt_id: string };
    // The status frame of the emptied queue follows the run's last frame.
    await expect
      .poll(() =>
        watcher.frames.some(
          (frame) =>
            frame.type === 'status' &&
            JSON.stringify(frame.data) === JSON.stringify({ status: { exec_info: { queue_remaining: 0 } } }),
        ),
      )
      .toBe(true);
    expect(new Set(framesOf(watcher.frames, promptId))).toEqual(new Set(['progress_state']));
  });
});
