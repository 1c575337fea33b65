// A render error in one page must not blank the whole window: the sidebar stays usable and the page offers a retry.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

function PageFailed(props: { message: string; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="alert alert--page" role="alert">
      <h1 className="alert__title">{t('errors.pageTitle')}</h1>
      <p>{t('errors.pageBody')}</p>
      <pre className="alert__detail">{props.message}</pre>
      <button type="button" className="button" onClick={props.onRetry}>
        {t('errors.retry')}
      </button>
    </div>
  );
}

type State = { error: Error | null };

export class PageErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('A page failed to render', error, info.componentStack);
  }

  override render() {
    if (this.state.error) {
      return <PageFailed message={this.state.error.message} onRetry={() => this.setState({ error: null })} />;
    }
    return this.props.children;
  }
}
