import { describe, expect, it } from 'vitest';
import { redactingSink, type LogLevel } from '../../../main/log/log-sink';
import { createLogger, silentLogger } from '../../../main/log/logger';
import { forgetSecret, registerSecret } from '../../../main/log/redact';

/** A logger over the real redacting sink, with the lines it wrote and their levels. */
function recorded(scope?: string) {
  const lines: { level: LogLevel; line: string }[] = [];
  const logger = createLogger(
    redactingSink((line, level) => lines.push({ level, line })),
    scope,
  );
  return { logger, lines };
}

describe('createLogger', () => {
  it('prefixes every line with its scope, at the level it was logged', () => {
    const { logger, lines } = recorded('scheduler');
    logger.info('lane for svc-1 stopped');
    logger.warn('asking about job j-1 after its timeout failed', new Error('socket hang up'));
    logger.error('sending job j-2 failed');
    expect(lines.map((entry) => entry.level)).toEqual(['info', 'warn', 'error']);
    expect(lines[0]?.line).toBe('[scheduler] lane for svc-1 stopped');
    expect(lines[1]?.line).toMatch(
      /^\[scheduler\] asking about job j-1 after its timeout failed: Error: socket hang up/,
    );
    expect(lines[2]?.line).toBe('[scheduler] sending job j-2 failed');
  });

  it('writes lines without a prefix when it has no scope', () => {
    const { logger, lines } = recorded();
    logger.info('started');
    expect(lines).toEqual([{ level: 'info', line: 'started' }]);
  });

  it('gives a child its scope after the parent’s, and a root logger’s child just its own', () => {
    const { logger, lines } = recorded('dispatch');
    logger.child('scheduler').info('lane for svc-1 opened');
    logger.child('scheduler').child('lane').warn('paused');
    const root = recorded();
    root.logger.child('gallery').error('The gallery could not record an image');
    expect(lines.map((entry) => entry.line)).toEqual([
      '[dispatch/scheduler] lane for svc-1 opened',
      '[dispatch/scheduler/lane] paused',
    ]);
    expect(root.lines.map((entry) => entry.line)).toEqual(['[gallery] The gallery could not record an image']);
  });

  it('redacts a token-looking value in the message and in the error', () => {
    const { logger, lines } = recorded('editions');
    logger.error('submit refused with token=tk-7f3a9c2e1b', new Error('Authorization: Bearer sk-5d8e2f9a4c'));
    logger.warn('retrying', { headers: { authorization: 'Bearer sk-0a1b2c3d4e' } });
    const text = lines.map((entry) => entry.line).join('\n');
    expect(text).not.toContain('tk-7f3a9c2e1b');
    expect(text).not.toContain('sk-5d8e2f9a4c');
    expect(text).not.toContain('sk-0a1b2c3d4e');
    expect(lines[0]?.line.startsWith('[editions] submit refused with token=[redacted]')).toBe(true);
    expect(lines[0]?.line).toContain('Error: Authorization: [redacted]');
  });

  it('redacts a registered secret wherever it appears, in a child’s lines too', () => {
    const secret = 'OSS-key-secret-9Q2w';
    registerSecret(secret);
    try {
      const { logger, lines } = recorded('gallery');
      logger.child('intake').error(`fetching with ${secret} failed`, new Error(`403 for ${secret}`));
      expect(lines).toHaveLength(1);
      expect(lines[0]?.line).not.toContain(secret);
      expect(lines[0]?.line).toMatch(/^\[gallery\/intake\] fetching with \[redacted\] failed/);
    } finally {
      forgetSecret(secret);
    }
  });
});

describe('silentLogger', () => {
  it('is its own child', () => {
    expect(silentLogger.child('anything')).toBe(silentLogger);
  });
});
