// The batch builder: prompts one per line (or from a .txt file), a shared negative prompt, the seed plan, a count per
// prompt, and sweeps over any parameter (a list or a range) combined as a product or zipped.
import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParameterFieldDto } from '../../../preload/schemas/jobs';
import { CloseIcon, PlusIcon } from '../../components/icons';
import {
  DYNAMIC_PROMPT_MODES,
  SEED_INPUT_ALL,
  SEED_INPUT_NONE,
  splitList,
  usesDynamicPrompts,
  withCount,
  type ComposeDraft,
  type SeedMode,
  type SweepDraft,
} from './compose-draft';
import { useFieldLabel } from './parameter-form';
import type { FieldError } from './use-compose';

type Update = (update: (current: ComposeDraft) => ComposeDraft) => void;

const SEED_MODES: SeedMode[] = ['fixed', 'random', 'increment', 'list'];

/**
 * The choices a list sweep over a choice input can still add (the service's list, less what the sweep holds already;
 * a name with a comma cannot travel in the comma-separated list).
 */
function sweepChoices(field: ParameterFieldDto | undefined, values: string): string[] {
  if (field?.control !== 'choice' || !field.choices) return [];
  const taken = new Set(splitList(values));
  return field.choices.filter((choice) => !choice.includes(',') && !taken.has(choice));
}

function SweepRow(props: {
  sweep: SweepDraft;
  fields: ParameterFieldDto[];
  /** The service the choices were read from, to name its list. */
  catalogueName: string | undefined;
  onChange: (next: SweepDraft) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const label = useFieldLabel();
  const { sweep } = props;
  const set = (patch: Partial<SweepDraft>) => props.onChange({ ...sweep, ...patch });
  const choices = sweepChoices(
    props.fields.find((field) => field.id === sweep.parameter),
    sweep.values,
  );
  return (
    <li className="sweep-row">
      <select
        className="select"
        aria-label={t('compose.sweep.parameter')}
        value={sweep.parameter}
        onChange={(e) => set({ parameter: e.target.value })}
      >
        {props.fields.map((field) => (
          <option key={field.id} value={field.id}>
            {label(field)} · {field.nodeTitle}
          </option>
        ))}
      </select>
      <select
        className="select"
        aria-label={t('compose.sweep.mode')}
        value={sweep.mode}
        onChange={(e) => set({ mode: e.target.value === 'range' ? 'range' : 'list' })}
      >
        <option value="list">{t('compose.sweep.list')}</option>
        <option value="range">{t('compose.sweep.range')}</option>
      </select>
      {sweep.mode === 'list' ? (
        <span className="sweep-row__list">
          <input
            className="compose-input sweep-row__values"
            aria-label={t('compose.sweep.values')}
            placeholder={t('compose.sweep.valuesPlaceholder')}
            value={sweep.values}
            onChange={(e) => set({ values: e.target.value })}
          />
          {choices.length > 0 && props.catalogueName !== undefined ? (
            <select
              className="select"
              aria-label={t('catalogue.sweepChoices', { name: props.catalogueName })}
              value=""
              onChange={(e) => {
                const added = e.target.value;
                if (added) set({ values: [...splitList(sweep.values), added].join(', ') });
              }}
            >
              <option value="">{t('catalogue.sweepChoices', { name: props.catalogueName })}</option>
              {choices.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          ) : null}
        </span>
      ) : (
        <span className="sweep-row__range">
          {(['start', 'stop', 'step'] as const).map((key) => (
            <input
              key={key}
              className="compose-input"
              inputMode="decimal"
              aria-label={t(`compose.sweep.${key}`)}
              placeholder={t(`compose.sweep.${key}`)}
              value={sweep[key]}
              onChange={(e) => set({ [key]: e.target.value })}
            />
          ))}
        </span>
      )}
      <button type="button" className="icon-button" aria-label={t('compose.sweep.remove')} onClick={props.onRemove}>
        <CloseIcon size={16} />
      </button>
    </li>
  );
}

export function BatchBuilder(props: {
  draft: ComposeDraft;
  fields: ParameterFieldDto[];
  fieldError: FieldError | null;
  /** The service whose catalogue gave the choices (undefined: the workflow's own values only). */
  catalogueName?: string | undefined;
  onChange: Update;
}) {
  const { t } = useTranslation();
  const id = useId();
  const promptFile = useRef<HTMLInputElement>(null);
  const nextKey = useRef(1);
  const { draft, fields, onChange } = props;
  const has = (kind: ParameterFieldDto['kind']) => fields.some((field) => field.kind === kind);
  const seedError =
    props.fieldError && fields.some((f) => f.kind === 'seed' && f.id === props.fieldError?.id)
      ? props.fieldError.message
      : null;
  // An image input's axis is made and shown by its own field (parameter-form's ImageField).
  const sweepable = fields.filter((field) => field.control !== 'textarea' && field.control !== 'image');
  const imageInputs = new Set(fields.filter((field) => field.control === 'image').map((field) => field.id));
  const seedFields = fields.filter((field) => field.kind === 'seed');

  const loadPrompts = async (file: File) => {
    const text = await file.text();
    onChange((current) => ({ ...current, prompts: text }));
  };

  return (
    <section className="compose-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="compose-card__title">
        {t('compose.batch.title')}
      </h2>
      {has('positive') ? (
        <div className="field">
          <div className="compose-field__head">
            <label htmlFor={`${id}-prompts`} className="field__label">
              {t('compose.batch.prompts')}
            </label>
            <button type="button" className="compose-link" onClick={() => promptFile.current?.click()}>
              {t('compose.batch.loadPrompts')}
            </button>
            <input
              ref={promptFile}
              type="file"
              accept=".txt,text/plain"
              className="cq-hidden"
              tabIndex={-1}
              // The visible button beside it opens it: announced once, as that button.
              aria-hidden="true"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) void loadPrompts(file);
              }}
            />
          </div>
          <textarea
            id={`${id}-prompts`}
            className="textarea"
            rows={5}
            value={draft.prompts}
            placeholder={t('compose.batch.promptsPlaceholder')}
            onChange={(e) => onChange((current) => ({ ...current, prompts: e.target.value }))}
          />
          <div className="field__hint">{t('compose.batch.promptsHint')}</div>
          {usesDynamicPrompts(draft.prompts) ? (
            <div className="compose-dynamic">
              <label htmlFor={`${id}-dynamic`} className="field__label">
                {t('compose.dynamic.label')}
              </label>
              <select
                id={`${id}-dynamic`}
                className="select"
                value={draft.dynamicPrompts}
                aria-describedby={`${id}-dynamic-hint`}
                onChange={(e) =>
                  onChange((current) => ({
                    ...current,
                    dynamicPrompts: DYNAMIC_PROMPT_MODES.find((mode) => mode === e.target.value) ?? 'combinatorial',
                  }))
                }
              >
                {DYNAMIC_PROMPT_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {t(`compose.dynamic.${mode}`)}
                  </option>
                ))}
              </select>
              <div id={`${id}-dynamic-hint`} className="field__hint">
                {t('compose.dynamic.hint')}
              </div>
            </div>
          ) : null}
        </div>
      ) : null}
      {has('negative') ? (
        <div className="field">
          <label htmlFor={`${id}-negative`} className="field__label">
            {t('compose.batch.negative')}
          </label>
          <textarea
            id={`${id}-negative`}
            className="textarea"
            rows={2}
            value={draft.negative}
            onChange={(e) => onChange((current) => ({ ...current, negative: e.target.value }))}
          />
        </div>
      ) : null}
      <div className="compose-grid">
        {seedFields.length > 0 ? (
          <div className="field">
            <label htmlFor={`${id}-seed-input`} className="field__label">
              {t('compose.batch.seedInput')}
            </label>
            <select
              id={`${id}-seed-input`}
              className="select"
              value={draft.seedInput}
              onChange={(e) => onChange((current) => ({ ...current, seedInput: e.target.value }))}
            >
              {seedFields.length > 1 ? (
                <option value={SEED_INPUT_ALL}>{t('compose.seedInput.all', { count: seedFields.length })}</option>
              ) : null}
              {seedFields.map((field) => (
                <option key={field.id} value={field.id}>
                  {field.nodeTitle}.{field.input}
                </option>
              ))}
              <option value={SEED_INPUT_NONE}>{t('compose.seedInput.none')}</option>
            </select>
          </div>
        ) : null}
        {seedFields.length > 0 && draft.seedInput !== SEED_INPUT_NONE ? (
          <div className="field compose-field--wide">
            <label htmlFor={`${id}-seed-mode`} className="field__label">
              {t('compose.batch.seeds')}
            </label>
            <div className="seed-plan">
              <select
                id={`${id}-seed-mode`}
                className="select"
                value={draft.seedMode}
                onChange={(e) =>
                  onChange((current) => ({
                    ...current,
                    seedMode: SEED_MODES.find((mode) => mode === e.target.value) ?? 'fixed',
                    seedModeChosen: true,
                  }))
                }
              >
                {SEED_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {t(`compose.seed.${mode}`)}
                  </option>
                ))}
              </select>
              {draft.seedMode === 'fixed' || draft.seedMode === 'increment' ? (
                <input
                  className="compose-input compose-input--mono"
                  inputMode="numeric"
                  aria-label={t(draft.seedMode === 'fixed' ? 'compose.seed.value' : 'compose.seed.start')}
                  aria-invalid={seedError ? true : undefined}
                  value={draft.seed}
                  onChange={(e) => onChange((current) => ({ ...current, seed: e.target.value }))}
                />
              ) : null}
              {draft.seedMode === 'list' ? (
                <input
                  className="compose-input compose-input--mono"
                  aria-label={t('compose.seed.values')}
                  placeholder={t('compose.seed.valuesPlaceholder')}
                  aria-invalid={seedError ? true : undefined}
                  value={draft.seedList}
                  onChange={(e) => onChange((current) => ({ ...current, seedList: e.target.value }))}
                />
              ) : null}
            </div>
            {seedError ? (
              <div className="compose-error" role="alert">
                {seedError}
              </div>
            ) : null}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-count`} className="field__label">
            {t('compose.batch.count')}
          </label>
          <input
            id={`${id}-count`}
            className="compose-input"
            inputMode="numeric"
            value={draft.count}
            aria-describedby={`${id}-count-hint`}
            onChange={(e) => {
              const count = e.target.value;
              onChange((current) => withCount(current, count));
            }}
          />
          <div id={`${id}-count-hint`} className="field__hint compose-count-hint">
            {t('ui.compose.perPromptHint')}
          </div>
        </div>
      </div>
      <div className="field">
        <div className="compose-field__head">
          <span className="field__label">{t('compose.sweep.title')}</span>
          {draft.sweeps.length > 1 ? (
            <select
              className="select"
              aria-label={t('compose.sweep.combine')}
              value={draft.combine}
              onChange={(e) =>
                onChange((current) => ({ ...current, combine: e.target.value === 'zip' ? 'zip' : 'product' }))
              }
            >
              <option value="product">{t('compose.sweep.product')}</option>
              <option value="zip">{t('compose.sweep.zip')}</option>
            </select>
          ) : null}
        </div>
        {draft.sweeps.length > 0 ? (
          <ul className="sweep-list">
            {draft.sweeps
              .filter((sweep) => !imageInputs.has(sweep.parameter))
              .map((sweep) => (
                <SweepRow
                  key={sweep.key}
                  sweep={sweep}
                  fields={sweepable}
                  catalogueName={props.catalogueName}
                  onChange={(next) =>
                    onChange((current) => ({
                      ...current,
                      sweeps: current.sweeps.map((item) => (item.key === next.key ? next : item)),
                    }))
                  }
                  onRemove={() =>
                    onChange((current) => ({
                      ...current,
                      sweeps: current.sweeps.filter((item) => item.key !== sweep.key),
                    }))
                  }
                />
              ))}
          </ul>
        ) : null}
        <div>
          <button
            type="button"
            className="button"
            disabled={sweepable.length === 0}
            onClick={() =>
              onChange((current) => ({
                ...current,
                sweeps: [
                  ...current.sweeps,
                  {
                    key: Date.now() + nextKey.current++,
                    parameter: sweepable[0]?.id ?? '',
                    mode: 'list',
                    values: '',
                    start: '',
                    stop: '',
                    step: '1',
                  },
                ],
              }))
            }
          >
            <PlusIcon size={16} />
            {t('compose.sweep.add')}
          </button>
        </div>
      </div>
    </section>
  );
}
