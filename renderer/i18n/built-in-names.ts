// Names the app gives things it ships: stored in English (stable for the CLI, exports and a rename), shown in the
// artist's language as long as the artist has not renamed them.
import type { TFunction } from 'i18next';
import { STARTER_WORKFLOW_NAME, type WorkflowSummaryDto } from '../../preload/schemas/jobs';

export function workflowDisplayName(t: TFunction, workflow: Pick<WorkflowSummaryDto, 'name' | 'source'>): string {
  return workflow.source === 'starter' && workflow.name === STARTER_WORKFLOW_NAME
    ? t('builtIn.starterWorkflow')
    : workflow.name;
}
