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
/** A record's id as the contract carries it (batches, jobs, workflows). */
export const IdSchema = z.string().min(1).max(100);

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
  // batches: the spec, its prompts, wildcards, seeds and sweeps
  'batch-gone',
  'batch-service-gone',
  'batch-service-missing',
  'batch-needs-oss',
  'batch-service-stopped',
  'batch-pool-duplicate',
  'batch-pool-no-member',
  'pool-member-gone',
  'pool-member-unknown',
  'pool-service-gone',
  'pool-too-small',
  'pool-name-taken',
  'pool-gone',
  'pool-limit',
  'pool-member-needs-oss',
  'pool-member-already',
  'pool-member-starting',
  'pool-member-start-failed',
  'pool-full',
  'batch-finished',
  'job-pin-refused',
  'batch-large-unconfirmed',
  'batch-empty',
  'batch-workflow-gone',
  'batch-jobs-active',
  'batch-app-closing',
  'prompt-list-empty',
  'prompt-input-missing',
  'negative-input-missing',
  'prompt-brace-unclosed',
  'prompt-brace-stray',
  'prompt-too-many-parts',
  'prompt-combinations-too-many',
  'wildcard-missing',
  'wildcard-empty',
  'wildcard-loop',
  'wildcard-too-large',
  'wildcard-not-text',
  'wildcard-name-invalid',
  'wildcard-outside-folder',
  'seed-not-whole',
  'seed-not-in-range',
  'seed-input-missing',
  'seed-input-set-twice',
  'parameter-unknown',
  'sweep-range-not-finite',
  'sweep-step-zero',
  'sweep-step-backwards',
  'sweep-too-many-values',
  'sweep-no-values',
  'sweep-twice',
  'sweep-zip-uneven',
  // jobs
  'job-gone',
  'job-move-other-service',
  'job-list-position-stale',
  // workflows: parse, validate, patch
  'workflow-name-missing',
  'workflow-gone-import',
  'workflow-no-output',
  'workflow-loop',
  'workflow-problems',
  'node-class-missing',
  'input-required-missing',
  'input-value-malformed',
  'input-link-malformed',
  'input-link-node-missing',
  'input-link-output-missing',
  'input-choice-unknown',
  'input-choice-none',
  'input-below-minimum',
  'input-above-maximum',
  'parameter-gone',
  'parameter-linked',
  'parameter-expects-number',
  'parameter-expects-text',
  'parameter-expects-boolean',
  'parameter-expects-value',
  'json-invalid',
  'png-unreadable',
  'png-no-workflow',
  // the gallery and its export
  'gallery-image-gone',
  'gallery-cursor-stale',
  'gallery-oss-missing',
  'rerun-no-workflow',
  'export-desktop-only',
  'export-disk-full',
  'export-folder-unwritable',
  // OSS
  'oss-region-missing',
  'oss-path-invalid',
  'oss-bucket-name-invalid',
  'oss-path-folder-invalid',
  'oss-access-denied',
  'oss-key-unknown',
  'oss-secret-mismatch',
  'oss-token-invalid',
  'oss-key-refused',
  'oss-object-missing',
  'oss-bucket-missing',
  'oss-timeout',
  'oss-unreachable',
  'oss-http',
  'oss-http-retried',
  // the EAS control API (start, stop, scale) and which service it controls
  'eas-control-key-unknown',
  'eas-control-secret-mismatch',
  'eas-control-token-invalid',
  'eas-control-denied',
  'eas-control-throttled',
  'eas-control-service-missing',
  'eas-control-server-error',
  'eas-control-refused',
  'eas-control-timed-out',
  'eas-control-unreachable',
  'eas-control-reply-invalid',
  'control-target-unknown',
  'control-service-name-unknown',
  // services and the vault
  'secret-damaged',
  'secret-undecryptable',
  'key-file-damaged',
  'services-format-unknown',
  'vault-weak-not-offered',
  'secret-keychain-unavailable',
  'secret-keychain-locked',
  // the ledger (the job database)
  'ledger-newer-version',
  'ledger-row-unreadable',
  'ledger-disk-full',
  'ledger-unwritable',
  'ledger-damaged',
  'ledger-drive-error',
  'ledger-unopenable',
  'ledger-busy',
  'ledger-engine-mismatch',
  // updates and diagnostics
  'updates-desktop-only',
  'update-not-downloaded',
  'diagnostics-unsaved',
  // calls to a service (the editions' HTTP client)
  'service-token-refused',
  'service-no-such-address',
  'service-busy',
  'service-failed',
  'service-failed-bare',
  'input-image-type',
  'input-image-size',
  'input-upload-reply',
  'input-image-unreadable',
  'input-images-unsupported',
  'input-images-no-oss',
  'input-image-gone',
  'input-image-not-local',
  'input-image-name',
  'oss-write-denied',
  'lifecycle-not-configured',
  'lifecycle-stop-jobs-in-flight',
  'lifecycle-scale-jobs-in-flight',
  'service-rejected',
  'service-rejected-bare',
  'service-timeout',
  'service-connection-refused',
  'service-host-unknown',
  'service-unreachable',
  'service-reply-too-large',
  // Gallery
  'image-fetch-unexpected',
  // Jobs
  'job-lost',
  'service-workflow-unreadable',
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
