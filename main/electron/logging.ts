// electron-log with every message passed through redact() before it reaches a file or the console.
import log from 'electron-log/main';
import { redact } from '../log/redact';

export function setUpLogging(): typeof log {
  // No log.initialize(): it registers electron-log's own preload on the session, which would expose `__electronLog`
  // to every page beside `window.artlab` (preload/index.ts: nothing else). Main's file log needs no initialize.
  log.transports.file.maxSize = 5 * 1024 * 1024;
  log.hooks.push((message) => ({
    ...message,
    data: message.data.map((part: unknown) =>
      typeof part === 'string'
        ? redact(part)
        : part instanceof Error
          ? redact(part.stack ?? part.message)
          : redact(safeJson(part)),
    ),
  }));
  return log;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
