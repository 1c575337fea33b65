// An error's code and params as the ledger keeps them beside its English sentence, so a page reopened later words
// a failed job or a missing image in the artist's language. Only codes the contract knows are kept (the renderer has
// no wording for any other), and every text param goes through redact() and a length cap before it is written:
// params name values (a service, a status, a bucket), yet a service's own detail could echo anything.
import { ErrorCodeSchema, MessageParamsSchema, type ErrorCode, type MessageParams } from '../../preload/schemas/common';
import { isArtlabError, type ErrorKind } from '../errors';
import { redact } from '../log/redact';

export interface CodedError {
  code: ErrorCode;
  params: MessageParams;
}

/** A failure as the ledger's markFailed records it: main's English, and the same as a code when the error had one. */
export interface JobFailureInput {
  kind: ErrorKind;
  message: string;
  coded?: CodedError;
}

const MAX_PARAM_CHARS = 500;

/** `error_params` as stored; text that does not parse as values gives undefined (the English sentence stands). */
export function parseStoredParams(text: string | null): MessageParams | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '{}');
  } catch {
    return undefined;
  }
  const checked = MessageParamsSchema.safeParse(parsed);
  return checked.success ? checked.data : undefined;
}

export function codedErrorOf(error: unknown): CodedError | undefined {
  if (!isArtlabError(error)) return undefined;
  const code = ErrorCodeSchema.safeParse(error.code);
  if (!code.success) return undefined;
  const params = Object.fromEntries(
    Object.entries(error.params ?? {}).map(([key, value]) => [
      key,
      typeof value === 'string' ? redact(value).slice(0, MAX_PARAM_CHARS) : value,
    ]),
  );
  return { code: code.data, params };
}
