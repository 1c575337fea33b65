// Every `--json` command line README.md shows must print exactly its JSON on stdout when typed as shown: npm's banner,
// build output and progress belong on stderr. The test reads the command lines out of README.md, checks their form,
// and runs them through npm, against the simulator where they need a service.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorInfoSchema, startSimulator, type Simulator } from '../sim/index';
import { startLongRunning } from './support/long-running-child';

const root = resolve(import.meta.dirname, '../..');
const windows = process.platform === 'win32';

/** The `npm run … --json` command lines of README.md: in sh blocks (continuations joined, comments cut) and inline. */
function readmeJsonCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blockLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] ?? '')
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s#\s.*$/, '').trim()),
  );
  const inline = [...readme.matchAll(/`(npm run [^`]*)`/g)].map((match) => match[1] ?? '');
  return [...blockLines, ...inline].filter((line) => line.startsWith('npm run') && /\s--json(\s|$)/.test(line));
}

function jsonLines(stdout: string): unknown[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

function words(command: string): string[] {
  return command.split(/\s+/).filter((word) => word !== '');
}

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ redeliveryGraceMs: 100 });
  dir = mkdtempSync(join(tmpdir(), 'artlab-readme-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("README.md's --json command lines", () => {
  const commands = readmeJsonCommands();
  const find = (script: string): string => {
    const command = commands.find((line) => line.includes(` ${script} -- `));
    if (command === undefined) throw new Error(`README.md shows no \`npm run … ${script} -- … --json\``);
    return command;
  };

  it('all use `npm run -s`, the form that keeps npm’s banner off stdout', () => {
    expect(commands.length).toBeGreaterThanOrEqual(3);
    for (const command of commands) expect(command).toMatch(/^npm run -s /);
  });

  it('cli: the example run prints only JSON lines, one per job and a summary', async () => {
    const argv = words(find('cli'));
    const after = (flag: string): number => argv.indexOf(flag) + 1;
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The README's placeholders, pointed at the simulator's API edition and its bucket.
    argv[after('--url')] = sim.info.queue.url;
    env[argv[after('--token-env')] ?? ''] = sim.info.queue.token;
    writeFileSync(join(dir, 'prompts.txt'), 'a lighthouse at dusk\n');
    argv[after('--prompts')] = join(dir, 'prompts.txt');
    argv[after('--out')] = join(dir, 'images');
    argv[after('--oss')] = `oss://${sim.info.oss.bucket}/${sim.info.oss.prefix}/`;
    argv.splice(after('--oss-region') - 1, 2, '--oss-endpoint', sim.info.oss.endpoint);
    env[argv[after('--oss-key-id-env')] ?? ''] = sim.info.oss.accessKeyId;
    env[argv[after('--oss-secret-env')] ?? ''] = sim.info.oss.accessKeySecret;

    const child = spawn(argv[0] ?? 'npm', argv.slice(1), { cwd: root, env, shell: windows });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('close', done));
    expect(code, stderr).toBe(0);
    const lines = jsonLines(stdout);
    const jobs = Number(argv[after('--seeds')]?.split(',').length);
    expect(lines).toHaveLength(jobs + 1);
    expect(lines.at(-1)).toMatchObject({ total: jobs, succeeded: jobs, failed: 0 });
  }, 120_000);

  it.each([
    ['sim', (line: unknown) => simulatorInfoSchema.parse(line)],
    ['demo', (line: unknown) => expect(line).toMatchObject({ url: expect.any(String) as unknown })],
  ] as const)(
    '%s: prints exactly one line of JSON while it runs',
    async (script, check) => {
      const argv = words(find(script));
      const running = startLongRunning(argv[0] ?? 'npm', argv.slice(1), { cwd: root });
      try {
        check(JSON.parse(await running.firstLine));
      } finally {
        await running.interrupt('SIGINT');
      }
      expect(jsonLines(running.stdout())).toHaveLength(1);
    },
    120_000,
  );
});
