// The "Test" button and the periodic check: is the service there, does it take the token, is the OSS output folder
// readable. Exclusive → GET {url}system_stats (comfyui-api.md); API edition → attributes of the sink and of the input
// queue (eas-queue.md); OSS → list one key under `<prefix>output/` (oss.md). Each part ends as one of
// ok / auth-failed / unreachable / misconfigured with a sentence saying what to do.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { HealthResult, HealthStatus } from '../../preload/schemas/services';
import type { Clock } from '../adapters';
import { AuthError, NetworkError, ServiceError, TimeoutError } from '../errors';
import { HttpClient } from '../editions/http';
import { insecureTokenWarning } from './service-url';
import { checkOssOutput, type OssTarget } from './oss-probe';

export interface HealthTarget {
  serviceId: string;
  name: string;
  edition: 'queue' | 'exclusive';
  url: string;
  token?: string;
  queue?: { endpoint: string; serviceName: string };
  oss?: OssTarget;
}

export interface HealthCheckOptions {
  clock: Clock;
  timeoutMs?: number;
  /** Aborts the HTTP checks (the app is closing); the OSS listing is bounded by timeoutMs only. */
  signal?: AbortSignal;
}

type Part = HealthResult['parts'][number];
type Details = HealthResult['details'];

interface PartOutcome {
  part: Part;
  details?: Details;
  latencyMs?: number;
}

const SystemStatsSchema = z.object({
  system: z.object({ comfyui_version: z.string().optional() }).optional(),
  devices: z.array(z.object({ name: z.string() })).optional(),
});

const AttributesSchema = z.record(z.string(), z.union([z.string(), z.number()]));

export async function checkServiceHealth(target: HealthTarget, options: HealthCheckOptions): Promise<HealthResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const outcomes: PartOutcome[] =
    target.edition === 'exclusive' ? [await checkExclusive(target, timeoutMs)] : await checkQueue(target, timeoutMs);
  if (target.oss) {
    const oss = await checkOssOutput(target.oss, timeoutMs);
    outcomes.push({ part: { part: 'oss', status: oss.status, message: oss.message }, details: oss.details });
  }

  const details: Details = Object.assign({}, ...outcomes.map((outcome) => outcome.details ?? {})) as Details;
  const failed = outcomes.find((outcome) => outcome.part.status !== 'ok');
  const warnings: string[] = [];
  let suggestedUrl: string | undefined;
  if (target.token) {
    const insecure = insecureTokenWarning(target.url);
    if (insecure) {
      warnings.push(insecure.warning);
      suggestedUrl = insecure.suggestedUrl;
    }
  }
  const latencyMs = outcomes[0]?.latencyMs;
  return {
    serviceId: target.serviceId,
    status: failed?.part.status ?? 'ok',
    message: failed?.part.message ?? okSentence(target, details, latencyMs),
    checkedAt: options.clock.now(),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    details,
    parts: outcomes.map((outcome) => outcome.part),
    warnings,
    ...(suggestedUrl ? { suggestedUrl } : {}),
  };
}

function okSentence(target: HealthTarget, details: Details, latencyMs: number | undefined): string {
  const latency = latencyMs !== undefined ? ` in ${latencyMs} ms` : '';
  if (target.edition === 'exclusive') {
    const what = details.version ? `ComfyUI ${details.version}` : 'ComfyUI';
    return `${what}${details.device ? ` on ${details.device}` : ''} answered${latency}. Ready.`;
  }
  const waiting = details.queueLength !== undefined ? `${details.queueLength} waiting in the queue` : 'queue reachable';
  return `The service took the token and answered${latency}; ${waiting}. Ready.`;
}

async function checkExclusive(target: HealthTarget, timeoutMs: number, signal?: AbortSignal): Promise<PartOutcome> {
  const label = `The service “${target.name}”`;
  const client = new HttpClient({ baseUrl: target.url, token: target.token, label, timeoutMs });
  try {
    const started = performance.now();
    const response = await client.request({ path: 'system_stats', ...(signal ? { signal } : {}) });
    const latencyMs = Math.round(performance.now() - started);
    let stats: z.infer<typeof SystemStatsSchema> | undefined;
    try {
      const parsed = SystemStatsSchema.safeParse(response.json());
      if (parsed.success && parsed.data.system) stats = parsed.data;
    } catch {
      stats = undefined;
    }
    if (!stats) {
      return {
        part: {
          part: 'service',
          status: 'misconfigured',
          message: `${label} answered, but not like ComfyUI. Check that the URL is the Exclusive edition's address (it ends with the service host and “/”).`,
        },
        latencyMs,
      };
    }
    const details: Details = {};
    if (stats.system?.comfyui_version) details.version = stats.system.comfyui_version;
    const device = stats.devices?.[0]?.name;
    if (device) details.device = deviceLabel(device);
    return { part: { part: 'service', status: 'ok', message: `${label} is ready.` }, details, latencyMs };
  } catch (error) {
    return { part: partFromError('service', error, label) };
  } finally {
    await client.close();
  }
}

async function checkQueue(target: HealthTarget, timeoutMs: number, signal?: AbortSignal): Promise<PartOutcome[]> {
  const queue = target.queue;
  if (!queue) {
    return [
      {
        part: {
          part: 'sink',
          status: 'misconfigured',
          message: 'The queue endpoint and service name are missing. Paste the call information again.',
        },
      },
    ];
  }
  const label = `The service “${target.name}”`;
  const client = new HttpClient({ baseUrl: queue.endpoint, token: target.token, label, timeoutMs });
  const service = encodeURIComponent(queue.serviceName);
  const attributes = async (path: string) => {
    const response = await client.request({ path, query: { _attrs_: 'true' }, ...(signal ? { signal } : {}) });
    const parsed = AttributesSchema.safeParse(safeJson(response.text()));
    if (!parsed.success) return undefined;
    return parsed.data;
  };
  try {
    const outcomes: PartOutcome[] = [];
    const sinkLabel = `The result queue “${queue.serviceName}/sink”`;
    const started = performance.now();
    let sink: Record<string, string | number> | undefined;
    try {
      sink = await attributes(`api/predict/${service}/sink`);
    } catch (error) {
      return [{ part: partFromError('sink', error, sinkLabel) }];
    }
    const latencyMs = Math.round(performance.now() - started);
    if (!sink) {
      return [
        {
          part: {
            part: 'sink',
            status: 'misconfigured',
            message: `${sinkLabel} answered, but not like an EAS queue. Check the endpoint and the service name.`,
          },
          latencyMs,
        },
      ];
    }
    // The docs spell it consumers.stats.total, the service sends consumers.status.total (eas-queue.md): accept both.
    const consumers = numberOf(sink['consumers.status.total'] ?? sink['consumers.stats.total']);
    outcomes.push({
      part: { part: 'sink', status: 'ok', message: `${sinkLabel} took the token.` },
      details: consumers !== undefined ? { consumers } : {},
      latencyMs,
    });

    const inputLabel = `The input queue “${queue.serviceName}”`;
    try {
      const input = await attributes(`api/predict/${service}`);
      const queueLength = numberOf(input?.['stream.length']);
      outcomes.push({
        part: { part: 'input-queue', status: 'ok', message: `${inputLabel} is reachable.` },
        details: queueLength !== undefined ? { queueLength } : {},
      });
    } catch (error) {
      outcomes.push({ part: partFromError('input-queue', error, inputLabel) });
    }
    return outcomes;
  } finally {
    await client.close();
  }
}

function partFromError(part: Part['part'], error: unknown, label: string): Part {
  let status: HealthStatus = 'unreachable';
  let message: string;
  if (error instanceof AuthError) {
    status = 'auth-failed';
    message = `${label} refused the token. Copy the token again from the console's call information.`;
  } else if (error instanceof ServiceError && error.status === 404) {
    status = 'misconfigured';
    message = `${label} was not found at this address (HTTP 404). Check the URL${part === 'service' ? '' : ' and the service name'}.`;
  } else if (error instanceof ServiceError && (error.status === 502 || error.status === 503)) {
    message = `${label} is not running (HTTP ${error.status}). Start the service in the PAI-EAS console, then test again.`;
  } else if (error instanceof ServiceError) {
    status = error.status >= 500 ? 'unreachable' : 'misconfigured';
    message = `${label} answered HTTP ${error.status}. ${error.status >= 500 ? 'Check that the service is running.' : 'Check the URL.'}`;
  } else if (error instanceof NetworkError || error instanceof TimeoutError) {
    message = `${label} could not be reached: ${error instanceof TimeoutError ? 'it did not answer in time' : 'the connection failed'}. Check that the service is running and the URL is right.`;
  } else {
    // Not a failure kind the HTTP client knows: a bug, left for the caller to record rather than hidden here.
    throw error;
  }
  return { part, status, message };
}

/** ComfyUI names devices like `cuda:0 NVIDIA A10 : cudaMallocAsync`: the card is what a user recognises. */
export function deviceLabel(name: string): string {
  const match = /^\S+:\d+\s+(.+?)\s+:\s+\S+$/.exec(name.trim());
  return match?.[1] ?? name.trim();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function numberOf(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
