/** Subscribes to device events through `rampart.on`; the latest handlers always run, with one subscription. */
import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../../shared/api.js';
import type { RampartBridge } from '../../../shared/bridge.js';

/** Handlers by event name; absent events are ignored. */
export type EventHandlers = { [E in EventName]?: (payload: EventPayload<E>) => void };

export function useEvents(bridge: RampartBridge, handlers: EventHandlers): void {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(
    () =>
      bridge.on((event, payload) => {
        const handler = ref.current[event] as ((p: typeof payload) => void) | undefined;
        handler?.(payload);
      }),
    [bridge],
  );
}
