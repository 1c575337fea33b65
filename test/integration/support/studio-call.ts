// Calling a whole Studio through the contract, as a transport would, for integration tests.
import type { MethodName, MethodResult } from '../../../preload/contract';
import { dispatchCall } from '../../../main/contract/dispatch';
import type { Studio } from '../../../main/studio';

/** The value of a call expected to succeed; a failure throws with its kind and sentence. */
export async function callStudio<M extends MethodName>(
  studio: Studio,
  method: M,
  input?: unknown,
): Promise<MethodResult<M>> {
  const envelope = await dispatchCall(studio.handlers, method, input);
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error.kind}: ${envelope.error.message}`);
  return envelope.value as MethodResult<M>;
}

/** The error of a call expected to fail; a success throws. */
export async function studioFailure(
  studio: Studio,
  method: MethodName,
  input?: unknown,
): Promise<{ kind: string; message: string }> {
  const envelope = await dispatchCall(studio.handlers, method, input);
  if (envelope.ok) throw new Error(`${method} should have failed`);
  return envelope.error;
}

/** `call` and `failure` bound to the Studio a test file keeps in a variable (read at each call: beforeEach replaces it). */
export function studioCalls(studio: () => Studio) {
  return {
    call: <M extends MethodName>(method: M, input?: unknown) => callStudio(studio(), method, input),
    failure: (method: MethodName, input?: unknown) => studioFailure(studio(), method, input),
  };
}
