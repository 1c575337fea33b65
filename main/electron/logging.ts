// electron-log with every message passed through the same redaction as every other sink (main/log/log-sink.ts)
// before it reaches a file or the console.
import log from 'electron-log/main';
import { redactedLogText, redactingSink } from '../log/log-sink';
import { createLogger, type Logger } from '../log/logger';

export function setUpLogging(): { electronLog: typeof log; logger: Logger } {
  // No log.initialize(): it registers electron-log's own preload on the session, which would expose `__electronLog`
  // to every page beside `window.artlab` (preload/index.ts: nothing else). Main's file log needs no initialize.
  log.transports.file.maxSize = 5 * 1024 * 1024;
  // For what writes to electron-log directly (electron-updater); the logger's lines arrive redacted already.
  log.hooks.push((message) => ({ ...message, data: message.data.map(redactedLogText) }));
  return { electronLog: log, logger: createLogger(redactingSink((line, level) => log[level](line))) };
}
