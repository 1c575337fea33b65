// Small labelled controls for the service form: a text field, and a write-only secret that shows only its hint.
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  /** The sentence main gave for this field, if the last save failed on it. */
  error?: string | undefined;
  type?: 'text' | 'password' | 'url' | 'number';
  placeholder?: string;
  mono?: boolean;
  autoFocus?: boolean;
  name?: string;
}

export function TextField(props: FieldProps) {
  const id = useId();
  const hintId = useId();
  const describedBy = props.hint || props.error ? hintId : undefined;
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        className={`input${props.mono ? ' input--mono' : ''}`}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        spellCheck={false}
        autoComplete={props.type === 'password' ? 'new-password' : 'off'}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy}
        autoFocus={props.autoFocus}
        // The dialog moves focus here once it opens (showModal would otherwise focus its close button).
        data-autofocus={props.autoFocus ? true : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {describedBy ? (
        <div id={hintId} className={props.error ? 'field__error' : 'field__hint'}>
          {props.error ?? props.hint}
        </div>
      ) : null}
    </div>
  );
}

/**
 * A secret that main keeps: when one is stored (or was found in a paste) only its hint shows, with "Replace";
 * replacing opens an empty password field. The stored value itself never reaches this window.
 */
export function SecretField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** e.g. "Token stored ••••a1b2", or undefined when none is stored. */
  stored?: string | undefined;
  replacing: boolean;
  onReplace: () => void;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  if (props.stored && !props.replacing) {
    return (
      <div className="field">
        <span className="field__label">{props.label}</span>
        <div className="secret-stored">
          <span className="secret-stored__text" data-testid="secret-stored">
            {props.stored}
          </span>
          <button type="button" className="button button--small" onClick={props.onReplace}>
            {t('services.form.replace')}
          </button>
        </div>
        {props.error ? <div className="field__error">{props.error}</div> : null}
      </div>
    );
  }
  return (
    <TextField
      label={props.label}
      type="password"
      value={props.value}
      onChange={props.onChange}
      hint={props.hint}
      error={props.error}
      autoFocus={props.replacing}
      mono
    />
  );
}
