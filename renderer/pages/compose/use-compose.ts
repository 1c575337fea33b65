// Compose's state: the library, the services, the chosen workflow's form and the artist's draft, and a debounced
// preview. Choices and drafts are remembered for the session (composeSession), so leaving the page loses nothing.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ContractCallError } from '../../../preload/contract';
import type { BatchPreviewDto, WorkflowDetailDto, WorkflowSummaryDto } from '../../../preload/schemas/jobs';
import type { ServiceDto } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';
import { usePools } from './use-pools';
import { composeSession, draftFromDetail, draftWithValues, specFromDraft, type ComposeDraft } from './compose-draft';
import { onComposePrefill, takeComposePrefill, type ComposePrefill } from './compose-prefill';

const PREVIEW_DELAY_MS = 250;
const PREVIEW_COUNT = 5;

/** A failure main tied to one input of the workflow: shown under that field. */
export interface FieldError {
  /** `<node>.<input>`, or only the node when main named no input. */
  id: string;
  message: string;
}

export function errorAt(cause: unknown): FieldError | null {
  if (cause instanceof ContractCallError && cause.node) {
    return { id: cause.input ? `${cause.node}.${cause.input}` : cause.node, message: errorMessage(cause) };
  }
  return null;
}

export function useCompose() {
  const [workflows, setWorkflows] = useState<WorkflowSummaryDto[] | null>(null);
  const [services, setServices] = useState<ServiceDto[] | null>(null);
  const [workflowId, setWorkflowId] = useState<string | null>(composeSession.workflowId);
  const [chosenServiceId, setServiceIdState] = useState<string | null>(composeSession.serviceId);
  const [detail, setDetail] = useState<WorkflowDetailDto | null>(null);
  const [draft, setDraftState] = useState<ComposeDraft | null>(null);
  // Counts the artist's own edits of the form (not a draft replaced by a fetch): what the queued banner is about.
  const [edits, setEdits] = useState(0);
  const [preview, setPreview] = useState<BatchPreviewDto | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [fieldError, setFieldError] = useState<FieldError | null>(null);
  const [error, setError] = useState<string | null>(null);
  const prefillValues = useRef<ComposePrefill['values'] | null>(null);
  // Bumped after the service's node catalogue was read again: the form is fetched anew with its models and choices.
  const [catalogueReads, setCatalogueReads] = useState(0);
  const catalogueRefreshed = useCallback(() => setCatalogueReads((count) => count + 1), []);

  const refreshWorkflows = useCallback(async () => {
    const list = await artlab.call('workflows.list');
    setWorkflows(list);
    return list;
  }, []);

  const selectWorkflow = useCallback((id: string | null) => {
    composeSession.workflowId = id;
    setWorkflowId(id);
  }, []);

  const pools = usePools(useCallback((cause: unknown) => setError(errorMessage(cause)), []));
  const { selectPool } = pools;
  const setServiceId = useCallback(
    (id: string | null) => {
      composeSession.serviceId = id;
      setServiceIdState(id);
      selectPool(null);
    },
    [selectPool],
  );

  const applyPrefill = useCallback(
    async (prefill: ComposePrefill) => {
      try {
        let id = prefill.workflowId;
        if (id === null) id = (await artlab.call('workflows.import', { json: prefill.workflowJson })).id;
        prefillValues.current = prefill.values;
        composeSession.drafts.delete(id);
        setServiceId(prefill.serviceId);
        await refreshWorkflows();
        selectWorkflow(id);
      } catch (cause) {
        setError(errorMessage(cause));
      }
    },
    [refreshWorkflows, selectWorkflow, setServiceId],
  );

  // Library and services: loaded once, services kept current by their events.
  useEffect(() => {
    let cancelled = false;
    const offChanged = artlab.on('services.changed', setServices);
    const offHealth = artlab.on('services.health', (result) =>
      setServices(
        (current) =>
          current?.map((service) => (service.id === result.serviceId ? { ...service, health: result } : service)) ??
          current,
      ),
    );
    artlab
      .call('services.list')
      .then((list) => {
        if (!cancelled) setServices((current) => current ?? list);
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    artlab
      .call('workflows.list')
      .then((list) => {
        if (cancelled) return;
        setWorkflows(list);
        const prefill = takeComposePrefill();
        if (prefill) return applyPrefill(prefill);
        const remembered = composeSession.workflowId;
        if (!list.some((workflow) => workflow.id === remembered)) selectWorkflow(list[0]?.id ?? null);
      })
      .catch((cause: unknown) => setError(errorMessage(cause)));
    const offPrefill = onComposePrefill(() => {
      const prefill = takeComposePrefill();
      if (prefill) void applyPrefill(prefill);
    });
    return () => {
      cancelled = true;
      offChanged();
      offHealth();
      offPrefill();
    };
  }, [applyPrefill, selectWorkflow]);

  // A pool's first service stands for it where one service is needed (the form's models and choices); otherwise the
  // first service when none is remembered (or the remembered one was removed).
  const poolService = pools.pool?.serviceIds.find((id) => services?.some((service) => service.id === id));
  const serviceId =
    poolService ??
    (services?.some((service) => service.id === chosenServiceId) === true
      ? chosenServiceId
      : (services?.[0]?.id ?? null));

  const service = services?.find((candidate) => candidate.id === serviceId);
  // What decides where the form's models and choices come from: the edition, and the link of an API-edition one.
  const catalogueKey = service ? `${service.edition}:${service.catalogueFrom ?? ''}` : '';
  // The form, with bounds and choices from the /object_info of the service (or the one it takes its models from).
  // Whether the message shown is this read's failure, and which workflow the form shows: a read that succeeds clears
  // that failure, or any message when it brings another workflow — never a message about this one (a refused import,
  // say) that happened to come before the service's catalogue answered.
  const detailFailed = useRef(false);
  const detailShown = useRef<string | null>(null);
  useEffect(() => {
    if (!workflowId) return;
    let cancelled = false;
    const input = serviceId ? { id: workflowId, serviceId } : { id: workflowId };
    artlab
      .call('workflows.get', input)
      .then((next) => {
        if (cancelled) return;
        const values = prefillValues.current;
        prefillValues.current = null;
        const remembered = composeSession.drafts.get(next.id);
        const nextDraft = values ? draftWithValues(next, values) : (remembered ?? draftFromDetail(next));
        composeSession.drafts.set(next.id, nextDraft);
        setDetail(next);
        setDraftState(nextDraft);
        if (detailFailed.current || detailShown.current !== next.id) setError(null);
        detailFailed.current = false;
        detailShown.current = next.id;
      })
      .catch((cause: unknown) => {
        // The service's catalogue may be out of reach: the form still works with the workflow's own values.
        if (cancelled) return;
        detailFailed.current = true;
        setError(errorMessage(cause));
      });
    return () => {
      cancelled = true;
    };
  }, [workflowId, serviceId, catalogueKey, catalogueReads]);

  const setDraft = useCallback(
    (update: (current: ComposeDraft) => ComposeDraft) => {
      setEdits((count) => count + 1);
      setDraftState((current) => {
        if (!current) return current;
        const next = update(current);
        if (workflowId) composeSession.drafts.set(workflowId, next);
        return next;
      });
    },
    [workflowId],
  );

  // Debounced preview: typing a prompt list does not ask main on every key.
  useEffect(() => {
    if (!detail || !draft || detail.id !== workflowId) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      setPreviewing(true);
      artlab
        .call('batches.preview', { workflowId: detail.id, spec: specFromDraft(detail, draft), count: PREVIEW_COUNT })
        .then((next) => {
          if (cancelled) return;
          setPreview(next);
          setFieldError(null);
        })
        .catch((cause: unknown) => {
          if (cancelled) return;
          setPreview(null);
          setFieldError(errorAt(cause) ?? { id: '', message: errorMessage(cause) });
        })
        .finally(() => {
          if (!cancelled) setPreviewing(false);
        });
    }, PREVIEW_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [detail, draft, workflowId]);

  const resetDraft = useCallback(() => {
    if (!detail) return;
    const fresh = draftFromDetail(detail);
    composeSession.drafts.set(detail.id, fresh);
    setEdits((count) => count + 1);
    setDraftState(fresh);
  }, [detail]);

  // A removed or unset workflow shows no form (the fetched detail may belong to the previous choice).
  const current = workflowId && detail?.id === workflowId ? detail : null;
  return {
    workflows,
    services,
    workflowId,
    serviceId,
    pools: pools.pools,
    /** The saved pool the batch goes to, instead of `serviceId`. */
    pool: pools.pool,
    selectPool,
    detail: current,
    draft: current ? draft : null,
    /** Changes with every edit by the artist and with the workflow: the form as the artist last left it. */
    formVersion: `${workflowId ?? ''}:${edits}`,
    preview,
    previewing,
    fieldError,
    error,
    setError,
    setFieldError,
    selectWorkflow,
    setServiceId,
    setDraft,
    resetDraft,
    refreshWorkflows,
    catalogueRefreshed,
  };
}

export type ComposeState = ReturnType<typeof useCompose>;
