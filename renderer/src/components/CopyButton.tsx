/**
 * Copies a value to the clipboard. Falls back to selecting a hidden textarea and
 * execCommand('copy') where the async Clipboard API is unavailable or denied.
 */
import { useState } from 'react';

interface Props {
  value: string;
  /** Accessible name, e.g. "Copy card". */
  label?: string;
  testId?: string;
}

async function copy(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = value;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function CopyButton({ value, label = 'Copy', testId }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const onClick = (): void => {
    void copy(value).then((ok) => {
      setState(ok ? 'copied' : 'failed');
      setTimeout(() => setState('idle'), 2000);
    });
  };
  return (
    <span className="copy">
      <button type="button" onClick={onClick} data-testid={testId}>
        {label}
      </button>
      <span aria-live="polite" className="hint">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text and copy it by hand' : ''}
      </span>
    </span>
  );
}
