// A plain queue client for the simulator's own tests: real HTTP (fetch) and a real websocket, no app code.
import { fromBinary } from '@bufbuild/protobuf';
import { WebSocket } from 'ws';
import {
  DataFrameListProtoSchema,
  DataFrameProtoSchema,
  type DataFrameProto,
} from '../../../main/editions/queue/proto/queue_pb';

export interface Identity {
  uid?: string;
  gid?: string;
}

export class TestQueueClient {
  constructor(
    /** `http://127.0.0.1:P/api/predict/<queue>` */
    readonly queueUrl: string,
    readonly token: string,
    readonly identity: Identity = {},
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { Authorization: this.token, ...extra };
    if (this.identity.uid) headers['X-EAS-QueueService-Redis-Uid'] = this.identity.uid;
    if (this.identity.gid) headers['X-EAS-QueueService-Redis-Gid'] = this.identity.gid;
    return headers;
  }

  request(method: string, query: Record<string, string>, body?: string, path = ''): Promise<Response> {
    const url = `${this.queueUrl}${path}?${new URLSearchParams(query).toString()}`;
    return fetch(url, { method, headers: this.headers({ Accept: 'application/vnd.google.protobuf' }), body });
  }

  async put(body: string, tags: Record<string, string> = {}): Promise<number> {
    const res = await this.request('POST', tags, body);
    if (res.status !== 200) throw new Error(`put: ${res.status} ${await res.text()}`);
    return Number(await res.text());
  }

  async get(query: Record<string, string>): Promise<DataFrameProto[]> {
    const res = await this.request('GET', query);
    if (res.status !== 200) throw new Error(`get: ${res.status} ${await res.text()}`);
    return fromBinary(DataFrameListProtoSchema, new Uint8Array(await res.arrayBuffer())).index;
  }

  async commit(indexes: number[]): Promise<string> {
    const res = await this.request('PUT', { _indexes_: indexes.join(',') });
    return `${res.status} ${await res.text()}`;
  }

  watch(query: Record<string, string>): Watch {
    const url = `${this.queueUrl.replace(/^http/, 'ws')}?${new URLSearchParams({ _watch_: 'true', ...query }).toString()}`;
    return new Watch(new WebSocket(url, { headers: this.headers({ Accept: 'application/vnd.google.protobuf' }) }));
  }
}

/** Buffers the frames of one watch so a test can await the next one. */
export class Watch {
  readonly frames: DataFrameProto[] = [];
  /** The bytes of every frame as received, for an independent decoder. */
  readonly rawFrames: Buffer[] = [];
  private read = 0;
  private waiting: (() => void) | undefined;
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;
  /** Status of a refused upgrade. */
  readonly refused: Promise<{ status: number; body: string }>;

  constructor(readonly ws: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    this.refused = new Promise((resolve) => {
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
    });
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      this.rawFrames.push(bytes);
      this.frames.push(fromBinary(DataFrameProtoSchema, new Uint8Array(bytes)));
      this.wake();
    });
    ws.on('close', () => this.wake());
  }

  /** The next frame not yet taken, or undefined when the socket closes first. */
  async next(): Promise<DataFrameProto | undefined> {
    while (this.read >= this.frames.length) {
      if (this.ws.readyState === WebSocket.CLOSED) return undefined;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    return this.frames[this.read++];
  }

  async take(count: number): Promise<DataFrameProto[]> {
    const taken: DataFrameProto[] = [];
    for (let i = 0; i < count; i += 1) {
      const frame = await this.next();
      if (!frame) throw new Error(`the watch closed after ${taken.length} of ${count} frames`);
      taken.push(frame);
    }
    return taken;
  }

  close(): Promise<void> {
    this.ws.terminate();
    return this.closed;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}

export function text(frame: DataFrameProto | undefined): string {
  return frame ? Buffer.from(frame.data).toString('utf8') : '';
}
