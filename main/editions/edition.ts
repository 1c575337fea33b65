// One interface per edition (DESIGN.md rule 5): jobs/ and gallery/ talk to this and never branch on the edition
// beyond choosing the client. Identities (task_id / prompt_id) are chosen by the caller and stored in the ledger
// before submit() is called (rule 4).
import type { z } from 'zod';
import type { ConnectionStateSchema } from '../../preload/schemas/connections';
import type { OutputFile } from '../comfy/outputs';
import type { ApiWorkflow } from '../comfy/workflow-types';

export type EditionKind = 'queue' | 'exclusive';

/** One output file of a job, as the service names it (a filename is data, never a path): what the result reader
 * found, without its read-only `animated` mark. */
export type EditionOutputFile = Omit<OutputFile, 'animated'>;

/** A file read from the service's outputs, as both editions report it (without the read-only `animated` mark). */
export function editionOutputFile(file: OutputFile): EditionOutputFile {
  return {
    node: file.node,
    kind: file.kind,
    filename: file.filename,
    subfolder: file.subfolder,
    type: file.type,
    ...(file.format !== undefined ? { format: file.format } : {}),
  };
}

export interface SubmitRequest {
  /** The ledger's job id, carried in extra_data where the edition allows, for reconciliation. */
  jobId: string;
  /** task_id (queue edition) or prompt_id (Exclusive), chosen and stored by the caller first. */
  identity: string;
  workflow: ApiWorkflow;
}

export interface SubmitReceipt {
  identity: string;
  /** Queue edition: the index in the input queue (for cancel and position). Exclusive: ComfyUI's `number`. */
  queueIndex?: number;
}

/**
 * What the service knows of one identity, for recovery and retries: `absent` when it provably holds neither the job
 * nor its result (sending it again cannot run it twice), `unknown` when it cannot tell (a resend may).
 */
export type RemoteJobState =
  | { state: 'unknown' }
  | { state: 'absent' }
  /** `position`: how many jobs wait ahead of it in the service's queue (0: it runs next). */
  | { state: 'queued'; position?: number }
  | { state: 'running' }
  | { state: 'done'; result: EditionResult };

/** A finished job as the service reported it. */
export interface EditionResult {
  identity: string;
  outputs: EditionOutputFile[];
  /** Set when the job failed; a sentence for the user. */
  error?: string;
  /** The result belongs to an identity this app did not create (another client of a shared sink). */
  external: boolean;
  /** Queue edition: the sink index the result came in, kept as the audit trail. */
  sinkIndex?: number;
  /** What text-showing nodes (PreviewAny, ShowText…) showed, in order. */
  texts?: string[];
}

export type EditionEvent =
  /** `position`: how many jobs wait ahead of it (0: it runs next), sent again whenever that number changes. */
  | { type: 'queued'; identity: string; position?: number }
  | { type: 'running'; identity: string }
  | { type: 'progress'; identity: string; node?: string; value: number; max: number }
  /** PreviewImage (`temp`) files a node of a running job reported (Exclusive `executed` frames), to show meanwhile. */
  | { type: 'previews'; identity: string; files: EditionOutputFile[] }
  | { type: 'connection'; state: ConnectionState };

/** The result watcher's (queue edition) or progress socket's (Exclusive) state, as the contract carries it. */
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

/** A result stored in the ledger (external ones with jobId null): dispatch reports it, the gallery fetches its files. */
export interface ResultStoredInfo {
  jobId: string | null;
  serviceId: string;
  result: EditionResult;
}

/** PreviewImage files a running job's node reported (the `previews` event, with the job it belongs to). */
export interface JobPreviewsInfo {
  jobId: string;
  serviceId: string;
  files: EditionOutputFile[];
}

/**
 * Receives each result. The edition acknowledges it to the service (commits the sink frame) only after the returned
 * promise resolves — the caller stores the result first. A rejected promise leaves it unacknowledged for redelivery.
 */
export type ResultHandler = (result: EditionResult) => Promise<void>;

export interface Edition {
  readonly kind: EditionKind;
  submit(request: SubmitRequest): Promise<SubmitReceipt>;
  /** Removes a pending job from the service's queue, or interrupts it where the edition allows. */
  cancel(identity: string, receipt?: SubmitReceipt): Promise<'removed' | 'interrupted' | 'not-found'>;
  lookup(identity: string, receipt?: SubmitReceipt): Promise<RemoteJobState>;
  /** Starts delivering results of submitted (and, for the queue edition, foreign) jobs. */
  start(onResult: ResultHandler): void;
  /** Follows an identity submitted earlier (after a restart). */
  follow(identity: string, receipt?: SubmitReceipt): void;
  /** Returns the unsubscribe. */
  onEvent(listener: (event: EditionEvent) => void): () => void;
  /** Streams one output file to `destination` (written to a temporary file and renamed into place). */
  download(file: EditionOutputFile, destination: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
