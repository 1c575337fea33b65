// jobs.*: pages of the ledger's jobs, one job with its results, and the artist's actions on a job.
import type { ContractHandlers } from '../../preload/contract';
import { answer } from './answer';
import type { DispatchModule } from '../dispatch/dispatch-module';
import { NotFoundError } from '../errors';
import { toJobDto } from '../ledger/ledger-dto';
import type { Ledger } from '../ledger/ledger';

export type JobHandlers = Pick<
  ContractHandlers,
  'jobs.page' | 'jobs.get' | 'jobs.cancel' | 'jobs.retry' | 'jobs.reorder' | 'jobs.connections'
>;

export function jobHandlers(ledger: Ledger, { scheduler, feed }: DispatchModule): JobHandlers {
  return {
    'jobs.page': (query) =>
      answer(() => {
        const page = ledger.pageJobs(query);
        return { jobs: page.jobs.map(toJobDto), nextCursor: page.nextCursor };
      }),
    'jobs.get': ({ jobId }) =>
      answer(() => {
        const job = ledger.getJob(jobId);
        if (!job) throw new NotFoundError('This job is no longer in the ledger.').withCode('job-gone');
        const results = ledger.resultsOfJob(jobId).map((result) => ({
          identity: result.identity,
          outputs: result.outputs,
          error: result.error,
          at: result.receivedAt,
        }));
        // Whole here, not cut as in a page of jobs.
        return { ...toJobDto(job), ...(job.texts.length > 0 ? { texts: job.texts } : {}), results };
      }),
    'jobs.cancel': async ({ jobId }) => toJobDto(await scheduler.cancel(jobId)),
    'jobs.retry': ({ jobId }) => answer(() => toJobDto(scheduler.retry(jobId))),
    'jobs.reorder': ({ jobId, beforeJobId }) =>
      answer(() => {
        const moved = scheduler.reorder(jobId, beforeJobId);
        const job = ledger.getJob(jobId);
        if (moved && job) feed.touchBatch(job.batchId);
        return moved;
      }),
    'jobs.connections': () => answer(() => scheduler.connections()),
  };
}
