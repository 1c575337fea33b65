// Values read with the bigint-safe JSON reader, as the contract carries them: JSON transports cannot carry bigint, so
// big integers (seeds up to 2^64 - 1) travel as decimal text.
import type { JsonDto } from '../../preload/schemas/jobs';
import type { JsonValue } from './json-bigint';

export function toJsonDto(value: JsonValue): JsonDto {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonDto);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonDto(inner)]));
  }
  return value;
}

export function toLiteralDto(value: string | number | bigint | boolean): string | number | boolean {
  return typeof value === 'bigint' ? value.toString() : value;
}
