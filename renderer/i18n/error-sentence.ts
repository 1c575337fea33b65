// A failed call as a sentence in the artist's language. A coded refusal is worded here; any other error keeps main's
// English sentence, headed by its kind in the artist's language so a zh-CN page still says what happened.
import i18next from 'i18next';
import { ContractCallError } from '../../preload/contract';
import { ErrorCodeSchema, ErrorKindSchema, type MessageParams } from '../../preload/schemas/common';
import { formatNumber } from './format';

/** A coded sentence's values as the page shows them: counts and limits with the app's digits and separators. */
function shownParams(params: MessageParams | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params ?? {}).map(([key, value]) => [
      key,
      typeof value === 'number' ? formatNumber(value, { maximumFractionDigits: 20 }) : value,
    ]),
  );
}

/**
 * A code main stored or sent beside its English (a failed job, a missing image), worded in the artist's language;
 * `fallback` (main's English) when there is no code or this build does not know it.
 */
export function codedSentence(code: unknown, params: MessageParams | undefined, fallback: string): string {
  const known = ErrorCodeSchema.safeParse(code);
  return known.success ? i18next.t(`errors.codes.${known.data}`, { detail: '', ...shownParams(params) }) : fallback;
}

export function errorSentence(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (!(error instanceof ContractCallError)) return error.message;
  if (ErrorCodeSchema.safeParse(error.code).success) return codedSentence(error.code, error.params, error.message);
  if (i18next.language === 'en') return error.message;
  const kind = ErrorKindSchema.safeParse(error.kind);
  return kind.success ? `${i18next.t(`queue.errorKinds.${kind.data}`)} ${error.message}` : error.message;
}
