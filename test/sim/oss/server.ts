// The simulated OSS endpoint: one bucket over HTTP on loopback, answering the ali-oss SDK unchanged — GetObject (with
// Range), HeadObject, PutObject, DeleteObject, ListObjects (V1 and V2) — with XML replies and errors, and real
// signature checks (oss-signature.ts). See reference/oss.md.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FaultInjector } from '../faults';
import {
  byteRange,
  InvalidContinuationTokenError,
  type ListPage,
  type ObjectMeta,
  type ObjectStore,
} from './object-store';
import { checkSignature, type QueryParam } from './oss-signature';
import { RestartableListener } from './restartable-listener';

export interface OssServerOptions {
  store: ObjectStore;
  bucket: string;
  /** `cn-shanghai` or `oss-cn-shanghai`. */
  region: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, every request must carry it as `x-oss-security-token` (STS credentials). */
  stsToken?: string;
  /** 127.0.0.1 port; 0 or absent = a free one. */
  port?: number;
  faults?: FaultInjector;
}

export interface OssServer {
  /** `http://127.0.0.1:<port>`: pass it as the SDK's `endpoint`. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
  simulateRestart(downMs: number): Promise<void>;
  /** Refuses every PUT with AccessDenied, as a key with read-only access is refused (true), or stops refusing. */
  denyWrites(deny: boolean): void;
}

const ERROR_STATUS: Record<string, number> = {
  NoSuchKey: 404,
  NoSuchBucket: 404,
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  InvalidSecurityToken: 403,
  InvalidArgument: 400,
  MethodNotAllowed: 405,
  FileAlreadyExists: 409,
  InternalError: 500,
};

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c] ?? ''};`,
  );
}

function element(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits a raw query string without form decoding ('+' stays '+'), keeping whether a key had '='. */
function parseQuery(search: string): QueryParam[] {
  if (search === '') return [];
  return search.split('&').flatMap((part): QueryParam[] => {
    if (part === '') return [];
    const eq = part.indexOf('=');
    return eq < 0
      ? [{ key: safeDecode(part), value: null }]
      : [{ key: safeDecode(part.slice(0, eq)), value: safeDecode(part.slice(eq + 1)) }];
  });
}

export async function startOssServer(options: OssServerOptions): Promise<OssServer> {
  const { store, bucket, faults } = options;
  const region = options.region.replace(/^oss-/, '');
  const credentials = { accessKeyId: options.accessKeyId, accessKeySecret: options.accessKeySecret, region };

  const sendError = (
    res: ServerResponse,
    method: string,
    code: string,
    message: string,
    extra: Record<string, string> = {},
  ): void => {
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const status = ERROR_STATUS[code] ?? 400;
    res.setHeader('x-oss-request-id', requestId);
    if (method === 'HEAD') {
      // HEAD replies carry no body: the SDK reads the status alone
      res.writeHead(status);
      res.end();
      return;
    }
    const fields = Object.entries(extra).map(([name, value]) => element(name, value));
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${element('Code', code)}${element('Message', message)}${element('RequestId', requestId)}${element('HostId', `${bucket}.oss-${region}.aliyuncs.com`)}${fields.join('')}</Error>`;
    res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  /** Bucket and key: from `<bucket>.oss-<region>.aliyuncs.com` hosts, else path style, else the one bucket (cname). */
  const locate = (req: IncomingMessage, pathname: string): { bucket: string; key: string } => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = safeDecode(pathname).replace(/^\//, '');
    const slash = path.indexOf('/');
    const first = slash < 0 ? path : path.slice(0, slash);
    const rest = slash < 0 ? '' : path.slice(slash + 1);
    // with an IP endpoint and sldEnable the SDK sends both the virtual host and the path-style bucket: the path wins
    const virtualHosted = /^([^.]+)\..*aliyuncs\.com$/.exec(host)?.[1];
    if (virtualHosted !== undefined && first !== virtualHosted) return { bucket: virtualHosted, key: path };
    if (first === bucket || virtualHosted !== undefined) return { bucket: first, key: rest };
    return { bucket, key: path };
  };

  const objectHeaders = (meta: ObjectMeta): Record<string, string> => ({
    'Content-Type': meta.contentType,
    ETag: meta.etag,
    'Last-Modified': meta.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    'x-oss-object-type': 'Normal',
    'x-oss-storage-class': 'Standard',
  });

  const listXml = (page: ListPage, query: Map<string, string | null>, v2: boolean): string => {
    const urlEncoded = query.get('encoding-type') === 'url';
    const name = (text: string): string => (urlEncoded ? encodeURIComponent(text) : text);
    const contents = page.contents.map(
      (o) =>
        `<Contents>${element('Key', name(o.key))}${element('LastModified', o.lastModified.toISOString())}${element('ETag', o.etag)}${element('Type', 'Normal')}${element('Size', o.size)}${element('StorageClass', 'Standard')}</Contents>`,
    );
    const prefixes = page.commonPrefixes.map((p) => `<CommonPrefixes>${element('Prefix', name(p))}</CommonPrefixes>`);
    const head = [
      element('Name', bucket),
      element('Prefix', name(query.get('prefix') ?? '')),
      element('MaxKeys', query.get('max-keys') ?? '100'),
      element('Delimiter', name(query.get('delimiter') ?? '')),
      ...(urlEncoded ? [element('EncodingType', 'url')] : []),
      element('IsTruncated', page.isTruncated),
    ];
    if (v2) {
      const token = query.get('continuation-token');
      if (token) head.push(element('ContinuationToken', token));
      if (page.nextContinuationToken) head.push(element('NextContinuationToken', page.nextContinuationToken));
      head.push(element('KeyCount', page.keyCount));
    } else {
      head.splice(2, 0, element('Marker', name(query.get('marker') ?? '')));
      const last = [...page.contents.map((o) => o.key), ...page.commonPrefixes].sort().at(-1);
      if (page.isTruncated && last) head.push(element('NextMarker', name(last)));
    }
    return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult>${head.join('')}${contents.join('')}${prefixes.join('')}</ListBucketResult>`;
  };

  const list = (res: ServerResponse, method: string, query: Map<string, string | null>): void => {
    const v2 = query.get('list-type') === '2';
    const maxKeys = Number(query.get('max-keys') ?? '100');
    if (!Number.isInteger(maxKeys) || maxKeys < 0 || maxKeys > 1000) {
      sendError(res, method, 'InvalidArgument', 'Argument max-keys must be an integer between 0 and 1000.');
      return;
    }
    let page: ListPage;
    try {
      const token = v2 ? query.get('continuation-token') : undefined;
      const startAfter = v2 ? query.get('start-after') : query.get('marker');
      page = store.list({
        prefix: query.get('prefix') ?? '',
        delimiter: query.get('delimiter') ?? '',
        maxKeys,
        ...(token ? { continuationToken: token } : {}),
        ...(startAfter ? { startAfter } : {}),
      });
    } catch (error) {
      if (!(error instanceof InvalidContinuationTokenError)) throw error;
      sendError(res, method, 'InvalidArgument', error.message);
      return;
    }
    const body = listXml(page, query, v2);
    res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const getObject = (req: IncomingMessage, res: ServerResponse, key: string): void => {
    const method = req.method ?? 'GET';
    const stored = store.get(key);
    if (!stored) {
      sendError(res, method, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
      return;
    }
    const headers = objectHeaders(stored);
    if (req.headers['if-none-match'] === stored.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    // OSS ignores a range it cannot satisfy and sends the whole object (unless x-oss-range-behavior: standard)
    const range = byteRange(req.headers.range, stored.size);
    const [start, end, partial] = range ? [range.start, range.end, true] : [0, stored.size - 1, false];
    const body = stored.bytes.subarray(start, end + 1);
    res.writeHead(partial ? 206 : 200, {
      ...headers,
      'Content-Length': String(body.length),
      ...(partial ? { 'Content-Range': `bytes ${start}-${end}/${stored.size}` } : {}),
    });
    res.end(method === 'HEAD' ? undefined : body);
  };

  let writesDenied = false;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (faults && (await faults.beforeHttpReply(req, res))) return;
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const pathname = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
    const params = parseQuery(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1));
    const query = new Map(params.map((p) => [p.key, p.value]));
    const target = locate(req, pathname);
    if (target.bucket !== bucket) {
      sendError(res, method, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: target.bucket });
      return;
    }
    const check = checkSignature({ method, headers: req.headers, query: params, ...target }, credentials);
    if (!check.ok) {
      sendError(res, method, check.code, check.message, check.stringToSign ? { StringToSign: check.stringToSign } : {});
      return;
    }
    if (options.stsToken !== undefined && req.headers['x-oss-security-token'] !== options.stsToken) {
      sendError(res, method, 'InvalidSecurityToken', 'The security token you provided is invalid.');
      return;
    }
    const { key } = target;
    if (key === '' && method === 'GET') list(res, method, query);
    else if (key !== '' && (method === 'GET' || method === 'HEAD')) getObject(req, res, key);
    else if (key !== '' && method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (writesDenied) {
        sendError(res, method, 'AccessDenied', 'You have no right to access this object because of bucket acl.');
        return;
      }
      if (req.headers['x-oss-forbid-overwrite'] === 'true' && store.get(key)) {
        sendError(
          res,
          method,
          'FileAlreadyExists',
          'The object you specified already exists and can not be overwritten.',
        );
        return;
      }
      const meta = store.put(key, Buffer.concat(chunks), req.headers['content-type'] || undefined);
      res.writeHead(200, { ETag: meta.etag, 'Content-Length': '0' });
      res.end();
    } else if (key !== '' && method === 'DELETE') {
      store.delete(key);
      res.writeHead(204);
      res.end();
    } else sendError(res, method, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendError(res, req.method ?? 'GET', 'InternalError', error instanceof Error ? error.message : 'error');
      else res.destroy();
    });
  });
  const listener = await RestartableListener.start(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${listener.port}`,
    port: listener.port,
    close: () => listener.close(),
    simulateRestart: (downMs) => listener.simulateRestart(downMs),
    denyWrites: (deny) => {
      writesDenied = deny;
    },
  };
}
