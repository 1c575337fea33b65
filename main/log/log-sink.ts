// Every log line leaves the process through a sink made here, so a new sink cannot forget redact() (DESIGN.md
// rule 3). A RedactingLogSink can only be made by redactingSink(): a logger (logger.ts) is built on one, so it cannot
// be handed a bare console.error by mistake.
import { redact } from './redact';

export type LogLevel = 'info' | 'warn' | 'error';

/** Where log records go: the level, the line's text and the error behind it, if any. Loggers write here (logger.ts). */
export type LogSink = (level: LogLevel, message: string, error?: unknown) => void;

declare const redacting: unique symbol;
export type RedactingLogSink = LogSink & { readonly [redacting]: true };

function logText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.stack ?? `${part.name}: ${part.message}`;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}

/** One part of a log record as redacted text: an Error with its stack, anything else as JSON where it can be. */
export function redactedLogText(part: unknown): string {
  return redact(logText(part));
}

/**
 * A sink that writes one redacted line per record: `message` or `message: error`. The whole line is redacted at once,
 * so a pattern such as `token: <value>` is caught even when the name is in the message and the value in the error.
 */
export function redactingSink(write: (line: string, level: LogLevel) => void): RedactingLogSink {
  const sink: LogSink = (level, message, error) =>
    write(redact(error === undefined ? message : `${message}: ${logText(error)}`), level);
  return sink as RedactingLogSink;
}
