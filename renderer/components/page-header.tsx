import type { ReactNode } from 'react';

/** The top of every page: its one <h1>, a line saying what the page is for, and the page's main actions. */
export function PageHeader(props: { title: string; subtitle?: string; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div className="page-header__text">
        <h1 className="page-header__title">{props.title}</h1>
        {props.subtitle ? <p className="page-header__subtitle">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-header__actions">{props.actions}</div> : null}
    </header>
  );
}
