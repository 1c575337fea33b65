// A service's connections as the renderer sees them: the result watcher (queue edition) or progress socket
// (Exclusive), whether dispatch to it waits, and why, as codes the renderer words with main's English beside them.
import { z } from 'zod';
import { MessageParamsSchema } from './common';

/** Why dispatch to a service waits: its token was refused, its record could not be opened, or it stayed unreachable. */
export const ConnectionCodeSchema = z.enum(['token-refused', 'service-unopenable', 'service-unreachable']);

/**
 * Why a result watcher or progress socket dropped, as a code for the renderer to word (`services.connectionReasons.*`).
 * Params: connection-closed {code?}, connection-http {status}, frame-oversized {limit}, ping-unanswered {ms},
 * network {detail} (a socket error's own text: data, not a sentence of ours), token-refused {status?}.
 */
export const ConnectionReasonCodeSchema = z.enum([
  'connection-closed',
  'connection-http',
  'frame-oversized',
  'ping-unanswered',
  'progress-stalled',
  'redelivering',
  'connection-refused',
  'host-not-found',
  'connection-reset',
  'network',
  'token-refused',
]);
export type ConnectionReasonCode = z.infer<typeof ConnectionReasonCodeSchema>;
export const ConnectionWhySchema = z.object({
  code: ConnectionReasonCodeSchema,
  params: MessageParamsSchema,
});
export type ConnectionWhy = z.infer<typeof ConnectionWhySchema>;

/** `reason` is the English the CLI and the logs print; `why` is the same reason coded, when main knows it. */
export const ConnectionStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connecting'), attempt: z.number() }),
  z.object({ state: z.literal('live') }),
  z.object({
    state: z.literal('backing-off'),
    attempt: z.number(),
    nextAttemptAt: z.number(),
    reason: z.string(),
    why: ConnectionWhySchema.optional(),
  }),
  z.object({ state: z.literal('auth-failed'), reason: z.string(), why: ConnectionWhySchema.optional() }),
  z.object({ state: z.literal('stopped') }),
]);
export type ConnectionStateDto = z.infer<typeof ConnectionStateSchema>;

export const ServiceConnectionSchema = z.object({
  serviceId: z.string(),
  /** The result watcher (queue edition) or progress socket (Exclusive). */
  connection: ConnectionStateSchema,
  /** Dispatch to this service is paused (token refused, or unreachable past the retry budget); `message` says what to do. */
  dispatchPaused: z.boolean(),
  message: z.string().optional(),
  /** `message` as a code for the renderer to word; `params.detail` carries the underlying error's own sentence. */
  code: ConnectionCodeSchema.optional(),
  params: MessageParamsSchema.optional(),
});
export type ServiceConnectionDto = z.infer<typeof ServiceConnectionSchema>;
