// diagnostics.*: export a redacted diagnostics bundle, open the logs folder.
import type { ContractHandlers } from '../../preload/contract';
import type { diagnosticsMethods } from '../../preload/schemas/diagnostics';
import type { DiagnosticsApi } from '../diagnostics/diagnostics-module';

export type DiagnosticsHandlers = Pick<ContractHandlers, keyof typeof diagnosticsMethods>;

export function diagnosticsHandlers(diagnostics: DiagnosticsApi): DiagnosticsHandlers {
  return {
    'diagnostics.export': () => diagnostics.exportBundle(),
    'diagnostics.openLogs': () => diagnostics.openLogs(),
  };
}
