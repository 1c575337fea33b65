// Which services of a pool can run a batch: each is checked as a batch for one service would be (saved, its OSS
// output when the edition needs one, the workflow's nodes and models against its catalogue). A service that cannot
// is left out with the reason, recorded beside the batch; the batch is refused only when none can.
import type { NodeCatalog } from '../comfy/node-catalog';
import type { ApiWorkflow } from '../comfy/workflow-types';
import { assertValidWorkflow } from '../comfy/workflow-validate';
import { isArtlabError } from '../errors';
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
