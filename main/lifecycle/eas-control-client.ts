// The EAS control API (status, start, stop, scale, instances, events) through Alibaba Cloud's own OpenAPI core, which
// signs every request with ACS3-HMAC-SHA256: the signature is the vendor's code, not ours. The product package
// (@alicloud/eas20210701) is not used; each operation is the generic callApi with the path and method of
// reference/eas-control.md §2. Replies are parsed with zod into our types; failures become our error kinds.
import type { z } from 'zod';
import { ServiceError } from '../errors';
import { mapControlError } from './control-errors';
import { loadOpenApiSdk, type OpenApiClient, type OpenApiSdk } from './openapi-sdk';
import type { ControlTarget } from './control-target';
import {
  ActionReplySchema,
  EventListSchema,
  InstanceListSchema,
  ServiceStatusSchema,
  toActionReply,
  toEventList,
  toInstanceList,
  toServiceStatus,
  type EasActionReply,
  type EasInstanceList,
  type EasServiceEvent,
  type EasServiceStatus,
} from './eas-replies';

export const EAS_API_VERSION = '2021-07-01';

export interface ControlCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** An STS token, when the key is temporary. */
  securityToken?: string;
}

export interface EasControlClientOptions {
  /** `pai-eas.<region>.aliyuncs.com` (controlEndpointFor), or `127.0.0.1:<port>` for the simulator. */
  endpoint: string;
  /** https always, except a loopback simulator. */
  protocol: 'https' | 'http';
  credentials: ControlCredentials;
  /** Connecting, and then the whole reply (headers and body), each within these. */
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

interface Operation {
  action: string;
  method: 'GET' | 'PUT';
  /** After `/api/v2/services/{ClusterId}/{ServiceName}`. */
  suffix: '' | '/start' | '/stop' | '/scale' | '/instances' | '/events';
}

/** Path segments are percent-encoded as the SDK does (reference §1: encodeURIComponent, then `*` → `%2A`). */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/\*/g, '%2A');
}

interface Loaded {
  client: OpenApiClient;
  sdk: OpenApiSdk;
}

export class EasControlClient {
  private loaded: Promise<Loaded> | undefined;

  constructor(private readonly options: EasControlClientOptions) {}

  async describeService(target: ControlTarget): Promise<EasServiceStatus> {
    const op: Operation = { action: 'DescribeService', method: 'GET', suffix: '' };
    return toServiceStatus(await this.call(op, target, ServiceStatusSchema));
  }

  /** Workers and, for the API edition, its Queue-role instance (reference §2); up to 100 per page. */
  async listServiceInstances(target: ControlTarget, page = 1): Promise<EasInstanceList> {
    const op: Operation = { action: 'ListServiceInstances', method: 'GET', suffix: '/instances' };
    const query = { PageNumber: String(page), PageSize: '100' };
    return toInstanceList(await this.call(op, target, InstanceListSchema, { query }));
  }

  async startService(target: ControlTarget): Promise<EasActionReply> {
    const op: Operation = { action: 'StartService', method: 'PUT', suffix: '/start' };
    return toActionReply(await this.call(op, target, ActionReplySchema));
  }

  async stopService(target: ControlTarget): Promise<EasActionReply> {
    const op: Operation = { action: 'StopService', method: 'PUT', suffix: '/stop' };
    return toActionReply(await this.call(op, target, ActionReplySchema));
  }

  /** ScaleService (SDK ≥ 7.5.0): the manual instance count; UpdateService would do the same with a config merge. */
  async scaleService(target: ControlTarget, instances: number): Promise<EasActionReply> {
    if (!Number.isInteger(instances) || instances < 0 || instances > 1000) {
      throw new RangeError(`an instance count is a whole number from 0 to 1000, not ${instances}`);
    }
    const op: Operation = { action: 'ScaleService', method: 'PUT', suffix: '/scale' };
    return toActionReply(await this.call(op, target, ActionReplySchema, { body: { Instance: instances } }));
  }

  /** The newest events first page (EAS's default window: the last 7 days). */
  async describeServiceEvents(
    target: ControlTarget,
    page = 1,
  ): Promise<{ totalCount: number; events: EasServiceEvent[] }> {
    const op: Operation = { action: 'DescribeServiceEvent', method: 'GET', suffix: '/events' };
    const query = { PageNum: String(page), PageSize: '100' };
    return toEventList(await this.call(op, target, EventListSchema, { query }));
  }

  private async call<S extends z.ZodType>(
    op: Operation,
    target: ControlTarget,
    schema: S,
    input: { query?: Record<string, string>; body?: object } = {},
  ): Promise<z.infer<S>> {
    const context = {
      action: op.action,
      serviceName: target.serviceName,
      region: target.region,
      endpoint: this.options.endpoint,
      accessKeyId: this.options.credentials.accessKeyId,
    };
    const { client, sdk } = await this.load();
    const params = new sdk.util.Params({
      action: op.action,
      version: EAS_API_VERSION,
      protocol: this.options.protocol,
      pathname: `/api/v2/services/${segment(target.region)}/${segment(target.serviceName)}${op.suffix}`,
      method: op.method,
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      // 'json' lets the library read the reply under its read timeout. Its other modes hand over the stream but
      // leave httpx's read timer armed on a kept-alive socket, where it later cuts the next request short; so the
      // reply's size is not capped here (openapi-core reads every body whole, error bodies too).
      bodyType: 'json',
    });
    const request = new sdk.util.OpenApiRequest({
      ...(input.query ? { query: input.query } : {}),
      ...(input.body ? { body: input.body } : {}),
    });
    // No retries: a start or stop is not repeated behind the artist's back (openapi-core retries only when asked).
    const runtime = new sdk.RuntimeOptions({
      connectTimeout: this.options.connectTimeoutMs ?? 5_000,
      readTimeout: this.options.readTimeoutMs ?? 15_000,
    });
    let reply: unknown;
    try {
      reply = await client.callApi(params, request, runtime);
    } catch (error) {
      throw mapControlError(error, context);
    }
    const body: unknown = (reply as { body?: unknown } | null)?.body;
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ServiceError(
        `The EAS control API's reply to ${op.action} is not what EAS sends: ${parsed.error.issues[0]?.message ?? ''}`,
        200,
      ).withCode('eas-control-reply-invalid', { action: op.action });
    }
    return parsed.data;
  }

  private load(): Promise<Loaded> {
    this.loaded ??= loadOpenApiSdk().then((sdk) => {
      const { accessKeyId, accessKeySecret, securityToken } = this.options.credentials;
      const config = new sdk.util.Config({
        accessKeyId,
        accessKeySecret,
        ...(securityToken ? { securityToken } : {}),
        endpoint: this.options.endpoint,
        protocol: this.options.protocol,
      });
      return { client: new sdk.Client(config), sdk };
    });
    this.loaded.catch(() => {
      this.loaded = undefined;
    });
    return this.loaded;
  }
}
