// Which services of a pool can run a batch: each is checked as a batch for one service would be (saved, its OSS
// output when the edition needs one, the workflow's nodes and models against its catalogue). A service that cannot
// is left out with the reason, recorded beside the batch; the batch is refused only when none can.
import type { NodeCatalog } from '../comfy/node-catalog';
import type { ApiWorkflow } from '../comfy/workflow-types';
import { assertValidWorkflow } from '../comfy/workflow-validate';
import { BadRequestError, isArtlabError } from '../errors';
import { isStarting, needsStart } from '../lifecycle/start-holds';
import { codedErrorOf } from '../ledger/coded-error';
import type { MemberReason, NewMember } from '../ledger/ledger';

export interface MemberCandidate {
  serviceId: string;
  /** The saved service's name, or undefined when it is no longer saved. */
  name: string | undefined;
  needsOss: boolean;
  /** Its node catalogue, when one could be read. */
  catalog: NodeCatalog | undefined;
}

export interface PoolMembers {
  members: NewMember[];
  /** The active members' catalogues, for checking each job as it is stored. */
  catalogs: NodeCatalog[];
}

/**
 * Decides each candidate's place in the pool. `workflow` is the batch's workflow with its first job's values: the
 * graph (its nodes, its models) is what differs between services; a value one job sets that an active member refuses
 * is refused with the batch, as for a single service.
 */
export function poolMembers(candidates: readonly MemberCandidate[], workflow: ApiWorkflow): PoolMembers {
  const members: NewMember[] = [];
  const catalogs: NodeCatalog[] = [];
  for (const candidate of candidates) {
    const reason = leftOutBecause(candidate, workflow);
    if (reason) {
      members.push({ serviceId: candidate.serviceId, state: 'left', reason });
      continue;
    }
    members.push({ serviceId: candidate.serviceId, state: 'active' });
    if (candidate.catalog) catalogs.push(candidate.catalog);
  }
  return { members, catalogs };
}

function leftOutBecause(candidate: MemberCandidate, workflow: ApiWorkflow): MemberReason | undefined {
  if (candidate.name === undefined) {
    return {
      message: 'This service is no longer saved.',
      coded: { code: 'pool-member-gone', params: {} },
    };
  }
  if (candidate.needsOss) {
    return {
      message: `“${candidate.name}” needs an OSS output location to return its results.`,
      coded: { code: 'pool-member-needs-oss', params: { name: candidate.name } },
    };
  }
  if (!candidate.catalog) return undefined;
  try {
    assertValidWorkflow(workflow, { catalog: candidate.catalog });
    return undefined;
  } catch (error) {
    if (!isArtlabError(error)) throw error;
    const coded = codedErrorOf(error);
    return { message: error.message, ...(coded ? { coded } : {}) };
  }
}

/** Where a candidate's facts come from: the saved services and their node catalogues. */
export interface CandidateSources {
  services: { list(): readonly { id: string; name: string }[]; needsOss(serviceId: string): boolean };
  catalogues: { get(serviceId: string, options: { waitMs?: number }): Promise<NodeCatalog | undefined> };
}

/** How long queueing waits for a catalogue not read yet; past it the batch is queued unvalidated, as without one. */
export const CATALOGUE_WAIT_MS = 10_000;

/** The facts about each service that decide its place in a pool (its catalogue read, or waited for briefly). */
export function memberCandidates(sources: CandidateSources, serviceIds: readonly string[]): Promise<MemberCandidate[]> {
  const saved = new Map(sources.services.list().map((service) => [service.id, service]));
  return Promise.all(
    serviceIds.map(async (id) => {
      const name = saved.get(id)?.name;
      const catalog = name === undefined ? undefined : await sources.catalogues.get(id, { waitMs: CATALOGUE_WAIT_MS });
      return { serviceId: id, name, needsOss: name !== undefined && sources.services.needsOss(id), catalog };
    }),
  );
}

/** A member whose GPU is starting: recorded drained until it answers (start-holds.ts then makes it active). */
export const STARTING: MemberReason = {
  message: 'Its GPU is starting: it takes work once it answers.',
  coded: { code: 'pool-member-starting', params: {} },
};

/** A member whose start failed: it stays drained with EAS's reason; the artist may resume it by hand. */
export function startFailed(reason: string): MemberReason {
  return {
    message: `Its GPU did not start: ${reason}`,
    coded: { code: 'pool-member-start-failed', params: { reason } },
  };
}

/** The services to hold until their GPU answers: those stopped (started, as the artist chose) and those starting. */
export interface GpuWaits {
  /** Stopped: to be started. */
  start: string[];
  /** On their way to running already: only waited for. */
  starting: string[];
}

/**
 * Sorts `serviceIds` by what EAS says their GPU is doing, for those the app controls. A stopped one refuses the
 * batch (`batch-service-stopped`: nothing is stored, the artist chooses) unless the artist chose to start it.
 */
export async function gpuWaits(
  sources: {
    services: CandidateSources['services'];
    /** What EAS says the service's GPU is doing, or undefined when the app does not control it (or cannot tell). */
    gpuStatus?: ((serviceId: string) => Promise<string | undefined>) | undefined;
  },
  serviceIds: readonly string[],
  startService: boolean | undefined,
): Promise<GpuWaits> {
  const { gpuStatus } = sources;
  if (!gpuStatus) return { start: [], starting: [] };
  const statuses = await Promise.all(serviceIds.map(async (id) => ({ id, status: (await gpuStatus(id)) ?? '' })));
  const stopped = statuses.filter((entry) => needsStart(entry.status));
  if (stopped.length > 0 && startService !== true) {
    const names = sources.services.list().filter((service) => stopped.some((entry) => entry.id === service.id));
    const name = names.map((service) => service.name).join('”, “');
    const status = stopped[0]?.status ?? '';
    throw new BadRequestError(
      `The GPU of “${name}” is not running (EAS: ${status}). Start it to queue this batch: it waits until the service answers, and billing starts with the start.`,
    ).withCode('batch-service-stopped', { name, status });
  }
  return {
    start: stopped.map((entry) => entry.id),
    starting: statuses.filter((entry) => isStarting(entry.status)).map((entry) => entry.id),
  };
}
