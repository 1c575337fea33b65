// A job's states, shared by the job and grid schemas.
import { z } from 'zod';

/** A job's states in the order of its life (main/ledger/job-state.ts says which operation moves it from where). */
export const JOB_STATES = [
  'pending',
  'submitting',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'lost',
] as const;
export const JobStateSchema = z.enum(JOB_STATES);
export type JobStateDto = z.infer<typeof JobStateSchema>;
