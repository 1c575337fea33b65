// No `artlab run` path waits forever: an unreachable service ends the run once nothing moved for --stall-timeout, a
// refused or missing token (the service's dispatch paused) ends it at once with the reason, retries are printed as
// they happen, and the errors name the service by its URL rather than a made-up name.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index';
import { runCli } from './support/cli-process';

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'artlab-cli-stuck-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('artlab run never waits forever', () => {
  it('gives up on an unreachable service after --stall-timeout, says why, and removes its data folder', async () => {
    const port = await closedPort();
    const childTmp = mkdtempSync(join(dir, 'tmp-'));
    const run = await runCli(
      ['run', 'starter', '--url', `http://127.0.0.1:${port}/`, '--count', '2', '--stall-timeout', '3', '--json'].concat(
        ['--out', join(dir, 'out')],
      ),
      { TMPDIR: childTmp },
    );
    expect(run.stderr).toContain('Nothing moved for 3 s');
    expect(run.stderr).toContain('Trying again');
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expect(run.stderr).not.toContain('artlab-cli');
    expect(run.code).toBe(1);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type?: unknown });
    expect(events.every((event) => typeof event.type === 'string')).toBe(true);
    expect(events.map((event) => event.type)).toContain('retry');
    expect(events.map((event) => event.type)).toContain('stalled');
    expect(dataFolders(childTmp)).toEqual([]);
  }, 60_000);

  it('ends at once when the Exclusive service refuses the token, with more than one job', async () => {
    const run = await runCli(
      ['run', 'starter', '--url', sim.info.exclusive.url, '--token-env', 'WRONG', '--count', '3'].concat([
        '--out',
        join(dir, 'out'),
      ]),
      { WRONG: 'not-the-token' },
    );
    expect(run.stderr).toMatch(/Stopped: .*token/i);
    expect(run.code).toBe(1);
  }, 60_000);

  it('says that no token is set, not that it was refused', async () => {
    const run = await runCli(['run', 'starter', '--url', sim.info.exclusive.url, '--count', '2', '--out', dir], {
      ARTLAB_TOKEN: '',
    });
    expect(run.stderr).toContain('asks for a token and none is set');
    expect(run.stderr).toContain('--token-env');
    expect(run.code).toBe(1);
  }, 60_000);
});

/** The CLI's throw-away data folders in a temp folder (tsx keeps its own cache there too). */
function dataFolders(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.startsWith('artlab-cli-'));
}
