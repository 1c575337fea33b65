// The workflow's parameters (all but prompts and seeds, which the batch builder owns): one control per field, with
// the service's bounds and choices when known, and main's validation message under the field it names.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParameterFieldDto } from '../../../preload/schemas/jobs';
import { builderOwns, type FormValue } from './compose-draft';
import { ImageField } from './image-field';
import type { FieldError } from './use-compose';

export function useFieldLabel() {
  const { t } = useTranslation();
  return (field: ParameterFieldDto) =>
    field.kind === 'other' ? field.label : t(`compose.kind.${field.kind}`, { defaultValue: field.label });
}

/**
 * A number the service bounds and gives a step, all of it within what a number input keeps exact: drawn as one, so
 * the arrow keys and the spinner move by the service's step. Seeds and 64-bit bounds stay text.
 */
function exactNumber(field: ParameterFieldDto): boolean {
  if (field.control !== 'integer' && field.control !== 'number') return false;
  if (field.kind === 'seed' || field.step === undefined) return false;
  if (field.min === undefined || field.max === undefined) return false;
  const safe = (bound: number | string) => typeof bound === 'number' && Math.abs(bound) <= Number.MAX_SAFE_INTEGER;
  return safe(field.min) && safe(field.max) && typeof field.value === 'number';
}

/** Past this many choices a field is a text input that filters them as the artist types. */
export const SEARCHABLE_CHOICES = 12;

function ParameterControl(props: {
  field: ParameterFieldDto;
  value: FormValue;
  /** The service whose catalogue gave the choices, to say a value is not in its list. */
  catalogueName: string | undefined;
  error: string | undefined;
  onChange: (value: FormValue) => void;
}) {
  const { t } = useTranslation();
  const label = useFieldLabel();
  const id = useId();
  const { field, value } = props;
  const described = props.error ? `${id}-error` : `${id}-hint`;
  // main refuses it at queue time; said here as soon as it is chosen or typed.
  const unlisted =
    field.control === 'choice' && field.choices !== undefined && props.catalogueName !== undefined
      ? !field.choices.includes(String(value))
      : false;
  const common = {
    id,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': described,
    'data-field': field.id,
  };
  let control;
  if (field.control === 'toggle') {
    control = (
      <input {...common} type="checkbox" checked={value === true} onChange={(e) => props.onChange(e.target.checked)} />
    );
  } else if (field.control === 'choice' && field.choices && field.choices.length > SEARCHABLE_CHOICES) {
    // A long list (checkpoints, LoRAs): typing filters it. A value outside it is kept, and marked below.
    control = (
      <>
        <input
          {...common}
          className="compose-input"
          type="text"
          list={`${id}-choices`}
          title={String(value)}
          spellCheck={false}
          autoComplete="off"
          placeholder={t('catalogue.filterPlaceholder', { count: field.choices.length })}
          value={String(value)}
          onChange={(e) => props.onChange(e.target.value)}
        />
        <datalist id={`${id}-choices`}>
          {field.choices.map((choice) => (
            <option key={choice} value={choice} />
          ))}
        </datalist>
      </>
    );
  } else if (field.control === 'choice' && field.choices) {
    const choices = field.choices.includes(String(value)) ? field.choices : [String(value), ...field.choices];
    control = (
      <select
        {...common}
        className="select"
        title={String(value)}
        value={String(value)}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  } else if (field.control === 'textarea') {
    control = (
      <textarea
        {...common}
        className="textarea"
        rows={3}
        value={String(value)}
        onChange={(e) => props.onChange(e.target.value)}
      />
    );
  } else if (exactNumber(field)) {
    control = (
      <input
        {...common}
        className="compose-input"
        type="number"
        min={field.min}
        max={field.max}
        step={field.step}
        value={String(value)}
        onChange={(e) => props.onChange(e.target.value)}
      />
    );
  } else {
    const numeric = field.control === 'integer' || field.control === 'number';
    control = (
      <input
        {...common}
        className="compose-input"
        // Text, not type=number: seeds and INT bounds go beyond what a number input keeps exact.
        type="text"
        inputMode={numeric ? (field.control === 'integer' ? 'numeric' : 'decimal') : undefined}
        spellCheck={false}
        value={String(value)}
        onChange={(e) => props.onChange(e.target.value)}
      />
    );
  }
  const range =
    field.min !== undefined && field.max !== undefined
      ? field.step !== undefined
        ? t('catalogue.rangeStep', { min: field.min, max: field.max, step: field.step })
        : t('compose.form.range', { min: field.min, max: field.max })
      : null;
  return (
    <div className={`field compose-field${field.control === 'toggle' ? ' compose-field--toggle' : ''}`}>
      <label htmlFor={id} className="field__label">
        {label(field)}
      </label>
      {control}
      {props.error ? (
        <div id={`${id}-error`} className="compose-error" role="alert">
          {props.error}
        </div>
      ) : (
        <div id={`${id}-hint`} className="field__hint">
          {field.kind === 'batch_size' ? <div className="compose-count-hint">{t('ui.compose.perJobHint')}</div> : null}
          {unlisted ? (
            <div className="compose-unlisted" data-testid="choice-unlisted">
              {t('catalogue.notInList', { name: props.catalogueName })}
            </div>
          ) : null}
          {field.nodeTitle}
          {range ? ` · ${range}` : ''}
        </div>
      )}
    </div>
  );
}

export function ParameterForm(props: {
  fields: ParameterFieldDto[];
  values: Record<string, FormValue>;
  /** The seed input the batch builder fills (compose-draft's seedInput): the other seed inputs are edited here. */
  seedInput: string;
  /** The service the form's choices were read from (undefined: the workflow's own values only). */
  catalogueName?: string;
  fieldError: FieldError | null;
  onChange: (id: string, value: FormValue) => void;
  /** Image inputs: where their files are sent, and the draft's images for each. */
  images: {
    serviceId: string | null;
    serviceName: string | undefined;
    valuesOf: (field: ParameterFieldDto) => string[];
    onImages: (field: ParameterFieldDto, values: string[]) => void;
    onReset: (field: ParameterFieldDto) => void;
  };
}) {
  const label = useFieldLabel();
  const { t } = useTranslation();
  const fields = props.fields.filter((field) => !builderOwns(field, { seedInput: props.seedInput }));
  if (fields.length === 0) return null;
  const errorFor = (field: ParameterFieldDto) =>
    props.fieldError && (props.fieldError.id === field.id || props.fieldError.id === field.node)
      ? props.fieldError.message
      : undefined;
  return (
    <section className="compose-card">
      <h2 className="compose-card__title">{t('compose.form.title')}</h2>
      <div className="compose-grid">
        {fields.map((field) =>
          field.control === 'image' ? (
            <ImageField
              key={field.id}
              field={field}
              label={label(field)}
              values={props.images.valuesOf(field)}
              serviceId={props.images.serviceId}
              serviceName={props.images.serviceName}
              error={errorFor(field)}
              onChange={(values) => props.images.onImages(field, values)}
              onReset={() => props.images.onReset(field)}
            />
          ) : (
            <ParameterControl
              key={field.id}
              field={field}
              value={props.values[field.id] ?? ''}
              catalogueName={props.catalogueName}
              error={errorFor(field)}
              onChange={(value) => props.onChange(field.id, value)}
            />
          ),
        )}
      </div>
    </section>
  );
}
