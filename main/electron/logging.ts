// electron-log with every message passed through the same redaction as every other sink (main/log/log-sink.ts)
// before it reaches a file or the console.
import log from 'electron-log/main';
import { redactedLogText } from '../log/log-sink';

export function setUpLogging(): typeof log {
  // No log.initialize(): it registers electron-log's own preload on the session, which would expose `__electronLog`
  // to every page beside `window.artlab` (preload/index.ts: nothing else). Main's file log needs no initialize.
  log.transports.file.maxSize = 5 * 1024 * 1024;
  log.hooks.push((message) => ({ ...message, data: message.data.map(redactedLogText) }));
  return log;
}
