import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { createDiagnosticsModule } from '../../../main/diagnostics/diagnostics-module';
import { nodeDiagnosticsHost } from '../../../main/diagnostics/diagnostics-host';
import { forgetSecret, registerSecret } from '../../../main/log/redact';

const root = mkdtempSync(join(tmpdir(), 'artlab-diag-redact-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const clock = { now: () => Date.UTC(2026, 10, 26, 12, 30, 45) };
const app = { name: 'ArtLab Desktop', version: '1.2.3', platform: 'linux', transport: 'browser' };

/** Log lines that carry `secret` the ways services and libraries echo it, and what of each must not survive. */
function leakyLog(secret: string, before: Buffer): { log: string; mustNotSurvive: string[] } {
  const bytes = Buffer.from(secret, 'utf8');
  const wrapped = Buffer.concat([before, bytes, Buffer.from('}')]).toString('base64');
  const fromSecretOnly = wrapped.slice(
    Math.ceil((8 * before.length) / 6),
    Math.floor((8 * (before.length + bytes.length)) / 6),
  );
  const forms = [
    secret,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    encodeURIComponent(secret),
  ];
  const log = [
    ...forms.map((form, i) => `2026-11-26 12:00:0${i} [error] the service echoed ${form} back`),
    `2026-11-26 12:00:09 [warn] reply body {"echo":"${wrapped}"}`,
    `2026-11-26 12:00:10 [info] ${JSON.stringify({ header: secret })}`,
  ].join('\n');
  return { log, mustNotSurvive: [...forms, fromSecretOnly, JSON.stringify(secret).slice(1, -1)] };
}

describe('the diagnostics export', () => {
  it('contains no registered secret in any encoding, from the logs or anywhere else', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 6, maxLength: 40 }).filter((s) => s.length >= 6),
        fc.uint8Array({ maxLength: 5 }).map((b) => Buffer.from(b)),
        async (secret, before) => {
          const dataDir = join(root, String(run++));
          const logsDir = join(dataDir, 'logs');
          mkdirSync(logsDir, { recursive: true });
          const { log, mustNotSurvive } = leakyLog(secret, before);
          writeFileSync(join(logsDir, 'main.log'), log);
          registerSecret(secret);
          try {
            const module = createDiagnosticsModule({
              host: nodeDiagnosticsHost(dataDir, logsDir),
              clock,
              app,
              services: () =>
                Promise.resolve([{ name: 'Studio', lastError: `echoed ${Buffer.from(secret).toString('base64')}` }]),
              settings: () => ({ note: secret }),
            });
            const entries = unzipSync(new Uint8Array(await module.bundle()));
            expect(Object.keys(entries)).toContain('logs/main.log');
            for (const [name, data] of Object.entries(entries)) {
              const content = strFromU8(data);
              for (const form of mustNotSurvive) expect(content, name).not.toContain(form);
            }
          } finally {
            forgetSecret(secret);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
