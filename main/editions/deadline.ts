// The one deadline for every read from a service (DESIGN.md rule 8). Built from setTimeout + AbortController rather
// than by combining the caller's signal with a timeout signal (AbortSignal's any()): on Node 20 the composite loses a
// timeout signal that nothing else references once a garbage collection has run, and the call then waits forever. Here the timer is
// held by the event loop and the controller by this object, so the deadline cannot be collected while it is armed.

/** The reason a deadline's signal carries when the time ran out (as `AbortSignal.timeout` names it). */
export class DeadlineExpired extends Error {
  override readonly name = 'TimeoutError';
}

export interface Deadline {
  /** Aborts when the time runs out or the linked signal aborts. */
  readonly signal: AbortSignal;
  /** True once the time ran out (not when the linked signal aborted). */
  readonly expired: boolean;
  /** Arms the timer again for `ms` (default: the first duration): an idle timeout touched on every chunk. */
  restart(ms?: number): void;
  /** Disarms the timer and unlinks the caller's signal; call it when the read is over, however it ended. */
  clear(): void;
}

export function startDeadline(ms: number, linked?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const onLinkedAbort = (): void => {
    clearTimeout(timer);
    controller.abort(linked?.reason);
  };
  const arm = (duration: number): void => {
    clearTimeout(timer);
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      expired = true;
      linked?.removeEventListener('abort', onLinkedAbort);
      controller.abort(new DeadlineExpired(`no answer within ${duration} ms`));
    }, duration);
  };
  if (linked?.aborted) controller.abort(linked.reason);
  else {
    linked?.addEventListener('abort', onLinkedAbort, { once: true });
    arm(ms);
  }
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    restart: (duration = ms) => arm(duration),
    clear: () => {
      clearTimeout(timer);
      timer = undefined;
      linked?.removeEventListener('abort', onLinkedAbort);
    },
  };
}
