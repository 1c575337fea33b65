// The vendor's published sample flows, as a user would script them, with plain fetch and ws and no app code: the
// baseline the Studio's throughput is compared with. Each waits for every image to be on local disk, as the app does.
// - API edition: submit every job sequentially (`api_prompt?task_id=`), then one watcher on the sink that, for each
//   frame in turn, downloads its images from the OSS mount and commits the frame (the SDK sample's loop).
// - Exclusive: one job at a time: POST /prompt, poll GET /history/<id> every 0.2 s, download via /view.
import { fromBinary } from '@bufbuild/protobuf';
import OSS from 'ali-oss';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { z } from 'zod';
// The generated protobuf schema only: the vendor's SDK ships its own copy of the same three messages.
import { DataFrameProtoSchema } from '../../main/editions/queue/proto/queue_pb';
import type { SimulatorInfo } from '../sim/index';

export interface ReferenceRun {
  jobs: number;
  /** Submit of the first job to the last image written. */
  totalMs: number;
  images: number;
}

const fileSchema = z.object({ filename: z.string(), subfolder: z.string(), type: z.string() });
const outputsSchema = z.record(z.string(), z.object({ images: z.array(fileSchema).optional() }).loose());
// A sink frame's data: a list of `executed` items (one node's output each) or bare outputs maps.
const sinkDataSchema = z.array(z.record(z.string(), z.unknown()));
const executedSchema = z.object({
  data: z.object({ output: z.object({ images: z.array(fileSchema).optional() }).loose() }),
});
const promptReplySchema = z.object({ prompt_id: z.string() });
const historySchema = z.record(z.string(), z.object({ outputs: outputsSchema }).loose());

function workflowWithPrompt(workflow: Record<string, unknown>, text: string, seed: number): string {
  const copy = structuredClone(workflow) as Record<string, { inputs: Record<string, unknown> }>;
  const positive = copy['6'];
  const sampler = copy['3'];
  if (positive) positive.inputs.text = text;
  if (sampler) sampler.inputs.seed = seed;
  return JSON.stringify(copy);
}

export async function referenceQueueFlow(
  sim: SimulatorInfo,
  workflow: Record<string, unknown>,
  prompts: readonly string[],
  outDir: string,
): Promise<ReferenceRun> {
  const headers = { Authorization: sim.queue.token };
  const oss = new OSS({
    endpoint: sim.oss.endpoint,
    region: sim.oss.region,
    bucket: sim.oss.bucket,
    accessKeyId: sim.oss.accessKeyId,
    accessKeySecret: sim.oss.accessKeySecret,
  });
  const started = performance.now();
  const taskIds = new Set<string>();
  for (const [n, prompt] of prompts.entries()) {
    const taskId = randomUUID();
    const res = await fetch(`${sim.queue.url}/api_prompt?task_id=${taskId}`, {
      method: 'POST',
      headers,
      body: workflowWithPrompt(workflow, prompt, n),
    });
    if (res.status !== 200) throw new Error(`reference submit: HTTP ${res.status}`);
    await res.text();
    taskIds.add(taskId);
  }

  const sinkUrl = `${sim.queue.url}/sink`;
  const uid = randomUUID();
  const watchHeaders = { ...headers, 'X-EAS-QueueService-Redis-Uid': uid, 'X-EAS-QueueService-Redis-Gid': 'eas' };
  const images = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(
      `${sinkUrl.replace(/^http/, 'ws')}?_watch_=true&_index_=0&_window_=5&_index_only_=false&_auto_commit_=false`,
      { headers: { ...watchHeaders, Accept: 'application/vnd.google.protobuf' } },
    );
    // The sample handles one frame at a time: the next is read when this one is committed.
    let chain = Promise.resolve();
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      chain = chain
        .then(async () => {
          const frame = fromBinary(DataFrameProtoSchema, new Uint8Array(data));
          const items = sinkDataSchema.parse(JSON.parse(Buffer.from(frame.data).toString('utf8')));
          for (const item of items) {
            const files =
              item.type === 'executed'
                ? (executedSchema.parse(item).data.output.images ?? [])
                : Object.values(outputsSchema.parse(item)).flatMap((output) => output.images ?? []);
            for (const file of files) {
              const key = [sim.oss.prefix, 'output', file.subfolder, file.filename].filter(Boolean).join('/');
              // A frame may list a file twice (its `executed` item and the outputs map): one download each.
              if (images.has(key)) continue;
              images.add(key);
              const got = await oss.get(key);
              writeFileSync(join(outDir, file.filename), got.content as Buffer);
            }
          }
          const commit = await fetch(`${sinkUrl}?_indexes_=${frame.index}`, { method: 'PUT', headers: watchHeaders });
          await commit.text();
          const taskId = frame.tags.task_id;
          if (taskId !== undefined) taskIds.delete(taskId);
          if (taskIds.size === 0) {
            ws.close();
            resolve();
          }
        })
        .catch(reject);
    });
  });
  return { jobs: prompts.length, totalMs: performance.now() - started, images: images.size };
}

export async function referenceExclusiveFlow(
  sim: SimulatorInfo,
  workflow: Record<string, unknown>,
  prompts: readonly string[],
  outDir: string,
): Promise<ReferenceRun> {
  const headers = { Authorization: sim.exclusive.token, 'Content-Type': 'application/json' };
  const clientId = randomUUID();
  const started = performance.now();
  let images = 0;
  for (const [n, prompt] of prompts.entries()) {
    const body = `{"client_id":"${clientId}","prompt":${workflowWithPrompt(workflow, prompt, n)}}`;
    const res = await fetch(new URL('prompt', sim.exclusive.url), { method: 'POST', headers, body });
    if (res.status !== 200) throw new Error(`reference prompt: HTTP ${res.status}`);
    const { prompt_id: promptId } = promptReplySchema.parse(await res.json());
    for (;;) {
      await sleep(200);
      const history = historySchema.parse(
        await (await fetch(new URL(`history/${promptId}`, sim.exclusive.url), { headers })).json(),
      );
      const entry = history[promptId];
      if (!entry) continue;
      for (const output of Object.values(entry.outputs)) {
        for (const file of output.images ?? []) {
          const query = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type });
          const view = await fetch(new URL(`view?${query.toString()}`, sim.exclusive.url), { headers });
          writeFileSync(join(outDir, file.filename), Buffer.from(await view.arrayBuffer()));
          images += 1;
        }
      }
      break;
    }
  }
  return { jobs: prompts.length, totalMs: performance.now() - started, images };
}
