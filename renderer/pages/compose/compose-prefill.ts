// A hand-over from another page (the gallery's "re-run") to Compose: the caller stores the parameters here, then
// navigates; Compose takes them once when it mounts (or at once, when it is already showing).
import type { RerunParams } from '../../../preload/schemas/gallery';

/**
 * What Compose is pre-filled with: exactly `gallery.rerunParams`'s answer (preload/schemas/gallery.ts):
 * `serviceId` (the target service), `workflowId` (the library workflow, or null: `workflowJson` is imported as a new
 * one), `workflowJson` (the API-format workflow), `values` (`"<node>.<input>"` → value; seeds as decimal text) and
 * `source` ('job' | 'png').
 */
export type ComposePrefill = RerunParams;

let pending: ComposePrefill | null = null;
const listeners = new Set<() => void>();

/** Stores the prefill for Compose; follow with `navigateTo('compose')`. */
export function openInCompose(prefill: ComposePrefill): void {
  pending = prefill;
  for (const listener of listeners) listener();
}

/** Compose's side: the waiting prefill, removed from the store (each is applied once). */
export function takeComposePrefill(): ComposePrefill | null {
  const taken = pending;
  pending = null;
  return taken;
}

/** Called when a prefill arrives while Compose is showing; returns the unsubscribe. */
export function onComposePrefill(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A Gallery image handed to Compose as the workflow's input image ("Use as input": img2img from a result). */
export interface ComposeInput {
  galleryImageId: number;
  fileName: string;
  /** What the field shows while and after it is sent (the Gallery's thumbnail). */
  thumbUrl: string | null;
}

let pendingInput: ComposeInput | null = null;

/** Stores the image for Compose's first image input; follow with `navigateTo('compose')`. */
export function giveComposeInput(input: ComposeInput): void {
  pendingInput = input;
  for (const listener of listeners) listener();
}

/** The image waiting to be used, left in place: Compose takes it once a workflow with an image input is shown. */
export function peekComposeInput(): ComposeInput | null {
  return pendingInput;
}

export function clearComposeInput(): void {
  pendingInput = null;
}
