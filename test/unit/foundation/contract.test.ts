import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { methodNames, methods, type ContractHandlers, type MethodName } from '../../../preload/contract';
import { systemClock } from '../../../main/adapters';
import { dispatchCall } from '../../../main/contract/dispatch';
import { ServiceError, ValidationError } from '../../../main/errors';
import { redactingSink } from '../../../main/log/log-sink';
import { createLogger } from '../../../main/log/logger';
import { createNodeStore } from '../../../main/node-adapters';
import { registerSecret } from '../../../main/log/redact';
import { KeyFileEncryptor } from '../../../main/services/key-file-encryptor';
import { createStudio } from '../../../main/studio';

const dir = mkdtempSync(join(tmpdir(), 'artlab-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function studio() {
  return createStudio({
    paths: { dataDir: dir },
    clock: systemClock,
    encryptor: new KeyFileEncryptor(join(dir, 'secret.key')),
    store: createNodeStore(dir),
    app: { name: 'ArtLab Desktop', version: '1.2.3', platform: 'linux', transport: 'browser' },
  });
}

describe('the contract', () => {
  it('has exactly one handler per method, no missing and no extra channel', () => {
    // Type level: the handler map is keyed by exactly the method names.
    expectTypeOf<keyof ContractHandlers>().toEqualTypeOf<MethodName>();
    // Run time: the Studio serves exactly the contract.
    expect(Object.keys(studio().handlers).sort()).toEqual([...methodNames].sort());
  });

  it('refuses unknown methods and malformed payloads before any handler runs', async () => {
    const handlers = studio().handlers;
    expect(await dispatchCall(handlers, 'fs.readFile', '/etc/passwd')).toMatchObject({
      ok: false,
      error: { kind: 'bad_request' },
    });
    expect(await dispatchCall(handlers, 'settings.update', { theme: 'neon' })).toMatchObject({
      ok: false,
      error: { kind: 'bad_request', message: expect.stringContaining('theme') as unknown },
    });
    expect(await dispatchCall(handlers, 'settings.update', { theme: 'dark', extra: 1 })).toMatchObject({ ok: false });
  });

  it('strips fields a handler returns beyond its schema', async () => {
    const handlers = {
      ...studio().handlers,
      'app.info': () =>
        Promise.resolve({
          name: 'a',
          version: '1',
          platform: 'p',
          transport: 'browser' as const,
          dataDir: '/d',
          token: 'leak',
        }),
    } satisfies ContractHandlers;
    const reply = await dispatchCall(handlers, 'app.info', undefined);
    expect(reply).toEqual({
      ok: true,
      value: { name: 'a', version: '1', platform: 'p', transport: 'browser', dataDir: '/d' },
    });
  });

  it('carries an error kind and its place across the transport, and hides unexpected errors', async () => {
    const base = studio().handlers;
    const failing = (error: Error) =>
      ({ ...base, 'settings.get': () => Promise.reject(error) }) satisfies ContractHandlers;
    expect(
      await dispatchCall(
        failing(new ValidationError('Steps must be at least 1.', '3', 'steps')),
        'settings.get',
        undefined,
      ),
    ).toEqual({
      ok: false,
      error: { kind: 'validation', message: 'Steps must be at least 1.', node: '3', input: 'steps' },
    });
    const logged: string[] = [];
    const logger = createLogger(redactingSink((line) => logged.push(line)));
    const reply = await dispatchCall(failing(new Error('ENOENT /home/me/secret')), 'settings.get', undefined, logger);
    expect(reply).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(JSON.stringify(reply)).not.toContain('/home/me');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^settings\.get failed: Error: ENOENT \/home\/me\/secret/);
    expect(
      await dispatchCall(failing(new ServiceError('The service answered 503.', 503)), 'settings.get', undefined),
    ).toMatchObject({
      error: { kind: 'service' },
    });
  });

  it('carries a refusal’s code and values beside its English sentence, redacted, and drops a code it does not know', async () => {
    const base = studio().handlers;
    const failing = (error: Error) =>
      ({ ...base, 'settings.get': () => Promise.reject(error) }) satisfies ContractHandlers;
    registerSecret('sk-very-secret-value-123456');
    const coded = new ValidationError('The OSS output location could not be read.').withCode('oss-location-invalid', {
      detail: 'bad sk-very-secret-value-123456',
    });
    const reply = await dispatchCall(failing(coded), 'settings.get', undefined);
    expect(reply).toMatchObject({
      ok: false,
      error: {
        kind: 'validation',
        message: 'The OSS output location could not be read.',
        code: 'oss-location-invalid',
      },
    });
    expect(JSON.stringify(reply)).not.toContain('sk-very-secret-value-123456');
    const unknown = await dispatchCall(
      failing(new ValidationError('Odd.').withCode('no-such-code')),
      'settings.get',
      undefined,
    );
    expect(unknown).toEqual({ ok: false, error: { kind: 'validation', message: 'Odd.' } });
    expect(await dispatchCall(failing(new Error('boom')), 'settings.get', undefined)).toMatchObject({
      error: { kind: 'internal', code: 'internal' },
    });
  });

  it('persists settings and announces the change', async () => {
    const s = studio();
    const seen: unknown[] = [];
    const off = s.events.subscribe((event, payload) => seen.push([event, payload]));
    await s.handlers['settings.update']({ theme: 'dark' });
    off();
    expect(seen).toEqual([['settings.changed', { theme: 'dark', language: 'system' }]]);
    expect(await studio().handlers['settings.get'](undefined)).toMatchObject({ theme: 'dark' });
  });

  it('describes every method with zod schemas', () => {
    for (const name of methodNames) {
      expect(methods[name].input).toBeInstanceOf(z.ZodType);
      expect(methods[name].output).toBeInstanceOf(z.ZodType);
    }
  });
});
