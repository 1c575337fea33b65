// The simulator's ACS3-HMAC-SHA256 check: against the reference's test vectors (reference/eas-control.md §5), and
// against what Alibaba Cloud's own OpenAPI core sends (recorded on a loopback server), so the two cannot drift apart.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  NonceLedger,
  acs3Signature,
  distinctHeaders,
  sha256Hex,
  verifyAcs3,
  type SignedRequest,
} from './eas/acs3-verifier';
import { loadOpenApiSdk } from '../../main/lifecycle/openapi-sdk';

const SECRET = 'testAccessKeySecret';
const DATE = '2025-01-01T00:00:00Z';
const NONCE = '0123456789abcdef0123456789abcdef';
const SIGNED = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];

function vectorRequest(method: string, path: string, query: string, action: string, body = ''): SignedRequest {
  const headers: Record<string, string[]> = {
    host: ['pai-eas.cn-shanghai.aliyuncs.com'],
    'x-acs-action': [action],
    'x-acs-content-sha256': [sha256Hex(body)],
    'x-acs-date': [DATE],
    'x-acs-signature-nonce': [NONCE],
    'x-acs-version': ['2021-07-01'],
  };
  if (body !== '') headers['content-type'] = ['application/json; charset=utf-8'];
  return { method, rawPath: path, rawQuery: query, headers, body: Buffer.from(body) };
}

function signedHeaderNames(request: SignedRequest): string[] {
  return request.body.length > 0 ? [...SIGNED, 'content-type'].sort() : SIGNED;
}

function sign(request: SignedRequest, secret = SECRET): SignedRequest {
  const names = signedHeaderNames(request);
  const signature = acs3Signature(request, names, sha256Hex(request.body), secret);
  const authorization = `ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=${names.join(';')},Signature=${signature}`;
  return { ...request, headers: { ...request.headers, authorization: [authorization] } };
}

const at = (iso: string) => ({
  secretOf: (id: string) => (id === 'testAccessKeyId' ? SECRET : undefined),
  now: () => Date.parse(iso),
});

describe('ACS3-HMAC-SHA256 verification', () => {
  it('computes the reference signature of a StopService without a body', () => {
    const request = vectorRequest('PUT', '/api/v2/services/cn-shanghai/ai4d_comfyuiapi_demo/stop', '', 'StopService');
    expect(acs3Signature(request, SIGNED, sha256Hex(''), SECRET)).toBe(
      '11eb81f8d14e8bd1188c05a176fd583f1b7161711433358325ef4e096898f3d7',
    );
  });

  it('computes the reference payload hash and signature of a ScaleService with a JSON body', () => {
    const request = vectorRequest(
      'PUT',
      '/api/v2/services/cn-shanghai/ai4d_comfyuiapi_demo/scale',
      '',
      'ScaleService',
      '{"Instance":0}',
    );
    expect(sha256Hex(request.body)).toBe('efcf81214227e350edc050b2c15213393c9ddd6cfe6b313470f8f416ec4deb55');
    expect(acs3Signature(request, signedHeaderNames(request), sha256Hex(request.body), SECRET)).toBe(
      'e24aea97a9c2b7d05de969b16281831a728bd153e270b7340cb1f9d92e6c865b',
    );
  });

  it('re-encodes a received query as the SDK signs it (brackets raw on the wire, encoded when signed)', () => {
    const request = vectorRequest('GET', '/api/v2/services', 'PageSize=100&Filter=ai4d%20(x)', 'ListServices');
    expect(acs3Signature(request, SIGNED, sha256Hex(''), SECRET)).toBe(
      '75d98d8eeceb1c2b16e4dc0717352d321c9013448748ee4962e07bef78eeeafc',
    );
  });

  it('accepts a signed request once and refuses the same nonce again', () => {
    const request = sign(vectorRequest('PUT', '/api/v2/services/cn-shanghai/x/stop', '', 'StopService'));
    const nonces = new NonceLedger();
    expect(verifyAcs3(request, nonces, at(DATE))).toEqual({
      ok: true,
      accessKeyId: 'testAccessKeyId',
      action: 'StopService',
    });
    expect(verifyAcs3(request, nonces, at(DATE))).toMatchObject({ ok: false, status: 400, code: 'SignatureNonceUsed' });
  });

  it('refuses a signature made with another secret, and an AccessKey ID it does not know', () => {
    const request = vectorRequest('PUT', '/api/v2/services/cn-shanghai/x/stop', '', 'StopService');
    expect(verifyAcs3(sign(request, 'wrongSecret'), new NonceLedger(), at(DATE))).toMatchObject({
      ok: false,
      status: 400,
      code: 'SignatureDoesNotMatch',
    });
    const stranger = { secretOf: () => undefined, now: () => Date.parse(DATE) };
    expect(verifyAcs3(sign(request), new NonceLedger(), stranger)).toMatchObject({
      status: 404,
      code: 'InvalidAccessKeyId.NotFound',
    });
  });

  it('refuses a date more than 15 minutes from its clock, either way', () => {
    const request = sign(vectorRequest('PUT', '/api/v2/services/cn-shanghai/x/stop', '', 'StopService'));
    expect(verifyAcs3(request, new NonceLedger(), at('2025-01-01T00:14:59Z')).ok).toBe(true);
    expect(verifyAcs3(request, new NonceLedger(), at('2025-01-01T00:15:01Z'))).toMatchObject({
      code: 'InvalidTimeStamp.Expired',
    });
    expect(verifyAcs3(request, new NonceLedger(), at('2024-12-31T23:44:59Z'))).toMatchObject({
      code: 'InvalidTimeStamp.Expired',
    });
  });

  it('refuses a body that is not the one signed, and a request that leaves a required header unsigned', () => {
    const request = sign(
      vectorRequest('PUT', '/api/v2/services/cn-shanghai/x/scale', '', 'ScaleService', '{"Instance":1}'),
    );
    const tampered = { ...request, body: Buffer.from('{"Instance":9}') };
    expect(verifyAcs3(tampered, new NonceLedger(), at(DATE))).toMatchObject({ code: 'SignatureDoesNotMatch' });
    const unsigned = vectorRequest('PUT', '/api/v2/services/cn-shanghai/x/stop', '', 'StopService');
    const names = SIGNED.filter((name) => name !== 'x-acs-signature-nonce');
    const signature = acs3Signature(unsigned, names, sha256Hex(''), SECRET);
    unsigned.headers.authorization = [
      `ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=${names.join(';')},Signature=${signature}`,
    ];
    expect(verifyAcs3(unsigned, new NonceLedger(), at(DATE))).toMatchObject({ code: 'IncompleteSignature' });
  });

  it('verifies what @alicloud/openapi-core sends, query and body included, and only with the right secret', async () => {
    const received: { req: IncomingMessage; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ req, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sdk = await loadOpenApiSdk();
    const client = new sdk.Client(
      new sdk.util.Config({ accessKeyId: 'testAccessKeyId', accessKeySecret: SECRET, endpoint, protocol: 'http' }),
    );
    const call = (action: string, method: string, pathname: string, request: object) =>
      client.callApi(
        new sdk.util.Params({
          action,
          version: '2021-07-01',
          protocol: 'http',
          pathname,
          method,
          authType: 'AK',
          style: 'ROA',
          reqBodyType: 'json',
          bodyType: 'json',
        }),
        new sdk.util.OpenApiRequest(request),
        new sdk.RuntimeOptions({ readTimeout: 5000, connectTimeout: 5000 }),
      );
    await call('ListServices', 'GET', '/api/v2/services', { query: { PageSize: '100', Filter: "ai4d (x)'*!" } });
    await call('ScaleService', 'PUT', '/api/v2/services/cn-shanghai/ai4d_x/scale', { body: { Instance: 3 } });
    expect(received).toHaveLength(2);
    for (const { req, body } of received) {
      const url = req.url ?? '';
      const mark = url.indexOf('?');
      const request: SignedRequest = {
        method: req.method ?? '',
        rawPath: mark >= 0 ? url.slice(0, mark) : url,
        rawQuery: mark >= 0 ? url.slice(mark + 1) : '',
        headers: distinctHeaders(req.headersDistinct),
        body,
      };
      const now = { secretOf: () => SECRET, now: () => Date.now() };
      expect(verifyAcs3(request, new NonceLedger(), now)).toMatchObject({ ok: true });
      expect(verifyAcs3(request, new NonceLedger(), { ...now, secretOf: () => 'another' })).toMatchObject({
        code: 'SignatureDoesNotMatch',
      });
    }
    const first = received[0]?.req;
    // What the library puts on the wire: Node's querystring leaves `()*!` raw but encodes `'` (the reference says all
    // five stay raw); the signature encodes all five either way.
    expect(first?.url).toBe('/api/v2/services?PageSize=100&Filter=ai4d%20(x)%27*!');
    expect(first?.headers.authorization).toMatch(
      /SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,/,
    );
  });
});
