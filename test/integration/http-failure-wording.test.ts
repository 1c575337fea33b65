// A service's HTTP failure is coded with what the reply said: a reply with a body names it, an empty one is worded
// without a dangling "(HTTP 500: )".
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../main/editions/http';
import { ServiceError } from '../../main/errors';
import { HostileServer } from './support/hostile/hostile-http';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function failure(status: number, body: string): Promise<ServiceError> {
  const server = await HostileServer.start((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
  cleanups.push(() => server.close());
  const http = new HttpClient({ baseUrl: server.url, label: 'the service “x”' });
  cleanups.push(() => http.close());
  const error: unknown = await http.request({ path: 'prompt' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('HTTP failures', () => {
  it('words a 500 without a body as the status alone', async () => {
    const error = await failure(500, '');
    expect(error.code).toBe('service-failed-bare');
    expect(error.params).toMatchObject({ status: 500 });
    expect(error.params).not.toHaveProperty('detail');
    expect(error.message).toContain('failed (HTTP 500). If it persists');
  });

  it("keeps a 500's own words as its detail", async () => {
    const error = await failure(502, 'upstream gone');
    expect(error.code).toBe('service-failed');
    expect(error.params).toMatchObject({ status: 502, detail: 'upstream gone' });
  });

  it('words a 400 without a body as the status alone', async () => {
    const error = await failure(400, '');
    expect(error.code).toBe('service-rejected-bare');
    expect(error.message).toContain('rejected the request (HTTP 400).');
  });
});
