// `artlab run` against a real HTTP service that echoes the token it was sent, encoded, in its error replies: what
// the CLI prints must carry none of it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../main/cli/index.ts', import.meta.url));
const token = 'tok+Zq8/1c0ffee=5e11';
const echoes = {
  base64: Buffer.from(token).toString('base64'),
  base64url: Buffer.from(token).toString('base64url'),
  hex: Buffer.from(token).toString('hex'),
  url: encodeURIComponent(token),
  // The token inside a longer base64 string (after 5 bytes: not on a 3-byte boundary): the characters only its
  // bytes determine.
  embedded: Buffer.from(`auth=${token}`)
    .toString('base64')
    .slice(Math.ceil((8 * 5) / 6), Math.floor((8 * (5 + token.length)) / 6)),
};

let server: Server;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-redaction-'));
  // A ComfyUI that refuses every prompt and quotes the Authorization header it got, as a careless proxy might.
  server = createServer((req, res) => {
    const sent = req.headers.authorization ?? '';
    const quoted = [
      Buffer.from(sent).toString('base64'),
      Buffer.from(sent).toString('base64url'),
      Buffer.from(sent).toString('hex'),
      encodeURIComponent(sent),
      Buffer.from(`auth=${sent}`).toString('base64'),
    ].join(' ');
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { type: 'denied', message: `credentials ${quoted}` }, node_errors: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('artlab run output', () => {
  it('never prints the token, even when the service echoes it base64, hex or URL-encoded', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { code, output } = await run(
      ['run', 'starter', '--url', url, '--edition', 'exclusive', '--token-env', 'CLI_TOKEN', '--json', '--out', dir],
      { CLI_TOKEN: token, ARTLAB_DEBUG: '1' },
    );
    expect(code).toBe(1);
    expect(output).toContain('rejected the workflow: credentials [redacted] [redacted]');
    for (const [form, text] of Object.entries({ raw: token, ...echoes })) expect(output, form).not.toContain(text);
  }, 60_000);
});
