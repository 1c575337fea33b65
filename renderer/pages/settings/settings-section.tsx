import { useId, type ReactNode } from 'react';

export function SettingsSection(props: { title: string; children: ReactNode }) {
  const titleId = useId();
  return (
    <section className="card settings-section" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

/** One labelled control with its explanation, laid out as a settings row. */
export function SettingsRow(props: { label: string; hint: string; children: (ids: RowIds) => ReactNode }) {
  const controlId = useId();
  const hintId = useId();
  return (
    <div className="settings-row">
      <div className="settings-row__text">
        <label className="settings-row__label" htmlFor={controlId}>
          {props.label}
        </label>
        <p className="settings-row__hint" id={hintId}>
          {props.hint}
        </p>
      </div>
      <div className="settings-row__control">{props.children({ controlId, hintId })}</div>
    </div>
  );
}

export interface RowIds {
  controlId: string;
  hintId: string;
}
