/** Hash navigation (#requests, #backups, …): works from file:// (Electron) and http://127.0.0.1 (browser mode) alike. */
import { useCallback, useEffect, useState } from 'react';

/** Every screen, in navigation order. */
export const SCREENS = ['device', 'quorums', 'requests', 'sessions', 'backups', 'log', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

function parse(hash: string): Screen {
  const name = hash.replace(/^#\/?/, '');
  return (SCREENS as readonly string[]).includes(name) ? (name as Screen) : 'device';
}

export function useRoute(): [Screen, (s: Screen) => void] {
  const [screen, setScreen] = useState<Screen>(() => parse(window.location.hash));
  useEffect(() => {
    const onHash = (): void => setScreen(parse(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = useCallback((s: Screen) => {
    window.location.hash = `#${s}`;
  }, []);
  return [screen, go];
}
