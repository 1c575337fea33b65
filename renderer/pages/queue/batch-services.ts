// Which services a batch goes to, for its header and the service filter: one service, or a pool's members that still
// take or finish its work (a member left out when the batch was queued is not shown).
import type { BatchSummaryDto } from '../../../preload/schemas/jobs';

export function batchServiceIds(batch: BatchSummaryDto): string[] {
  if (!batch.members) return [batch.serviceId];
  return batch.members.filter((member) => member.state !== 'left').map((member) => member.serviceId);
}

/** The services' names joined ("A + B"), each falling back to its id when it is no longer saved. */
export function batchServiceName(batch: BatchSummaryDto, names: ReadonlyMap<string, { name: string }>): string {
  return batchServiceIds(batch)
    .map((id) => names.get(id)?.name ?? id)
    .join(' + ');
}
