/**
 * The device's `status`, refreshed whenever an event may have changed it
 * (quorumUpdated, connectionChanged, backupsObsolete, and logAppended — the
 * device logs every commit, deletion and export), coalesced to one call.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Status } from '../../../shared/api.js';
import type { RampartBridge } from '../../../shared/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { useEvents } from './useEvents.js';

export interface StatusState {
  status: Status | null;
  error: UiError | null;
  refresh: () => void;
}

export function useStatus(bridge: RampartBridge): StatusState {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(() => {
    bridge.status({}).then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (e: unknown) => setError(toUiError(e)),
    );
  }, [bridge]);

  const refresh = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(load, 150);
  }, [load]);

  useEffect(() => {
    load();
    return () => clearTimeout(timer.current);
  }, [load]);

  useEvents(bridge, {
    quorumUpdated: refresh,
    backupsObsolete: refresh,
    logAppended: refresh,
    connectionChanged: ({ connected }) => {
      setStatus((s) => (s === null ? s : { ...s, device: { ...s.device, connected } }));
      refresh();
    },
  });

  return { status, error, refresh };
}
