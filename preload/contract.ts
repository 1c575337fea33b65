// THE contract between the renderer and main (DESIGN.md rule 2): every method and event, named once, with zod schemas.
// Both transports (Electron IPC in main/electron/ipc.ts, the browser bridge in main/browser/) bind exactly this.
import type { z } from 'zod';
import { appEvents, appMethods } from './schemas/app';
import { diagnosticsMethods } from './schemas/diagnostics';
import { galleryEvents, galleryMethods } from './schemas/gallery';
import { jobEvents, jobMethods } from './schemas/jobs';
import { lifecycleEvents, lifecycleMethods } from './schemas/lifecycle';
import { poolMemberMethods } from './schemas/pool-members';
import { poolEvents, poolMethods } from './schemas/pools';
import { serviceEvents, serviceMethods } from './schemas/services';
import { updateEvents, updateMethods } from './schemas/updates';
import type { ContractError, Envelope, MethodSpec } from './schemas/common';

export const methods = {
  ...appMethods,
  ...serviceMethods,
  ...lifecycleMethods,
  ...poolMethods,
  ...poolMemberMethods,
  ...updateMethods,
  ...diagnosticsMethods,
  ...jobMethods,
  ...galleryMethods,
} satisfies Record<string, MethodSpec>;

export const events = {
  ...appEvents,
  ...serviceEvents,
  ...lifecycleEvents,
  ...poolEvents,
  ...updateEvents,
  ...jobEvents,
  ...galleryEvents,
} satisfies Record<string, z.ZodType>;

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;
/** What the renderer passes (before parsing). */
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
/** What a handler receives (after parsing). */
export type MethodArgs<M extends MethodName> = z.output<(typeof methods)[M]['input']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** Main implements exactly one handler per method: a missing or extra key fails type-checking. */
export type ContractHandlers = { [M in MethodName]: (input: MethodArgs<M>) => Promise<MethodResult<M>> };

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

/** `window.artlab`: the whole of what the renderer can ask of main. */
export interface ArtlabApi {
  call<M extends MethodName>(
    method: M,
    ...input: undefined extends MethodInput<M> ? [MethodInput<M>?] : [MethodInput<M>]
  ): Promise<MethodResult<M>>;
  /** Returns the unsubscribe. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
}

/** Thrown in the renderer when a call fails: the kind survives the transport. */
export class ContractCallError extends Error {
  readonly kind: ContractError['kind'];
  readonly node?: string;
  readonly input?: string;
  readonly code?: ContractError['code'];
  readonly params?: ContractError['params'];
  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ContractCallError';
    this.kind = error.kind;
    this.node = error.node;
    this.input = error.input;
    this.code = error.code;
    this.params = error.params;
  }
}

export function unwrapEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new ContractCallError(envelope.error);
}

/** IPC channel names: one for calls, one for events. */
export const CALL_CHANNEL = 'artlab:call';
export const EVENT_CHANNEL = 'artlab:event';

export type { ContractError, Envelope } from './schemas/common';
