// The EAS control API (`pai-eas.<region>.aliyuncs.com`, version 2021-07-01, ROA + JSON) on 127.0.0.1: the operations
// of reference/eas-control.md §2 the app uses, behind the gateway's ACS3-HMAC-SHA256 check (§5) and its error shape
// (§4). Each service is a ServiceLifecycle that switches its data plane off while stopped or starting.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { NonceLedger, distinctHeaders, verifyAcs3 } from './acs3-verifier';
import { ServiceLifecycle, StateConflict, type ServiceStatus } from './control-lifecycle';
import { PayloadTooLargeError, readBody } from './http-util';

export const CONTROL_API_VERSION = '2021-07-01';
const MAX_BODY_BYTES = 1024 * 1024;

export interface ControlServerOptions {
  /** 0 = a free port. */
  port: number;
  /** The region the endpoint serves; it is also the ClusterId in every path (reference §1). */
  region: string;
  /** AccessKey ID → secret, the keys the account knows. */
  accessKeys: Record<string, string>;
  services: ServiceLifecycle[];
  now?: () => number;
}

type Action =
  | 'DescribeService'
  | 'UpdateService'
  | 'StartService'
  | 'StopService'
  | 'ScaleService'
  | 'ListServiceInstances'
  | 'DescribeServiceEvent';

const ROUTES: Record<string, Partial<Record<string, Action>>> = {
  '': { GET: 'DescribeService', PUT: 'UpdateService' },
  start: { PUT: 'StartService' },
  stop: { PUT: 'StopService' },
  scale: { PUT: 'ScaleService' },
  instances: { GET: 'ListServiceInstances' },
  events: { GET: 'DescribeServiceEvent' },
};

const SERVICE_PATH = /^\/api\/v2\/services\/([^/]+)\/([^/]+)(?:\/(start|stop|scale|instances|events))?$/;

const ScaleBody = z.object({ Instance: z.int().min(0).max(1000), InstancesToDelete: z.array(z.string()).optional() });
const UpdateBody = z.looseObject({ metadata: z.looseObject({ instance: z.int().min(0).max(1000).optional() }) });

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class EasControlServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly nonces = new NonceLedger();
  private readonly services = new Map<string, ServiceLifecycle>();
  private boundPort = 0;
  /** Requests that passed the signature check, by action: lets a test see what the client called. */
  readonly calls: Action[] = [];

  private constructor(private readonly options: ControlServerOptions) {
    for (const service of options.services) this.services.set(service.name, service);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: ControlServerOptions): Promise<EasControlServer> {
    const server = new EasControlServer(options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(options.port, '127.0.0.1', () => {
        server.server.off('error', reject);
        server.boundPort = (server.server.address() as AddressInfo).port;
        resolve();
      });
    });
    return server;
  }

  /** `127.0.0.1:<port>`: what the OpenAPI client takes as its endpoint (with protocol http). */
  get endpoint(): string {
    return `127.0.0.1:${this.boundPort}`;
  }
  get region(): string {
    return this.options.region;
  }

  service(name: string): ServiceLifecycle | undefined {
    return this.services.get(name);
  }

  async close(): Promise<void> {
    for (const service of this.services.values()) service.close();
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID().toUpperCase();
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      const target = req.url ?? '/';
      const mark = target.indexOf('?');
      const rawPath = mark >= 0 ? target.slice(0, mark) : target;
      const rawQuery = mark >= 0 ? target.slice(mark + 1) : '';
      const verified = verifyAcs3(
        { method: req.method ?? 'GET', rawPath, rawQuery, headers: distinctHeaders(req.headersDistinct), body },
        this.nonces,
        { secretOf: (id) => this.options.accessKeys[id], now: this.options.now ?? Date.now },
      );
      if (!verified.ok) throw new ApiError(verified.status, verified.code, verified.message);
      const match = SERVICE_PATH.exec(rawPath);
      const action = match ? ROUTES[match[3] ?? '']?.[req.method ?? 'GET'] : undefined;
      // The gateway's codes for an unknown route, a wrong action or version are not published; these are plausible.
      if (!match || !action) throw new ApiError(404, 'InvalidAction.NotFound', `No API at ${req.method} ${rawPath}.`);
      if (verified.action !== action) {
        throw new ApiError(400, 'InvalidAction.Mismatch', `x-acs-action ${verified.action} is not ${action}.`);
      }
      if (req.headers['x-acs-version'] !== CONTROL_API_VERSION) {
        throw new ApiError(400, 'InvalidVersion', `This API is version ${CONTROL_API_VERSION}.`);
      }
      const cluster = decodeURIComponent(match[1] ?? '');
      const name = decodeURIComponent(match[2] ?? '');
      const service = cluster === this.options.region ? this.services.get(name) : undefined;
      // EAS's code for an unknown service is not published (reference §9 question 4); 404 with this code is a guess.
      if (!service) {
        throw new ApiError(404, 'InvalidService.NotFound', `Service [${name}] in region [${cluster}] does not exist.`);
      }
      this.calls.push(action);
      const reply = this.run(action, service, body, new URL(target, 'http://127.0.0.1').searchParams);
      this.send(res, 200, { RequestId: requestId, ...reply }, requestId);
    } catch (error) {
      if (error instanceof ApiError) {
        this.send(res, error.status, this.errorBody(error.code, error.message, requestId), requestId);
      } else if (error instanceof PayloadTooLargeError) {
        this.send(res, 413, this.errorBody('RequestTooLarge', error.message, requestId), requestId);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.send(res, 500, this.errorBody('InternalError', message, requestId), requestId);
      }
    }
  }

  private run(action: Action, service: ServiceLifecycle, body: Buffer, query: URLSearchParams): object {
    const where = `Service [${service.name}] in region [${this.options.region}]`;
    try {
      switch (action) {
        case 'DescribeService':
          return this.describe(service);
        case 'StartService':
          service.start();
          return { Message: `${where} is starting` };
        case 'StopService':
          service.stop();
          return { Message: `${where} is stopping` };
        case 'ScaleService':
          service.scale(parseBody(ScaleBody, body).Instance);
          return { Message: `${where} is scaling` };
        case 'UpdateService': {
          // Only metadata.instance is modelled: "only metadata.instance updated ⇒ manual scaling" (reference §2).
          const instance = parseBody(UpdateBody, body).metadata.instance;
          if (instance !== undefined) service.scale(instance);
          return { Message: `Succeed to update ${where.toLowerCase()}` };
        }
        case 'ListServiceInstances':
          return this.instances(service, query);
        case 'DescribeServiceEvent':
          return this.events(service, query);
      }
    } catch (error) {
      if (error instanceof StateConflict) throw new ApiError(400, 'InvalidServiceStatus', error.message);
      throw error;
    }
  }

  private describe(service: ServiceLifecycle): object {
    const { running, pending, total } = service.counts();
    const endpoint = `http://1234567890.${this.options.region}.pai-eas.aliyuncs.com/api/predict/${service.name}`;
    return {
      ServiceName: service.name,
      ServiceId: `eas-m-${service.name}`,
      ServiceUid: `eas-m-${service.name}`,
      Region: this.options.region,
      Status: service.status,
      Reason: reasonOf(service.status),
      Message: messageOf(service.status),
      RunningInstance: running,
      PendingInstance: pending,
      TotalInstance: total,
      Cpu: 8,
      Gpu: 1,
      Memory: 30000,
      GPUMemory: 0,
      ServiceConfig: JSON.stringify({ metadata: { instance: service.desired, name: service.name } }),
      InternetEndpoint: endpoint,
      CreateTime: service.createTime,
      UpdateTime: service.updateTime,
      SafetyLock: 'none',
      AutoscalerEnabled: false,
      CronscalerEnabled: false,
    };
  }

  private instances(service: ServiceLifecycle, query: URLSearchParams): object {
    const role = query.get('Role');
    const all = service.instances().filter((i) => !role || i.role === role);
    const { page, size } = paging(query.get('PageNumber'), query.get('PageSize'));
    return {
      PageNumber: page,
      PageSize: size,
      TotalCount: all.length,
      Instances: all.slice((page - 1) * size, page * size).map((i) => ({
        InstanceName: i.name,
        Status: i.status,
        Reason: i.status === 'Running' ? 'RUNNING' : 'PENDING',
        Role: i.role,
        InstanceType: i.role === 'Queue' ? 'ecs.c7.large' : 'ml.gu7i.c32m188.1-gu30',
        CreateTime: i.createTime,
        ...(i.startTime ? { StartTime: i.startTime } : {}),
        IsSpot: false,
        ReadyProcesses: i.status === 'Running' ? 1 : 0,
        TotalProcesses: 1,
        RestartCount: 0,
      })),
    };
  }

  private events(service: ServiceLifecycle, query: URLSearchParams): object {
    const type = query.get('EventType');
    const all = service
      .eventLog()
      .filter((e) => !type || e.type === type)
      .reverse();
    const { page, size } = paging(query.get('PageNum'), query.get('PageSize'));
    return {
      PageNum: page,
      TotalCount: all.length,
      TotalPageNum: Math.max(1, Math.ceil(all.length / size)),
      Events: all.slice((page - 1) * size, page * size).map((e) => ({
        Time: e.time,
        Type: e.type,
        Reason: e.reason,
        Message: e.message,
        Resource: e.resource,
      })),
    };
  }

  /** The gateway's error shape (reference §4). */
  private errorBody(code: string, message: string, requestId: string): object {
    return {
      Message: message,
      RequestId: requestId,
      HostId: `pai-eas.${this.options.region}.aliyuncs.com`,
      Code: code,
    };
  }

  private send(res: ServerResponse, status: number, value: object, requestId: string): void {
    const body = JSON.stringify(value);
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'x-acs-request-id': requestId,
    });
    res.end(body);
  }
}

function parseBody<T>(schema: z.ZodType<T>, body: Buffer): T {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'InvalidParameter', 'The body is not JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, 'InvalidParameter', z.prettifyError(parsed.error));
  return parsed.data;
}

function paging(pageParam: string | null, sizeParam: string | null): { page: number; size: number } {
  const page = Math.max(1, Number.parseInt(pageParam ?? '1', 10) || 1);
  const size = Math.min(100, Math.max(1, Number.parseInt(sizeParam ?? '100', 10) || 100));
  return { page, size };
}

function reasonOf(status: ServiceStatus): string {
  return status.toUpperCase();
}

function messageOf(status: ServiceStatus): string {
  if (status === 'Running') return 'Service start successfully';
  if (status === 'Stopped') return 'Service stopped';
  return `Service is ${status.toLowerCase()}`;
}
