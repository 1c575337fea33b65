// The "Test" button and the periodic check: is the service there, does it take the token, is the OSS output folder
// readable. Exclusive → GET {url}system_stats (comfyui-api.md); API edition → attributes of the sink and of the input
// queue (eas-queue.md); OSS → list one key under `<prefix>output/` (oss.md). Each part ends as one of
// ok / auth-failed / unreachable / misconfigured / needs-oss with a sentence saying what to do.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { HealthCode, HealthResult, HealthStatus, MessageParams } from '../../preload/schemas/services';
import type { Clock } from '../adapters';
import { AuthError, NetworkError, ServiceError, TimeoutError } from '../errors';
import { HttpClient } from '../editions/http';
import { insecureTokenWarning, parseLooseUrl } from './service-url';
import type { OssTarget } from '../oss/oss-target';
import { checkOssOutput } from './oss-probe';

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
  // The API edition's results are only on OSS (artlab-api-edition.md, "Where the files are"): without the location
  // every job would end with no image, so the check says so instead of calling the service ready.
  const ossRequired = target.edition === 'queue';
  if (target.oss) {
    const oss = await checkOssOutput(target.oss, { timeoutMs, required: ossRequired });
    outcomes.push({
      part: { part: 'oss', status: oss.status, message: oss.message, code: oss.code, params: oss.params },
      details: oss.details,
    });
  } else if (ossRequired) {
    outcomes.push({
      part: coded('oss', 'needs-oss', {
        message: `“${target.name}” has no OSS output location. The API edition writes its results to OSS and the images are read from there: add the storage path, its region and an AccessKey.`,
        code: 'oss-needed',
        params: { name: target.name },
      }),
    });
  }

  const details: Details = Object.assign({}, ...outcomes.map((outcome) => outcome.details ?? {})) as Details;
  const failed = outcomes.find((outcome) => outcome.part.status !== 'ok');
  const warnings: string[] = [];
  const warningCodes: NonNullable<HealthResult['warningCodes']> = [];
  let suggestedUrl: string | undefined;
  if (target.token) {
    const insecure = insecureTokenWarning(target.url);
    if (insecure) {
      warnings.push(insecure.warning);
      warningCodes.push({ code: 'plain-http', params: { host: parseLooseUrl(target.url)?.hostname ?? target.url } });
      suggestedUrl = insecure.suggestedUrl;
    }
  }
  const latencyMs = outcomes[0]?.latencyMs;
  const ok = okSentence(target, details, latencyMs);
  return {
    serviceId: target.serviceId,
    status: failed?.part.status ?? 'ok',
    message: failed?.part.message ?? ok.message,
    ...(failed ? codeOf(failed.part) : { code: ok.code, params: ok.params }),
    checkedAt: options.clock.now(),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    details,
    parts: outcomes.map((outcome) => outcome.part),
    warnings,
    warningCodes,
    ...(suggestedUrl ? { suggestedUrl } : {}),
  };
}

interface Coded {
  message: string;
  code: HealthCode;
  params: MessageParams;
}

function codeOf(part: Part): { code?: HealthCode; params?: MessageParams } {
  return { ...(part.code ? { code: part.code } : {}), ...(part.params ? { params: part.params } : {}) };
}

/** A part's verdict with its code; the params name the subject (`name`, `queue`) and any values in the sentence. */
function coded(part: Part['part'], status: HealthStatus, sentence: Coded): Part {
  return { part, status, ...sentence };
}

// The latency, version, device and queue length are shown beside the sentence as facts, so the coded sentence
// leaves them out and translations stay one fixed string each.
function okSentence(target: HealthTarget, details: Details, latencyMs: number | undefined): Coded {
  const latency = latencyMs !== undefined ? ` in ${latencyMs} ms` : '';
  if (target.edition === 'exclusive') {
    const what = details.version ? `ComfyUI ${details.version}` : 'ComfyUI';
    return {
      message: `${what}${details.device ? ` on ${details.device}` : ''} answered${latency}. Ready.`,
      code: 'ready-exclusive',
      params: { what },
    };
  }
  const waiting = details.queueLength !== undefined ? `${details.queueLength} waiting in the queue` : 'queue reachable';
  return {
    message: `The service took the token and answered${latency}; ${waiting}. Ready.`,
    code: 'ready-queue',
    params: {},
  };
}

async function checkExclusive(target: HealthTarget, timeoutMs: number, signal?: AbortSignal): Promise<PartOutcome> {
  const label = `The service “${target.name}”`;
  const subject = { name: target.name };
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
        part: coded('service', 'misconfigured', {
          message: `${label} answered, but not like ComfyUI. Check that the URL is the Exclusive edition's address (it ends with the service host and “/”).`,
          code: 'not-comfyui',
          params: subject,
        }),
        latencyMs,
      };
    }
    const details: Details = {};
    if (stats.system?.comfyui_version) details.version = stats.system.comfyui_version;
    const device = stats.devices?.[0]?.name;
    if (device) details.device = deviceLabel(device);
    return {
      part: coded('service', 'ok', { message: `${label} is ready.`, code: 'part-ready', params: subject }),
      details,
      latencyMs,
    };
  } catch (error) {
    return { part: partFromError('service', error, label, subject) };
  } finally {
    await client.close();
  }
}

async function checkQueue(target: HealthTarget, timeoutMs: number, signal?: AbortSignal): Promise<PartOutcome[]> {
  const queue = target.queue;
  if (!queue) {
    return [
      {
        part: coded('sink', 'misconfigured', {
          message: 'The queue endpoint and service name are missing. Paste the call information again.',
          code: 'queue-settings-missing',
          params: { name: target.name },
        }),
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
    const subject = { name: target.name, queue: queue.serviceName };
    const started = performance.now();
    let sink: Record<string, string | number> | undefined;
    try {
      sink = await attributes(`api/predict/${service}/sink`);
    } catch (error) {
      return [{ part: partFromError('sink', error, sinkLabel, subject) }];
    }
    const latencyMs = Math.round(performance.now() - started);
    if (!sink) {
      return [
        {
          part: coded('sink', 'misconfigured', {
            message: `${sinkLabel} answered, but not like an EAS queue. Check the endpoint and the service name.`,
            code: 'not-eas-queue',
            params: subject,
          }),
          latencyMs,
        },
      ];
    }
    // The docs spell it consumers.stats.total, the service sends consumers.status.total (eas-queue.md): accept both.
    const consumers = numberOf(sink['consumers.status.total'] ?? sink['consumers.stats.total']);
    outcomes.push({
      part: coded('sink', 'ok', { message: `${sinkLabel} took the token.`, code: 'part-ready', params: subject }),
      details: consumers !== undefined ? { consumers } : {},
      latencyMs,
    });

    const inputLabel = `The input queue “${queue.serviceName}”`;
    try {
      const input = await attributes(`api/predict/${service}`);
      const queueLength = numberOf(input?.['stream.length']);
      outcomes.push({
        part: coded('input-queue', 'ok', {
          message: `${inputLabel} is reachable.`,
          code: 'part-ready',
          params: subject,
        }),
        details: queueLength !== undefined ? { queueLength } : {},
      });
    } catch (error) {
      outcomes.push({ part: partFromError('input-queue', error, inputLabel, subject) });
    }
    return outcomes;
  } finally {
    await client.close();
  }
}

function partFromError(part: Part['part'], error: unknown, label: string, subject: MessageParams): Part {
  let status: HealthStatus = 'unreachable';
  let message: string;
  let code: HealthCode;
  const params: MessageParams = { ...subject };
  if (error instanceof AuthError) {
    status = 'auth-failed';
    message = `${label} refused the token. Copy the token again from the console's call information.`;
    code = 'token-refused';
  } else if (error instanceof ServiceError && error.status === 404) {
    status = 'misconfigured';
    message = `${label} was not found at this address (HTTP 404). Check the URL${part === 'service' ? '' : ' and the service name'}.`;
    code = part === 'service' ? 'not-found' : 'not-found-queue';
  } else if (error instanceof ServiceError && (error.status === 502 || error.status === 503)) {
    message = `${label} is not running (HTTP ${error.status}). Start the service in the PAI-EAS console, then test again.`;
    code = 'not-running';
    params.status = error.status;
  } else if (error instanceof ServiceError) {
    status = error.status >= 500 ? 'unreachable' : 'misconfigured';
    message = `${label} answered HTTP ${error.status}. ${error.status >= 500 ? 'Check that the service is running.' : 'Check the URL.'}`;
    code = error.status >= 500 ? 'http-server-error' : 'http-client-error';
    params.status = error.status;
  } else if (error instanceof NetworkError || error instanceof TimeoutError) {
    message = `${label} could not be reached: ${error instanceof TimeoutError ? 'it did not answer in time' : 'the connection failed'}. Check that the service is running and the URL is right.`;
    code = error instanceof TimeoutError ? 'timed-out' : 'connection-failed';
  } else {
    // Not a failure kind the HTTP client knows: a bug, left for the caller to record rather than hidden here.
    throw error;
  }
  return { part, status, message, code, params };
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
