// The simulated ComfyUI does what the real one (0.3.65) was seen doing by the peer suite (test/peer/): which socket
// gets which frame and in what order, a cached re-run, and a prompt of which only some outputs are valid.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringifyJson } from '../../main/comfy/json-bigint';
import { connectExclusive, submitWorkflow, type ConnectedClient } from '../integration/support/exclusive-rig';
import { CACHED_RUN_FRAMES, FRESH_RUN_FRAMES } from '../peer/support/comfy-frames';
import { framesOf, recordFrames, type FrameRecorder } from '../peer/support/frame-recorder';
import { invertWorkflow, noiseWorkflow, previewWorkflow } from '../peer/support/peer-service';
import { ObjectStore } from './oss/object-store';
import { startExclusiveServer, type ExclusiveServer } from './exclusive/server';

let server: ExclusiveServer;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  server = await startExclusiveServer({ stepMs: 0, store: new ObjectStore(), mountPrefix: 'local' });
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await server.close();
});

function record(): FrameRecorder {
  const recorder = recordFrames(server.url);
  closers.push(() => recorder.close());
  return recorder;
}

/** A client without a socket of its own that submits under `clientId`. */
function submitter(clientId: string): ConnectedClient {
  const rig = connectExclusive({ url: server.url, clientId, progressSocket: false });
  closers.push(() => rig.client.close());
  return rig;
}

describe('the simulated ComfyUI, as the real one behaves', () => {
  it('sends a run’s frames, progress_state included, in ComfyUI’s order and only to the submitting client', async () => {
    const own = record();
    const bystander = record();
    await Promise.all([own.live, bystander.live]);
    const identity = await submitWorkflow(submitter(own.clientId).client, invertWorkflow());
    await own.finished(identity);
    expect(framesOf(own.frames, identity)).toEqual(FRESH_RUN_FRAMES);

    // Frames go out in order: once the bystander's own prompt has ended, a frame of the first would have arrived.
    const later = await submitWorkflow(submitter(bystander.clientId).client, invertWorkflow());
    await bystander.finished(later);
    expect(framesOf(bystander.frames, identity)).toEqual([]);
    expect(framesOf(own.frames, later)).toEqual([]);
  });

  it('sends progress_state to every socket, and executing to none, for a prompt without a client_id', async () => {
    const watcher = record();
    await watcher.live;
    const reply = await fetch(new URL('prompt', server.url), {
      method: 'POST',
      body: stringifyJson({ prompt: invertWorkflow() }),
    });
    const { prompt_id: promptId } = (await reply.json()) as { prompt_id: string };
    await server.queue.idle();
    // The idle queue's status frame is the last one the run sends: everything before it has arrived.
    await expect.poll(() => watcher.frames.filter((frame) => frame.type === 'status').length).toBeGreaterThanOrEqual(4);
    expect(new Set(framesOf(watcher.frames, promptId))).toEqual(new Set(['progress_state']));
  });

  it('visits only the output node of a fully cached re-run, and lists every cached node in prompt order', async () => {
    const own = record();
    await own.live;
    const { client } = submitter(own.clientId);
    const workflow = invertWorkflow();
    await own.finished(await submitWorkflow(client, workflow));
    const again = await submitWorkflow(client, workflow);
    await own.finished(again);
    expect(framesOf(own.frames, again)).toEqual(CACHED_RUN_FRAMES);
    const cached = own.frames.find(
      (frame) => frame.type === 'execution_cached' && stringifyJson(frame.data).includes(again),
    );
    expect((cached?.data as { nodes: string[] }).nodes).toEqual(['1', '2', '3']);
  });

  it('runs the valid outputs of a partly invalid prompt and names the others in the 200 reply’s node_errors', async () => {
    const prompt = {
      ...noiseWorkflow(),
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'missing.safetensors' } },
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
      '6': { class_type: 'VAEDecode', inputs: { samples: ['5', 0], vae: ['4', 2] } },
      '7': { class_type: 'SaveImage', inputs: { images: ['6', 0], filename_prefix: 'broken' } },
    };
    const reply = await fetch(new URL('prompt', server.url), { method: 'POST', body: stringifyJson({ prompt }) });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { prompt_id: string; node_errors: Record<string, unknown> };
    expect(body.node_errors).toEqual({
      '4': {
        errors: [
          expect.objectContaining({
            type: 'value_not_in_list',
            extra_info: expect.objectContaining({
              input_name: 'ckpt_name',
              received_value: 'missing.safetensors',
            }) as unknown,
          }),
        ],
        dependent_outputs: ['7'],
        class_type: 'CheckpointLoaderSimple',
      },
    });
    await server.queue.idle();
    const history = server.queue.historyOf(body.prompt_id)[body.prompt_id];
    expect(Object.keys(history?.outputs ?? {})).toEqual(['3']);
  });

  it('names PreviewImage files ComfyUI_temp_ and five letters of ComfyUI’s alphabet, in the temp folder', async () => {
    const rig = submitter('preview');
    const done = await rig.result(await submitWorkflow(rig.client, previewWorkflow()));
    expect(done.outputs.map((file) => [file.type, file.subfolder])).toEqual([['temp', '']]);
    // nodes.py draws from "abcdefghijklmnopqrstupvxyz": no digits, no w
    expect(done.outputs[0]?.filename).toMatch(/^ComfyUI_temp_[a-vxyz]{5}_\d{5}_\.png$/);
  });

  it('answers /queue deletes and /interrupt with 200 and an empty application/octet-stream body, as aiohttp does', async () => {
    for (const [path, body] of [
      ['queue', JSON.stringify({ delete: ['no-such-prompt'] })],
      ['interrupt', JSON.stringify({ prompt_id: 'no-such-prompt' })],
      ['interrupt', ''],
    ] as const) {
      const reply = await fetch(new URL(path, server.url), { method: 'POST', body });
      expect([reply.status, reply.headers.get('content-type'), await reply.text()]).toEqual([
        200,
        'application/octet-stream',
        '',
      ]);
    }
  });
});
