// workflows.*: the artist's workflow library, and a workflow's parameters as a form (with bounds and choices from
// the chosen service's node catalogue when it has one).
import type { ContractHandlers } from '../../preload/contract';
import { NotFoundError } from '../errors';
import { answer } from './answer';
import { serializeWorkflow } from '../comfy/workflow-parse';
import type { ServiceRecord } from '../services/service-record';
import type { ServiceCatalogues } from '../workflows/service-catalogues';
import type { InputImages } from '../workflows/input-images';
import { parameterForm } from '../workflows/workflow-form';
import { workflowSummary, type WorkflowLibrary } from '../workflows/workflow-library';

export type WorkflowHandlers = Pick<
  ContractHandlers,
  | 'workflows.list'
  | 'workflows.get'
  | 'workflows.refreshCatalogue'
  | 'workflows.uploadImage'
  | 'workflows.import'
  | 'workflows.rename'
  | 'workflows.duplicate'
  | 'workflows.delete'
>;

export function workflowHandlers(
  library: WorkflowLibrary,
  catalogues: Pick<ServiceCatalogues, 'read' | 'refresh'>,
  services: { list(): ServiceRecord[] },
  inputs: Pick<InputImages, 'put'>,
): WorkflowHandlers {
  return {
    'workflows.list': () => answer(() => library.list().map(workflowSummary)),
    'workflows.get': async ({ id, serviceId }) => {
      const record = library.get(id);
      const read = await catalogues.read(serviceId);
      return {
        ...workflowSummary(record),
        parameters: parameterForm(record.workflow, read?.catalog),
        json: serializeWorkflow(record.workflow, 2),
        catalogFrom: read ? ('service' as const) : ('builtin' as const),
        ...(read ? { catalogue: { serviceId: read.serviceId, readAt: read.readAt, nodeTypes: read.nodeTypes } } : {}),
      };
    },
    'workflows.refreshCatalogue': async ({ serviceId }) => {
      const records = services.list();
      if (!records.some((service) => service.id === serviceId)) {
        throw new NotFoundError('That service no longer exists. It may have been deleted in another window.').withCode(
          'service-gone',
        );
      }
      const nameOf = (id: string) => records.find((service) => service.id === id)?.name ?? id;
      const read = await catalogues.refresh(serviceId, nameOf);
      return { serviceId: read.serviceId, readAt: read.readAt, nodeTypes: read.nodeTypes };
    },
    'workflows.uploadImage': (request) => inputs.put(request),
    'workflows.import': (input) => answer(() => workflowSummary(library.import(input))),
    'workflows.rename': ({ id, name }) => answer(() => workflowSummary(library.rename(id, name))),
    'workflows.duplicate': ({ id }) => answer(() => workflowSummary(library.duplicate(id))),
    'workflows.delete': ({ id }) => answer(() => library.delete(id)),
  };
}
