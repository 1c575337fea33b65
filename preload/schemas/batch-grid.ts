// A batch's X/Y(/Z) grid as the Queue shows and exports it.
import { z } from 'zod';
import { IdSchema } from './common';
import { JobStateSchema } from './job-state';

/**
 * A batch laid out by the values its jobs got: axes are the prompts, listed seeds and sweeps that take more than one
 * value (zipped sweeps move together, so they form one axis); `coords` index into each axis's `values`, in `axes`
 * order. `defaultAxes` names which axis is X and Y (null when there are fewer), the rest are Z.
 */
export const BatchGridSchema = z.object({
  batchId: IdSchema,
  axes: z.array(
    z.object({
      /** `prompt` and `seed` are named by the UI; `input` by its node title and input name. */
      kind: z.enum(['prompt', 'seed', 'input']),
      parameters: z.array(z.object({ id: z.string(), nodeTitle: z.string(), input: z.string() })),
      values: z.array(z.string()),
    }),
  ),
  defaultAxes: z.object({ x: z.number().int().nullable(), y: z.number().int().nullable() }),
  cells: z.array(
    z.object({
      coords: z.array(z.number().int()),
      jobs: z.array(
        z.object({
          jobId: IdSchema,
          state: JobStateSchema,
          /** The job's first image; `imageCount` says how many more it made. */
          imageId: z.number().int().nullable(),
          imageCount: z.number().int(),
        }),
      ),
    }),
  ),
});
export type BatchGridDto = z.infer<typeof BatchGridSchema>;
