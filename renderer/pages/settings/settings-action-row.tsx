import { useId, type ReactNode } from 'react';

/**
 * A settings row whose control is a button. Unlike SettingsRow it has no <label>: a label would become the button's
 * accessible name and hide what the button does ("Open logs folder" would be announced as "Logs").
 */
export function SettingsActionRow(props: { title: string; hint: string; children: (hintId: string) => ReactNode }) {
  const hintId = useId();
  return (
    <div className="settings-row">
      <div className="settings-row__text">
        <p className="settings-row__label">{props.title}</p>
        <p className="settings-row__hint" id={hintId}>
          {props.hint}
        </p>
      </div>
      <div className="settings-row__control">{props.children(hintId)}</div>
    </div>
  );
}
