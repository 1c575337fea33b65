// A service's health as the artist reads it: a coloured dot with a word, and the check's sentence and facts.
import { useTranslation } from 'react-i18next';
import type { HealthResult, HealthStatus } from '../../../preload/schemas/services';
import { healthSentence, partSentence, warningSentences, type Sentence } from './coded-messages';

export type HealthState = HealthStatus | 'unknown' | 'checking';

/**
 * `needsOss` (from the service record) shows the API edition's missing OSS location before any check has run, and
 * over an older "Healthy" that no longer holds (the location or its key was removed since).
 */
export function healthState(health: HealthResult | undefined, checking: boolean, needsOss = false): HealthState {
  if (checking) return 'checking';
  if (needsOss && (!health || health.status === 'ok')) return 'needs-oss';
  return health?.status ?? 'unknown';
}

export function HealthBadge(props: { state: HealthState; message?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`health health--${props.state}`} title={props.message} data-testid="health-badge">
      <span className="health__dot" aria-hidden="true" />
      {t(`services.health.${props.state}`)}
    </span>
  );
}

/** The result of a check in full: the sentence, what was measured, each part's verdict and any warnings. */
export function HealthDetails(props: { result: HealthResult; onUseUrl?: (url: string) => void }) {
  const { t } = useTranslation();
  const { result } = props;
  const { details } = result;
  const facts: string[] = [];
  if (result.latencyMs !== undefined) facts.push(t('services.health.latency', { ms: Math.round(result.latencyMs) }));
  if (details.version) facts.push(t('services.health.version', { version: details.version }));
  if (details.device) facts.push(details.device);
  if (details.queueLength !== undefined) facts.push(t('services.health.queueLength', { n: details.queueLength }));
  if (details.consumers !== undefined) facts.push(t('services.health.consumers', { n: details.consumers }));
  const failedParts = result.parts.filter((part) => part.status !== 'ok');
  const message = healthSentence(t, result);
  return (
    <div className={`health-result health-result--${result.status}`} role="status">
      <HealthBadge state={result.status} message={message.text} />
      <p className="health-result__message">{message.text}</p>
      <SentenceDetail sentence={message} />
      {facts.length > 0 ? <p className="health-result__facts">{facts.join(' · ')}</p> : null}
      {failedParts.length > 1 ? (
        <ul className="health-result__parts">
          {failedParts.map((part) => (
            <li key={part.part}>
              <strong>{t(`services.health.part.${part.part}`)}</strong> {partSentence(t, part).text}
            </li>
          ))}
        </ul>
      ) : null}
      {warningSentences(t, result).map((warning) => (
        <p key={warning} className="health-result__warning">
          {warning}
        </p>
      ))}
      {result.suggestedUrl && props.onUseUrl ? (
        <button
          type="button"
          className="button button--small"
          onClick={() => result.suggestedUrl && props.onUseUrl?.(result.suggestedUrl)}
        >
          {t('services.form.useHttps')}
        </button>
      ) : null}
    </div>
  );
}

/** The underlying error's own words under a coded sentence, muted: they are the server's, in its language. */
export function SentenceDetail(props: { sentence: Sentence }) {
  if (!props.sentence.detail) return null;
  return (
    <p className="sentence-detail" data-testid="sentence-detail">
      {props.sentence.detail}
    </p>
  );
}
