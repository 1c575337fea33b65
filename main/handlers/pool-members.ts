// batches.members / batches.setMember: a pool batch's services with their figures, and drain / resume.
import type { ContractHandlers } from '../../preload/contract';
import type { MemberViewDto, poolMemberMethods } from '../../preload/schemas/pool-members';
import type { DispatchModule } from '../dispatch/dispatch-module';
import { NotFoundError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { answer } from './answer';

export type PoolMemberHandlers = Pick<ContractHandlers, keyof typeof poolMemberMethods>;

/** Throughput is counted over this window (or since the batch began, when it is younger). */
const WINDOW_MS = 5 * 60_000;

export function poolMemberHandlers(ledger: Ledger, dispatch: DispatchModule, now: () => number): PoolMemberHandlers {
  function view(batchId: string): MemberViewDto[] {
    const batch = ledger.getBatch(batchId);
    if (!batch) throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
    const at = now();
    const since = Math.max(at - WINDOW_MS, batch.createdAt);
    // Half a minute at least: two jobs done in the first seconds are not 240 a minute.
    const minutes = Math.max(0.5, (at - since) / 60_000);
    const figures = new Map(ledger.memberFigures(batchId, since).map((row) => [row.serviceId, row]));
    return ledger.batchMembers(batchId).map((member) => {
      const row = figures.get(member.serviceId);
      return {
        serviceId: member.serviceId,
        state: member.state,
        reason: member.reason && { ...member.reason },
        running: row?.running ?? 0,
        done: row?.done ?? 0,
        failed: row?.failed ?? 0,
        perMinute: Math.round(((row?.recent ?? 0) / minutes) * 10) / 10,
      };
    });
  }
  return {
    'batches.members': ({ batchId }) => answer(() => view(batchId)),
    'batches.setMember': ({ batchId, serviceId, state }) =>
      answer(() => {
        const members = view(batchId);
        if (!members.some((member) => member.serviceId === serviceId && member.state !== 'left')) {
          throw new NotFoundError('That service does not take part in this batch.').withCode('pool-member-unknown');
        }
        dispatch.scheduler.setPoolMember(batchId, serviceId, state);
        dispatch.feed.touchBatch(batchId);
        return view(batchId);
      }),
  };
}
