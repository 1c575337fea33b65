// Sentences main sends with a code are worded here in the artist's language; the English `message` is the fallback
// for a code this build does not know (a newer main) or a result saved without one.
import type { TFunction } from 'i18next';
import {
  ConnectionReasonCodeSchema,
  type ConnectionStateDto,
  type ServiceConnectionDto,
} from '../../../preload/schemas/connections';
import {
  HealthCodeSchema,
  HealthWarningCodeSchema,
  type HealthResult,
  type MessageParams,
} from '../../../preload/schemas/services';

type Part = HealthResult['parts'][number];

export interface Sentence {
  text: string;
  /** The underlying error's own words (OSS, a saved record), shown muted beside the sentence. */
  detail?: string;
}

function sentence(
  t: TFunction,
  code: string | undefined,
  params: MessageParams | undefined,
  part: Part['part'] | undefined,
  fallback: string,
): Sentence {
  const known = HealthCodeSchema.safeParse(code);
  if (!known.success) return { text: fallback };
  const values = params ?? {};
  const subject = part ? t(`services.codeSubjects.${part}`, values) : '';
  const detail = typeof values.detail === 'string' ? values.detail : undefined;
  return { text: t(`services.codes.${known.data}`, { ...values, subject }), ...(detail ? { detail } : {}) };
}

/** The check's one sentence: a failure is worded with the subject of the part that failed. */
export function healthSentence(t: TFunction, result: HealthResult): Sentence {
  const failed = result.parts.find((part) => part.status !== 'ok' && part.code === result.code);
  return sentence(t, result.code, result.params, failed?.part, result.message);
}

export function partSentence(t: TFunction, part: Part): Sentence {
  return sentence(t, part.code, part.params, part.part, part.message);
}

export function warningSentences(t: TFunction, result: HealthResult): string[] {
  return result.warnings.map((warning, index) => {
    const coded = result.warningCodes?.[index];
    const known = HealthWarningCodeSchema.safeParse(coded?.code);
    return known.success && coded ? t(`services.warningCodes.${known.data}`, coded.params) : warning;
  });
}

/** Why a service's jobs wait, with the error's own sentence as detail. */
export function connectionSentence(t: TFunction, report: ServiceConnectionDto): Sentence | undefined {
  if (!report.code) return report.message ? { text: report.message } : undefined;
  const detail = report.params?.detail;
  return {
    text: t(`services.connectionCodes.${report.code}`),
    ...(typeof detail === 'string' && report.code === 'service-unopenable' ? { detail } : {}),
  };
}

/**
 * Why a watcher or progress socket is down, in the artist's language; main's English `reason` when it sent no code
 * this build knows. Undefined for a state that carries no reason.
 */
export function connectionReasonText(t: TFunction, state: ConnectionStateDto): string | undefined {
  if (state.state !== 'backing-off' && state.state !== 'auth-failed') return undefined;
  const known = ConnectionReasonCodeSchema.safeParse(state.why?.code);
  return known.success ? t(`services.connectionReasons.${known.data}`, { ...state.why?.params }) : state.reason;
}
