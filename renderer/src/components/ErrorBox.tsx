/** An error as `{code, message, culprit}`, announced to screen readers (role="alert"). */
import type { UiError } from '../lib/errors.js';

interface Props {
  error: UiError;
  /** Resolves a culprit deviceId to a member name, where known. */
  nameOf?: (deviceId: string) => string | undefined;
  title?: string;
}

export function ErrorBox({ error, nameOf, title }: Props) {
  const culpritName = error.culprit === undefined ? undefined : nameOf?.(error.culprit);
  return (
    <div className="error" role="alert" data-testid="error" data-code={error.code}>
      <strong>{title ?? 'Error'}</strong> <code className="code-tag">{error.code}</code>
      <p data-testid="error-message">{error.message}</p>
      {error.culprit !== undefined && (
        <p data-testid="error-culprit">
          Caused by device {culpritName === undefined ? <code>{error.culprit}</code> : <>{culpritName} (<code>{error.culprit}</code>)</>}
        </p>
      )}
    </div>
  );
}
