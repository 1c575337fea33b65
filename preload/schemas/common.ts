import { z } from 'zod';

/** A method of the contract: what the renderer sends and what main answers. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

export const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodSpec<I, O> => ({
  input,
  output,
});

/** No payload. `undefined` crosses IPC and JSON as a missing value, so both are accepted. */
export const Empty = z.union([z.undefined(), z.null(), z.object({}).strict()]).transform(() => undefined);

export const ErrorKindSchema = z.enum([
  'auth',
  'network',
  'timeout',
  'service',
  'validation',
  'storage',
  'not_found',
  'bad_request',
  'cancelled',
  'internal',
]);

/** Values a coded sentence names: a service or queue name, an HTTP status, an OSS location, a version. */
export const MessageParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type MessageParams = z.infer<typeof MessageParamsSchema>;

/**
 * A sentence main makes for the UI, as a code the renderer words in the artist's language, the values it names, and
 * the English `message` the CLI and the logs print (and the renderer's fallback for a code it does not know).
 */
export const codedMessage = <C extends z.ZodType>(code: C) =>
  z.object({ code, params: MessageParamsSchema, message: z.string() });

/** Refusals main words as codes (the rest are shown by their kind, with main's English as detail). */
export const ErrorCodeSchema = z.enum([
  'request-invalid',
  'internal',
  'service-url-missing',
  'service-name-missing',
  'service-url-unreadable',
  'queue-url-shape',
  'queue-endpoint-invalid',
  'oss-location-invalid',
  'service-gone',
  'services-newer-version',
  'vault-keychain-unavailable',
  'vault-weak-not-accepted',
  'draft-token-expired',
  'workflow-ui-format',
  'workflow-not-object',
  'workflow-invalid',
  'workflow-no-nodes',
  'workflow-gone',
  'seed-list-empty',
  'sweep-clash',
  'batch-identical',
  'batch-identical-no-seed',
  'batch-too-large',
  // Node catalogues (models and choices read from a service)
  'catalogue-none',
  'catalogue-unreadable',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** An error as the renderer sees it: a kind and a sentence to show, plus where it happened when known. */
export const ContractErrorSchema = z.object({
  kind: ErrorKindSchema,
  message: z.string(),
  node: z.string().optional(),
  input: z.string().optional(),
  /** `message` as a code, when main words this refusal as one. */
  code: ErrorCodeSchema.optional(),
  params: MessageParamsSchema.optional(),
});
export type ContractError = z.infer<typeof ContractErrorSchema>;

/** What every call returns over either transport: errors travel as values, so their kind survives IPC. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractError };
