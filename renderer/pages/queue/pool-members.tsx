// Under an expanded pool batch: each service's state (and why it takes no work, when it does not), jobs in hand and
// done, its jobs per minute, and Drain / Resume (a drained service finishes what it accepted and takes nothing new);
// under any unfinished batch, "Add a service" (a stopped GPU is started first, once the artist says so). Read when
// shown, as the batch moves on (at most every 10 jobs) and every 10 s while it runs.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberViewDto } from '../../../preload/schemas/pool-members';
import { artlab } from '../../api/artlab';
import { codedSentence } from '../../i18n/error-sentence';
import { formatNumber } from '../../i18n/format';
import { ContractCallError } from '../../../preload/contract';
import { errorMessage } from '../../settings/settings-context';

const REFRESH_MS = 10_000;

export function PoolMembers(props: {
  batchId: string;
  finished: boolean;
  stage: string;
  names: ReadonlyMap<string, { name: string }>;
}) {
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
      {members.length > 0 ? <MemberTable {...props} members={members} steer={steer} /> : null}
      {finished ? null : (
        <AddMember
          batchId={batchId}
          taking={members.filter((member) => member.state !== 'left').map((member) => member.serviceId)}
          names={props.names}
          added={setMembers}
        />
      )}
      {error ? <p className="field__error">{error}</p> : null}
    </div>
  );
}

function MemberTable(props: {
  members: MemberViewDto[];
  finished: boolean;
  names: ReadonlyMap<string, { name: string }>;
  steer: (serviceId: string, state: 'active' | 'drained') => Promise<void>;
}) {
  const { t } = useTranslation();
  const { members, finished, steer } = props;
  return (
    <>
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
                  {t(`queue.pool.states.${member.reason?.code === 'pool-member-starting' ? 'starting' : member.state}`)}
                </span>
                {member.reason ? (
                  <span className="pool-members__reason" data-testid="pool-member-reason">
                    {codedSentence(member.reason.code, member.reason.params, member.reason.message)}
                  </span>
                ) : null}
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
    </>
  );
}

/**
 * A saved service that is not in the batch yet joins it (main checks it as for a new pool). A stopped GPU is refused
 * with the reason first; "Start it and add" starts it, and it takes work once it answers.
 */
export function AddMember(props: {
  batchId: string;
  /** The services that already take part (a batch sent to one service: that one). */
  taking: readonly string[];
  names: ReadonlyMap<string, { name: string }>;
  added?: (members: MemberViewDto[]) => void;
}) {
  const { t } = useTranslation();
  const choices = [...props.names].filter(([id]) => !props.taking.includes(id));
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [startAsk, setStartAsk] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pick = choices.some(([id]) => id === chosen) ? chosen : '';

  const add = async (startService: boolean) => {
    if (!pick) return;
    setBusy(true);
    try {
      const members = await artlab.call('batches.addMember', {
        batchId: props.batchId,
        serviceId: pick,
        ...(startService ? { startService } : {}),
      });
      props.added?.(members);
      setChosen('');
      setStartAsk(null);
      setError(null);
    } catch (cause) {
      if (cause instanceof ContractCallError && cause.code === 'batch-service-stopped')
        setStartAsk(errorMessage(cause));
      else setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  if (choices.length === 0) return null;
  return (
    <div className="pool-members__add" data-testid="pool-add">
      <label className="pool-members__add-label">
        <span>{t('queue.pool.add')}</span>
        <select
          className="select pool-members__select"
          aria-label={t('queue.pool.addPick')}
          value={pick}
          onChange={(event) => {
            setChosen(event.target.value);
            setStartAsk(null);
          }}
        >
          <option value="">—</option>
          {choices.map(([id, service]) => (
            <option key={id} value={id}>
              {service.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button button--small-q" disabled={!pick || busy} onClick={() => void add(false)}>
        {t('queue.pool.addButton')}
      </button>
      {startAsk ? (
        <p className="pool-members__ask" role="alert">
          {startAsk}{' '}
          <button type="button" className="button button--small-q" disabled={busy} onClick={() => void add(true)}>
            {t('queue.pool.startAndAdd')}
          </button>{' '}
          <button type="button" className="button button--small-q" onClick={() => setStartAsk(null)}>
            {t('queue.pool.cancelAdd')}
          </button>
        </p>
      ) : null}
      {error ? <p className="field__error">{error}</p> : null}
    </div>
  );
}
