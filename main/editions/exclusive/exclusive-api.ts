// The ComfyUI HTTP routes the Exclusive edition uses (reference/comfyui-api.md), each reply parsed at the boundary.
// Paths are relative to the service URL: `{url}prompt`, never `{url}/prompt` (the gateway is picky about `//`).
import { stringifyJson } from '../../comfy/json-bigint';
import { catalogFromObjectInfo, type NodeCatalog } from '../../comfy/node-catalog';
import { resultFromHistory, type ComfyResult } from '../../comfy/outputs';
import type { ApiWorkflow } from '../../comfy/workflow-types';
import { PermanentServiceError, ServiceError, excerpt, type ValidationError } from '../../errors';
import { redact } from '../../log/redact';
import type { HttpClient, HttpRequest, HttpResponse } from '../http';
import { historyReplySchema, promptReplySchema, queueSchema, systemStatsSchema } from './comfy-replies';
import { partialRejection, promptRejection } from './prompt-errors';

export interface PromptSubmission {
  promptId: string;
  clientId: string;
  jobId: string;
  workflow: ApiWorkflow;
}

export interface PromptAccepted {
  promptId: string;
  number: number;
  /** Set when ComfyUI queued only some output nodes: why it refused the others (a 200 with `node_errors`). */
  refusedOutputs?: ValidationError;
}

export interface QueueSnapshot {
  running: string[];
  /** Pending prompt ids in the order ComfyUI will run them. */
  pending: string[];
}

export interface ServiceHealth {
  /** ComfyUI's version, when the server says. */
  version?: string;
  /** The first device, e.g. "cuda:0 NVIDIA A10 : cudaMallocAsync". */
  device?: string;
  latencyMs: number;
}

export class ExclusiveApi {
  // close() aborts requests in flight: a poll waiting on an unreachable service must not hold the app's shutdown
  private readonly lifetime = new AbortController();

  constructor(
    readonly http: HttpClient,
    readonly label: string,
    private readonly now: () => number = Date.now,
  ) {}

  abort(): void {
    this.lifetime.abort(new Error('the client was closed'));
  }

  private request(req: HttpRequest): Promise<HttpResponse> {
    return this.http.request({ ...req, signal: this.lifetime.signal });
  }

  private parse<T>(response: HttpResponse, what: string, read: (json: unknown) => T | undefined): T {
    let json: unknown;
    try {
      json = response.json();
    } catch {
      json = undefined;
    }
    const value = json === undefined ? undefined : read(json);
    if (value === undefined) {
      const detail = redact(excerpt(response.text()));
      throw new ServiceError(
        `${this.label} sent a reply to ${what} that is not ComfyUI's (${detail || 'empty'}). Check that the URL points at a ComfyUI service.`,
        response.status,
        detail,
      );
    }
    return value;
  }

  /**
   * POST /prompt with a client-chosen prompt_id (honoured in the reply, history and websocket) and the ledger's job id
   * in extra_data, so that a prompt whose reply was lost can be recognised in /queue and /history.
   */
  async submitPrompt(submission: PromptSubmission): Promise<PromptAccepted> {
    // stringifyJson keeps 64-bit seeds exact; JSON.stringify would throw on a bigint
    const body = stringifyJson({
      prompt: submission.workflow,
      client_id: submission.clientId,
      prompt_id: submission.promptId,
      extra_data: { artlab_job_id: submission.jobId },
    });
    const response = await this.request({
      method: 'POST',
      path: 'prompt',
      headers: { 'content-type': 'application/json' },
      body,
      accept: [400, 500],
    });
    if (response.status === 400) {
      throw promptRejection(response.status, response.text(), submission.workflow, this.label);
    }
    if (response.status === 500) {
      // ComfyUI answers a body it cannot read (malformed JSON, a prompt that is not an object) with 500 text/plain
      const detail = redact(excerpt(response.text()));
      throw new PermanentServiceError(
        `${this.label} could not read the workflow (HTTP 500${detail ? `: ${detail}` : ''}). Export it again with Workflow → Export (API); if every workflow fails, check that the service is running.`,
        500,
        detail,
      ).withCode('service-workflow-unreadable', { status: 500, detail });
    }
    const reply = this.parse(response, 'the prompt', (json) => promptReplySchema.safeParse(json).data);
    const refused = partialRejection(reply.node_errors, submission.workflow, this.label);
    return { promptId: reply.prompt_id, number: reply.number, ...(refused ? { refusedOutputs: refused } : {}) };
  }

  async queue(): Promise<QueueSnapshot> {
    const response = await this.request({ path: 'queue' });
    const queue = this.parse(response, 'the queue listing', (json) => queueSchema.safeParse(json).data);
    const pending = [...queue.queue_pending].sort((a, b) => a[0] - b[0]);
    return { running: queue.queue_running.map((item) => item[1]), pending: pending.map((item) => item[1]) };
  }

  /** The finished prompt's result, or undefined while it is pending, running or unknown. */
  async history(promptId: string, workflow?: ApiWorkflow): Promise<ComfyResult | undefined> {
    const response = await this.request({ path: `history/${encodeURIComponent(promptId)}` });
    const reply = this.parse(response, 'the history', (json) => historyReplySchema.safeParse(json).data);
    return resultFromHistory(reply, promptId, workflow ? { workflow } : {});
  }

  /** Removes pending prompts; ComfyUI ignores ids that are running or unknown. */
  async deletePending(promptIds: string[]): Promise<void> {
    await this.request({
      method: 'POST',
      path: 'queue',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delete: promptIds }),
    });
  }

  /** Interrupts the prompt if it is the one running; ComfyUI does nothing for a pending or finished id. */
  async interrupt(promptId: string): Promise<void> {
    await this.request({
      method: 'POST',
      path: 'interrupt',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt_id: promptId }),
    });
  }

  async systemStats(): Promise<ServiceHealth> {
    const started = this.now();
    const response = await this.request({ path: 'system_stats' });
    const latencyMs = this.now() - started;
    const stats = this.parse(response, 'the health check', (json) => systemStatsSchema.safeParse(json).data);
    const device = stats.devices[0];
    return {
      ...(stats.system?.comfyui_version ? { version: stats.system.comfyui_version } : {}),
      ...(device?.name ? { device: device.name } : device?.type ? { device: device.type } : {}),
      latencyMs,
    };
  }

  /** The node catalogue; read for output nodes and output counts. */
  async objectInfo(): Promise<NodeCatalog> {
    // A plain install sends ≈300 KB, but every custom node pack adds to it: tens of MiB on large installs
    const response = await this.request({ path: 'object_info', timeoutMs: 60_000, maxBytes: 64 * 1024 * 1024 });
    const info = this.parse(response, 'the node catalogue', (json) =>
      typeof json === 'object' && json !== null ? json : undefined,
    );
    return catalogFromObjectInfo(info);
  }
}
