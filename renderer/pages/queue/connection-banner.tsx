// Shown only when a service's result watcher or progress socket is not well, or its dispatch waits for a new token:
// jobs then stay where they are, and the artist should know why.
import { useTranslation } from 'react-i18next';
import type { ServiceConnectionDto } from '../../../preload/schemas/connections';
import type { ServiceDto } from '../../../preload/schemas/services';
import { connectionReasonText, connectionSentence } from '../services/coded-messages';

export function ConnectionBanner(props: {
  connections: ReadonlyMap<string, ServiceConnectionDto>;
  services: ReadonlyMap<string, ServiceDto>;
}) {
  const { t } = useTranslation();
  const troubled = [...props.connections.values()].filter(
    (report) =>
      report.dispatchPaused || report.connection.state === 'backing-off' || report.connection.state === 'auth-failed',
  );
  if (troubled.length === 0) return null;
  return (
    <div className="notice queue-connections" role="status">
      {troubled.map((report) => {
        const name = props.services.get(report.serviceId)?.name ?? report.serviceId;
        const { connection } = report;
        const state =
          connection.state === 'auth-failed'
            ? t('queue.connection.authFailed', { name })
            : connection.state === 'backing-off'
              ? t('queue.connection.reconnecting', { name, attempt: connection.attempt })
              : t('queue.connection.paused', { name });
        // A coded report or connection reason is worded here; an uncoded one is main's own sentence, shown muted.
        const coded = report.code ? connectionSentence(t, report) : undefined;
        const dropped = 'why' in connection && connection.why ? connectionReasonText(t, connection) : undefined;
        const worded = coded?.text ?? dropped;
        const english = 'reason' in connection && !dropped ? connection.reason : undefined;
        const reason = coded ? coded.detail : (report.message ?? english);
        return (
          <p key={report.serviceId} className="queue-connections__line">
            <strong>{state}</strong>
            {worded ? ` ${worded}` : ''}
            {reason ? <span className="queue-job__error-detail">{` ${reason}`}</span> : null}
          </p>
        );
      })}
    </div>
  );
}
