// The GPU line's plain rules, apart from React and the contract: how EAS's status words read to an artist, and how
// often the card reads EAS while a service is on its way somewhere.

export type GpuPhase = 'running' | 'starting' | 'scaling' | 'stopping' | 'stopped' | 'failed' | 'other';

/** EAS's status word as one of the few states an artist cares about. */
export function gpuPhase(status: string): GpuPhase {
  switch (status) {
    case 'Running':
      return 'running';
    case 'Waiting':
    case 'Starting':
    case 'Creating':
    case 'Pending':
      return 'starting';
    case 'Scaling':
    case 'HotUpdate':
    case 'Updating':
      return 'scaling';
    case 'Stopping':
      return 'stopping';
    case 'Stopped':
      return 'stopped';
    case 'Failed':
    case 'DeleteFailed':
      return 'failed';
    default:
      return 'other';
  }
}

export const POLL_MS = 3_000;
/** A failing read (network, key refused) is retried less and less often, never less than twice a minute. */
const MAX_BACKOFF_MS = 30_000;

export function nextReadDelay(failures: number): number {
  return failures === 0 ? POLL_MS : Math.min(POLL_MS * 2 ** failures, MAX_BACKOFF_MS);
}

/**
 * Refusals that only an edit of the service's control settings can change (a wrong or unknown key, a key without the
 * permission, a service EAS does not know): reading again would only send more signed calls that fail. An edit reads
 * again by itself.
 */
const FINAL_READ_CODES: ReadonlySet<string> = new Set([
  'eas-control-key-unknown',
  'eas-control-secret-mismatch',
  'eas-control-token-invalid',
  'eas-control-denied',
  'eas-control-service-missing',
  'lifecycle-not-configured',
]);

export function worthReadingAgain(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code !== 'string' || !FINAL_READ_CODES.has(code);
}
