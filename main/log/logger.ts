// The one way main logs: a Logger per module, each line prefixed with where it came from (`[dispatch/scheduler] …`),
// leaving through a redacting sink (log-sink.ts). Modules take a Logger and give their parts a child scope; one built
// without a logger gets silentLogger.
import type { LogLevel, RedactingLogSink } from './log-sink';

export interface Logger {
  info(message: string): void;
  /** Something went wrong that the app works around (a retry, a fallback). */
  warn(message: string, error?: unknown): void;
  /** Something failed that someone may need to look into. */
  error(message: string, error?: unknown): void;
  /** A logger for a part of this one: its lines carry `[scope/part]`. */
  child(scope: string): Logger;
}

export function createLogger(sink: RedactingLogSink, scope?: string): Logger {
  const prefix = scope ? `[${scope}] ` : '';
  const write = (level: LogLevel, message: string, error?: unknown): void => sink(level, `${prefix}${message}`, error);
  return {
    info: (message) => write('info', message),
    warn: (message, error) => write('warn', message, error),
    error: (message, error) => write('error', message, error),
    child: (part) => createLogger(sink, scope ? `${scope}/${part}` : part),
  };
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
