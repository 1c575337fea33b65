// Auto-update as the renderer sees it. The desktop app checks at start and daily, downloads in the background and
// offers "restart to update"; the browser demo and tests run without an updater and report `managed: false`.
import { z } from 'zod';
import { Empty, method } from './common';

export const UpdateStateSchema = z.enum([
  /** No updater in this build (browser demo, tests, an unpacked development run). */
  'unsupported',
  'idle',
  'checking',
  'up-to-date',
  'downloading',
  /** Downloaded: `updates.restart` installs it. */
  'ready',
  'error',
]);
export type UpdateState = z.infer<typeof UpdateStateSchema>;

export const UpdateStatusSchema = z.object({
  /** False where the desktop app is not the one running: the UI says "updates are managed by the desktop app". */
  managed: z.boolean(),
  /** The artist's setting: check at start and daily. */
  autoCheck: z.boolean(),
  state: UpdateStateSchema,
  currentVersion: z.string(),
  availableVersion: z.string().optional(),
  /** Download progress 0..1 while `downloading`. */
  progress: z.number().min(0).max(1).optional(),
  lastCheckedAt: z.number().optional(),
  /** One sentence for the artist when `error`. */
  error: z.string().optional(),
});
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;

export const updateMethods = {
  'updates.status': method(Empty, UpdateStatusSchema),
  /** Checks now (and downloads in the background when there is an update). */
  'updates.check': method(Empty, UpdateStatusSchema),
  /** Quits and installs a downloaded update; refused unless the state is `ready`. */
  'updates.restart': method(Empty, z.void()),
  'updates.configure': method(z.object({ autoCheck: z.boolean() }).strict(), UpdateStatusSchema),
};

export const updateEvents = {
  'updates.changed': UpdateStatusSchema,
};
