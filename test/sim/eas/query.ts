// The queue service's request grammar (reference/eas-queue.md): reserved `_x_` parameters choose the operation, every
// other parameter is a tag. Malformed values become a QueryError, answered as 400 with its message.

export class QueryError extends Error {}

const RESERVED = /^_.+_$/;

/** Every non-reserved query parameter, as a tag (last value wins, as in the SDKs' maps). */
export function tagsOf(params: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of params) if (!RESERVED.test(key)) tags[key] = value;
  return tags;
}

export function boolParam(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new QueryError(`${name} must be true or false, got "${value}"`);
}

export function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  if (!/^-?\d+$/.test(value)) throw new QueryError(`${name} must be an integer, got "${value}"`);
  return Number(value);
}

/** `_indexes_=3,4` (percent-encoded or not); every part a positive integer. */
export function indexesParam(params: URLSearchParams): number[] {
  const value = params.get('_indexes_');
  if (value === null || value.trim() === '') throw new QueryError('_indexes_ is required, e.g. _indexes_=3,4');
  return value.split(',').map((part) => {
    const trimmed = part.trim();
    if (!/^\d+$/.test(trimmed)) throw new QueryError(`_indexes_ must list integers, got "${part}"`);
    return Number(trimmed);
  });
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.Duration text (`5s`, `1m30s`, `1.5s`, `250ms`, `0`): what the SDKs send as `_timeout_`. */
export function parseGoDuration(text: string): number {
  if (text === '0') return 0;
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const [whole, amount = '0', unit = 's'] = match;
    total += Number(amount) * (UNIT_MS[unit] ?? 0);
    consumed += whole.length;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new QueryError(`_timeout_ must be a Go duration such as 5s or 500ms, got "${text}"`);
  }
  return total;
}
