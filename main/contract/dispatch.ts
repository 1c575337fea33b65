// One door for every call from either transport: the method name is checked, the payload parsed by its schema, the
// handler called, and the reply parsed by its schema too — parsing strips unknown keys, so a field that should not
// cross (a secret on an internal record) cannot leak through a handler that returned too much.
import { ZodError } from 'zod';
import {
  isMethodName,
  methods,
  type ContractHandlers,
  type Envelope,
  type ContractError,
} from '../../preload/contract';
import { ErrorCodeSchema } from '../../preload/schemas/common';
import { isArtlabError, ValidationError } from '../errors';
import { silentLogger, type Logger } from '../log/logger';
import { redact } from '../log/redact';

export async function dispatchCall(
  handlers: ContractHandlers,
  method: unknown,
  input: unknown,
  logger: Logger = silentLogger,
): Promise<Envelope<unknown>> {
  if (!isMethodName(method)) {
    return {
      ok: false,
      error: {
        kind: 'bad_request',
        message: `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.`,
        code: 'request-invalid',
        params: { detail: String(method).slice(0, 80) },
      },
    };
  }
  const spec = methods[method];
  const parsed = spec.input.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        kind: 'bad_request',
        message: `Invalid request for ${method}: ${describeZodError(parsed.error)}`,
        code: 'request-invalid',
        params: { detail: `${method}: ${describeZodError(parsed.error)}` },
      },
    };
  }
  try {
    const handler = handlers[method] as (args: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value: spec.output.parse(value) };
  } catch (error) {
    const contractError = toContractError(error);
    if (contractError.kind === 'internal') logger.error(`${method} failed`, error);
    return { ok: false, error: contractError };
  }
}

export function toContractError(error: unknown): ContractError {
  if (isArtlabError(error)) {
    const result: ContractError = { kind: error.kind, message: redact(error.message) };
    const code = ErrorCodeSchema.safeParse(error.code);
    if (code.success) {
      result.code = code.data;
      result.params = Object.fromEntries(
        Object.entries(error.params ?? {}).map(([key, value]) => [
          key,
          typeof value === 'string' ? redact(value) : value,
        ]),
      );
    }
    if (error instanceof ValidationError) {
      if (error.node !== undefined) result.node = error.node;
      if (error.input !== undefined) result.input = error.input;
    }
    return result;
  }
  // An unexpected error is a bug: the user gets a sentence, the log gets the details.
  return {
    kind: 'internal',
    message: 'Something went wrong inside ArtLab Desktop. The details are in the log.',
    code: 'internal',
    params: {},
  };
}

export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ');
}
