// batches.members / batches.setMember / batches.addMember / jobs.pin: a pool batch's services with their figures,
// and the artist's steering: drain or resume a member, add a service to a running batch, send a job to one service.
import type { ContractHandlers } from '../../preload/contract';
import type { MemberViewDto, poolMemberMethods } from '../../preload/schemas/pool-members';
import { MAX_POOL_MEMBERS } from '../../preload/schemas/jobs';
import { memberCandidates, poolMembers, STARTING, gpuWaits, type CandidateSources } from '../batches/pool-members';
import type { DispatchModule } from '../dispatch/dispatch-module';
import { BadRequestError, NotFoundError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { isBatchFinished, toJobDto } from '../ledger/ledger-dto';
import type { StartHolds } from '../lifecycle/start-holds';
import { answer } from './answer';

export type PoolMemberHandlers = Pick<ContractHandlers, keyof typeof poolMemberMethods>;

export interface PoolMemberDeps extends CandidateSources {
  ledger: Ledger;
  dispatch: DispatchModule;
  now: () => number;
  /** Members whose GPU starts before they join (absent: the app controls no GPU). */
  holds?: Pick<StartHolds, 'beginMember' | 'releaseMember'>;
  gpuStatus?: (serviceId: string) => Promise<string | undefined>;
}

/** Throughput is counted over this window (or since the batch began, when it is younger). */
const WINDOW_MS = 5 * 60_000;

export function poolMemberHandlers(deps: PoolMemberDeps): PoolMemberHandlers {
  const { ledger, dispatch, now, holds } = deps;

  function view(batchId: string): MemberViewDto[] {
    const batch = ledger.getBatch(batchId);
    if (!batch) throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
    const at = now();
    const since = Math.max(at - WINDOW_MS, batch.createdAt);
    // Half a minute at least: two jobs done in the first seconds are not 240 a minute.
    const minutes = Math.max(0.5, (at - since) / 60_000);
    const figures = new Map(ledger.pools((pools) => pools.figures(batchId, since)).map((row) => [row.serviceId, row]));
    return ledger
      .pools((pools) => pools.members(batchId))
      .map((member) => {
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

  /** Checks a service as for a new pool, against the workflow of the batch's first job, then adds it. */
  async function addMember(batchId: string, serviceId: string, startService: boolean | undefined) {
    const summary = ledger.getBatch(batchId) && ledger.batchSummary(batchId);
    if (!summary) throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
    if (isBatchFinished(summary)) {
      throw new BadRequestError('This batch has finished: there is nothing left to share.').withCode('batch-finished');
    }
    const members = ledger.pools((pools) => pools.members(batchId));
    if (members.length >= MAX_POOL_MEMBERS) {
      throw new BadRequestError(`A batch can be shared by at most ${MAX_POOL_MEMBERS} services.`).withCode(
        'pool-full',
        { max: MAX_POOL_MEMBERS },
      );
    }
    const [first] = ledger.pageJobs({ filters: { batchId }, limit: 1 }).jobs;
    if (!first) throw new NotFoundError('This batch is no longer in the ledger.').withCode('batch-gone');
    const [candidate] = await memberCandidates(deps, [serviceId]);
    const [decided] = candidate ? poolMembers([candidate], ledger.jobWorkflow(first.id)).members : [];
    if (!decided || decided.state === 'left') {
      const reason = decided?.reason;
      const error = new BadRequestError(reason?.message ?? 'This service cannot run this batch.');
      throw reason?.coded ? error.withCode(reason.coded.code, reason.coded.params) : error;
    }
    const waits = holds ? await gpuWaits(deps, [serviceId], startService) : { start: [], starting: [] };
    const starting = waits.start.length + waits.starting.length > 0;
    dispatch.scheduler.addPoolMember(
      batchId,
      starting ? { serviceId, state: 'drained', reason: STARTING } : { serviceId, state: 'active' },
    );
    if (starting) holds?.beginMember(batchId, serviceId, waits.starting.length > 0);
    dispatch.feed.touchBatch(batchId);
    return view(batchId);
  }

  return {
    'batches.members': ({ batchId }) => answer(() => view(batchId)),
    'batches.setMember': ({ batchId, serviceId, state }) =>
      answer(() => {
        const members = view(batchId);
        if (!members.some((member) => member.serviceId === serviceId && member.state !== 'left')) {
          throw new NotFoundError('That service does not take part in this batch.').withCode('pool-member-unknown');
        }
        // Steered by hand: a start under way no longer decides its place.
        holds?.releaseMember(batchId, serviceId);
        dispatch.scheduler.setPoolMember(batchId, serviceId, state);
        dispatch.feed.touchBatch(batchId);
        return view(batchId);
      }),
    'batches.addMember': ({ batchId, serviceId, startService }) => addMember(batchId, serviceId, startService),
    'jobs.pin': ({ jobId, serviceId }) =>
      answer(() => {
        const job = dispatch.scheduler.pin(jobId, serviceId);
        dispatch.feed.touchBatch(job.batchId);
        return toJobDto(job);
      }),
  };
}
