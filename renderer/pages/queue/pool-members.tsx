// Under an expanded pool batch: each service's state, jobs in hand and done, its jobs per minute, and Drain / Resume
// (a drained service finishes what it accepted and takes nothing new). Read when shown, as the batch moves on (at most
// every 10 jobs) and every 10 s while it runs.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberViewDto } from '../../../preload/schemas/pool-members';
import { artlab } from '../../api/artlab';
import { formatNumber } from '../../i18n/format';
import { errorMessage } from '../../settings/settings-context';

const REFRESH_MS = 10_000;

export function PoolMembers(props: {
  batchId: string;
  finished: boolean;
  stage: string;
  names: ReadonlyMap<string, { name: string }>;
}) {
  const { t } = useTranslation();
  const [members, setMembers] = useState<MemberViewDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { batchId, finished, stage } = props;

  const read = useCallback(
    () =>
      artlab.call('batches.members', { batchId }).then(
        (next) => setMembers(next),
        (cause: unknown) => setError(errorMessage(cause)),
      ),
    [batchId],
  );
  useEffect(() => {
    void read();
    if (finished) return;
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [read, finished, stage]);

  const steer = async (serviceId: string, state: 'active' | 'drained') => {
    try {
      setMembers(await artlab.call('batches.setMember', { batchId, serviceId, state }));
      setError(null);
    } catch (cause) {
      setError(errorMessage(cause));
    }
  };

  if (!members) return null;
  return (
    <div className="pool-members" data-testid="pool-members">
      <table className="pool-members__table">
        <thead>
          <tr>
            <th scope="col">{t('queue.pool.service')}</th>
            <th scope="col">{t('queue.pool.state')}</th>
            <th scope="col">{t('queue.pool.running')}</th>
            <th scope="col">{t('queue.pool.done')}</th>
            <th scope="col">{t('queue.pool.perMinute')}</th>
            <th scope="col">
              <span className="pool-members__hidden">{t('queue.pool.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.serviceId} data-testid="pool-member">
              <th scope="row">{props.names.get(member.serviceId)?.name ?? member.serviceId}</th>
              <td>
                <span className={`pool-members__state pool-members__state--${member.state}`}>
                  {t(`queue.pool.states.${member.state}`)}
                </span>
              </td>
              <td>{formatNumber(member.running)}</td>
              <td>
                {formatNumber(member.done)}
                {member.failed > 0 ? ` · ${t('queue.pool.failed', { count: member.failed })}` : ''}
              </td>
              <td>{formatNumber(member.perMinute, { maximumFractionDigits: 1 })}</td>
              <td>
                {finished || member.state === 'left' ? null : member.state === 'active' ? (
                  <button
                    type="button"
                    className="button button--small-q"
                    onClick={() => void steer(member.serviceId, 'drained')}
                  >
                    {t('queue.pool.drain')}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button--small-q"
                    onClick={() => void steer(member.serviceId, 'active')}
                  >
                    {t('queue.pool.resume')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error ? <p className="field__error">{error}</p> : null}
    </div>
  );
}
