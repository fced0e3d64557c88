/**
 * Operations this holder started (createQuorum, reshare, sign). Each command
 * resolves only when its session ends, so they are tracked here — pending,
 * done with a result line, or failed with `{code, message, culprit}` — and
 * shown until dismissed.
 */
import { useCallback, useRef, useState } from 'react';
import { toUiError, type UiError } from '../lib/errors.js';

/** One operation as the Quorums screen lists it. */
export interface Operation {
  id: number;
  label: string;
  quorumId: string | null;
  startedAt: number;
  state: 'pending' | 'done' | 'failed';
  result: string | null;
  /** A value worth copying (a signature). */
  copyable: string | null;
  error: UiError | null;
}

export interface OperationsState {
  operations: Operation[];
  /** Starts `task`; `describe` turns its result into a line (and optionally a value to copy). */
  run: <T>(label: string, quorumId: string | null, task: () => Promise<T>, describe: (result: T) => { line: string; copy?: string }) => void;
  dismiss: (id: number) => void;
}

export function useOperations(): OperationsState {
  const [operations, setOperations] = useState<Operation[]>([]);
  const nextId = useRef(1);

  const update = (id: number, patch: Partial<Operation>): void => setOperations((ops) => ops.map((o) => (o.id === id ? { ...o, ...patch } : o)));

  const run = useCallback<OperationsState['run']>((label, quorumId, task, describe) => {
    const id = nextId.current++;
    setOperations((ops) => [{ id, label, quorumId, startedAt: Date.now(), state: 'pending', result: null, copyable: null, error: null }, ...ops]);
    task().then(
      (r) => {
        const d = describe(r);
        update(id, { state: 'done', result: d.line, copyable: d.copy ?? null });
      },
      (e: unknown) => update(id, { state: 'failed', error: toUiError(e) }),
    );
  }, []);

  const dismiss = useCallback((id: number) => setOperations((ops) => ops.filter((o) => o.id !== id)), []);

  return { operations, run, dismiss };
}
