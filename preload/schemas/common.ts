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

/** An error as the renderer sees it: a kind and a sentence to show, plus where it happened when known. */
export const ContractErrorSchema = z.object({
  kind: ErrorKindSchema,
  message: z.string(),
  node: z.string().optional(),
  input: z.string().optional(),
});
export type ContractError = z.infer<typeof ContractErrorSchema>;

/** What every call returns over either transport: errors travel as values, so their kind survives IPC. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractError };
