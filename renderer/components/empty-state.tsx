import { useId, type ReactNode } from 'react';

/** What a page shows before it has content: what will be here and the one thing to do next. */
export function EmptyState(props: { icon: ReactNode; title: string; children: ReactNode; action?: ReactNode }) {
  const titleId = useId();
  return (
    <section className="empty-state" aria-labelledby={titleId}>
      <div className="empty-state__icon">{props.icon}</div>
      <h2 id={titleId} className="empty-state__title">
        {props.title}
      </h2>
      <div className="empty-state__body">{props.children}</div>
      {props.action ? <div className="empty-state__action">{props.action}</div> : null}
    </section>
  );
}
