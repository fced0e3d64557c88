/** The progress view's sessions: seeded from the recent log, then folded from sessionProgress and logAppended events. */
import { useEffect, useState } from 'react';
import type { RampartBridge } from '../../../shared/bridge.js';
import { applyLogEntry, applyProgress, type SessionRecord } from '../lib/sessions.js';
import { useEvents } from './useEvents.js';

/** How many recent log entries seed the view at start-up. */
const SEED_ENTRIES = 300;

/** `reload` changes when the log should be read again (the link to the device came back). */
export function useSessions(bridge: RampartBridge, reload = 0): readonly SessionRecord[] {
  const [sessions, setSessions] = useState<readonly SessionRecord[]>([]);

  useEffect(() => {
    let live = true;
    bridge.log({}).then(
      (records) => {
        if (!live) return;
        const recent = [...records].sort((a, b) => a.seq - b.seq).slice(-SEED_ENTRIES);
        setSessions((current) => recent.reduce<readonly SessionRecord[]>((acc, e) => applyLogEntry(acc, e), current));
      },
      () => undefined, // The log screen reports log errors; progress simply starts empty.
    );
    return () => {
      live = false;
    };
  }, [bridge, reload]);

  useEvents(bridge, {
    logAppended: (e) => setSessions((s) => applyLogEntry(s, e)),
    sessionProgress: (p) => setSessions((s) => applyProgress(s, p, Date.now())),
  });

  return sessions;
}
