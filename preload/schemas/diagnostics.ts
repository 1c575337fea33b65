// Diagnostics for support: the logs folder, and one zip of redacted logs, versions and service health.
import { z } from 'zod';
import { Empty, method } from './common';

export const DiagnosticsExportSchema = z.object({
  /** Where the zip was saved; null when the artist cancelled the save dialog. */
  path: z.string().nullable(),
});

export const OpenLogsSchema = z.object({
  path: z.string(),
  /** False where no file manager can be opened (browser demo): the UI shows the path instead. */
  opened: z.boolean(),
});

export const diagnosticsMethods = {
  'diagnostics.export': method(Empty, DiagnosticsExportSchema),
  'diagnostics.openLogs': method(Empty, OpenLogsSchema),
};
