/** Requests awaiting this holder's decision: loaded once, then kept current by requestAdded / requestRemoved. */
import { useCallback, useEffect, useState } from 'react';
import type { RequestView } from '../../../shared/api.js';
import type { RampartBridge } from '../../../shared/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { useEvents } from './useEvents.js';

export interface RequestsState {
  requests: RequestView[];
  error: UiError | null;
  refresh: () => void;
}

export function useRequests(bridge: RampartBridge, onAdded?: (r: RequestView) => void): RequestsState {
  const [requests, setRequests] = useState<RequestView[]>([]);
  const [error, setError] = useState<UiError | null>(null);

  const refresh = useCallback(() => {
    bridge.requests({}).then(
      (rs) => {
        setRequests(rs);
        setError(null);
      },
      (e: unknown) => setError(toUiError(e)),
    );
  }, [bridge]);

  useEffect(refresh, [refresh]);

  useEvents(bridge, {
    requestAdded: (r) => {
      setRequests((rs) => [...rs.filter((x) => x.id !== r.id), r]);
      onAdded?.(r);
    },
    requestRemoved: ({ id }) => setRequests((rs) => rs.filter((x) => x.id !== id)),
    connectionChanged: ({ connected }) => {
      if (connected) refresh();
    },
  });

  return { requests, error, refresh };
}
