// An error's code and params as the ledger keeps them beside its English sentence, so a page reopened later words
// a failed job or a missing image in the artist's language. Only codes the contract knows are kept (the renderer has
// no wording for any other), and every text param goes through redact() and a length cap before it is written:
// params name values (a service, a status, a bucket), yet a service's own detail could echo anything.
import { ErrorCodeSchema, type ErrorCode, type MessageParams } from '../../preload/schemas/common';
import { isArtlabError } from '../errors';
import { redact } from '../log/redact';

export interface CodedError {
  code: ErrorCode;
  params: MessageParams;
}

const MAX_PARAM_CHARS = 500;

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
