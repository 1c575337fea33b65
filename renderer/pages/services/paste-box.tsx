// The fastest way in: paste the console's call information and main reads it (edition, URL, endpoint, token) as
// you paste. The token stays in main; this box only learns that one was found and its last four characters, and
// empties itself once main has it.
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { CallInfoNoteCodeSchema, type CallInfoDraftDto, type CallInfoNote } from '../../../preload/schemas/services';
import { artlab } from '../../api/artlab';
import { errorMessage } from '../../settings/settings-context';

// Long enough to read a whole paste as one, short enough to feel immediate while typing.
const PARSE_DELAY_MS = 200;

export function PasteBox(props: { onDraft: (draft: CallInfoDraftDto) => void; autoFocus: boolean }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [draft, setDraft] = useState<CallInfoDraftDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const hintId = useId();
  const onDraft = useRef(props.onDraft);
  useEffect(() => {
    onDraft.current = props.onDraft;
  });
  // Answers can arrive out of order while the text changes: only the latest one fills the form.
  const sequence = useRef(0);

  useEffect(() => {
    const current = ++sequence.current;
    if (!text.trim()) return;
    const timer = setTimeout(() => {
      artlab
        .call('services.parseCallInfo', { text })
        .then((parsed) => {
          if (current !== sequence.current) return;
          setDraft(parsed);
          setError(null);
          onDraft.current(parsed);
          // The token now waits in main under the draft id: clear the box so this window holds no copy of it.
          if (parsed.hasToken) setText('');
        })
        .catch((cause: unknown) => {
          if (current === sequence.current) setError(errorMessage(cause));
        });
    }, PARSE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  // The form shows the http warning itself, with a button that switches to https.
  const notes = draft ? draft.notes.filter((note) => note.code !== 'plain-http') : [];

  return (
    <div className="field paste-box">
      <label htmlFor={fieldId} className="field__label">
        {t('services.paste.label')}
      </label>
      <textarea
        id={fieldId}
        data-autofocus={props.autoFocus ? true : undefined}
        className="textarea"
        rows={3}
        spellCheck={false}
        autoComplete="off"
        aria-describedby={hintId}
        placeholder={t('services.paste.placeholder')}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          if (!event.target.value.trim()) setDraft(null);
        }}
      />
      <div id={hintId} className="field__hint" aria-live="polite">
        {draft ? <DraftSummary draft={draft} /> : <span>{t('services.paste.hint')}</span>}
      </div>
      {notes.length > 0 ? (
        <ul className="paste-box__notes">
          {notes.map((note) => (
            <li key={note.message}>{noteSentence(t, note)}</li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function noteSentence(t: TFunction, note: CallInfoNote): string {
  const known = CallInfoNoteCodeSchema.safeParse(note.code);
  if (!known.success) return note.message;
  const field = typeof note.params.field === 'string' ? note.params.field : '';
  return t(`services.pasteNotes.${known.data}`, {
    ...note.params,
    field:
      field in FIELD_KEYS ? t(`services.pasteNotes.fields.${FIELD_KEYS[field as keyof typeof FIELD_KEYS]}`) : field,
  });
}

const FIELD_KEYS = {
  url: 'url',
  vpcUrl: 'vpcUrl',
  token: 'token',
  endpoint: 'endpoint',
  serviceId: 'serviceId',
} as const;

function DraftSummary(props: { draft: CallInfoDraftDto }) {
  const { t } = useTranslation();
  const { draft } = props;
  if (!draft.url && !draft.hasToken) return <span>{t('services.paste.nothing')}</span>;
  return (
    <span className="paste-box__found" data-testid="paste-summary">
      {draft.edition ? (
        <span className={`badge badge--${draft.edition}`}>{t(`services.edition.${draft.edition}`)}</span>
      ) : null}
      <span>{draft.url ? t('services.paste.foundUrl') : t('services.paste.noUrl')}</span>
      <span>
        {draft.hasToken
          ? t('services.paste.foundToken', { hint: draft.tokenHint ?? '••••' })
          : t('services.paste.noToken')}
      </span>
    </span>
  );
}
