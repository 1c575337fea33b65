// Main-side reactions between domains (a changed service restarts its lane and drops its catalogue; a stored result
// goes to the gallery's intake), kept off the renderer-facing event hub: those events carry DTOs for a window, these
// carry what main needs, and neither audience should see the other's traffic.
import type { JobPreviewsInfo, ResultStoredInfo } from './editions/edition';
import { TypedEmitter } from './typed-emitter';

export type DomainEvents = {
  /** Services were added, edited or deleted (their ids), or shared settings they use changed (every id). */
  'services.changed': { serviceIds: string[] };
  /** A result is stored in the ledger (external ones with jobId null): the gallery fetches its files. */
  'result.stored': ResultStoredInfo;
  /** A running job's node showed PreviewImage files: the gallery fetches them to show on the job meanwhile. */
  'job.previews': JobPreviewsInfo;
};

export class DomainBus extends TypedEmitter<DomainEvents> {}
