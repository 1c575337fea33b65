// "Use as input" from the Gallery, on the Compose side: the waiting image goes to the first image input of the workflow
// shown (sent to the chosen service by main, from the Gallery's file), or waits, said, until a workflow with one is
// chosen.
import { useEffect, useRef, useState } from 'react';
import type { WorkflowDetailDto } from '../../../preload/schemas/jobs';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';
import { withImages, type ComposeDraft } from './compose-draft';
import { clearComposeInput, onComposePrefill, peekComposeInput, type ComposeInput } from './compose-prefill';
import { pictures } from '../../api/input-pictures';

export function useComposeInput(
  detail: WorkflowDetailDto | null,
  draft: ComposeDraft | null,
  serviceId: string | null,
  setDraft: (update: (current: ComposeDraft) => ComposeDraft) => void,
  setError: (message: string | null) => void,
): { waiting: ComposeInput | null } {
  const [waiting, setWaiting] = useState<ComposeInput | null>(peekComposeInput());
  useEffect(() => onComposePrefill(() => setWaiting(peekComposeInput())), []);
  // The image being sent: taken once, however often the form re-renders meanwhile.
  const taken = useRef<ComposeInput | null>(null);

  const ready = detail !== null && draft !== null;
  const field = detail?.parameters.find((candidate) => candidate.control === 'image');
  useEffect(() => {
    if (!waiting || !ready || !field || !serviceId || taken.current === waiting) return;
    taken.current = waiting;
    clearComposeInput();
    artlab
      .call('workflows.uploadImage', { serviceId, galleryImageId: waiting.galleryImageId })
      .then((answer) => {
        pictures.set(answer.value, { fileName: waiting.fileName, url: waiting.thumbUrl, fromGallery: serviceId });
        setDraft((current) => withImages(current, field, [answer.value]));
      })
      .catch((cause: unknown) => setError(errorMessage(cause)))
      .finally(() => setWaiting(null));
  }, [waiting, ready, field, serviceId, setDraft, setError]);

  return { waiting: waiting && ready && !field ? waiting : null };
}
