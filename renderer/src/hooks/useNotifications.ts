/**
 * Desktop notifications for new requests (Notification API), when the holder
 * enabled them in Settings (stored in localStorage) and the platform permits.
 */
import { useCallback, useState } from 'react';
import type { RequestView } from '../../../shared/api.js';

const KEY = 'rampart.notifications';

/** 'unsupported' where the Notification API does not exist. */
export type NotificationPermissionState = NotificationPermission | 'unsupported';

export interface NotificationsState {
  enabled: boolean;
  permission: NotificationPermissionState;
  setEnabled: (on: boolean) => void;
  notify: (r: RequestView) => void;
}

function readEnabled(): boolean {
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return false;
  }
}

function currentPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function useNotifications(): NotificationsState {
  const [enabled, setEnabledState] = useState(readEnabled);
  const [permission, setPermission] = useState(currentPermission);

  const setEnabled = useCallback((on: boolean) => {
    setEnabledState(on);
    try {
      localStorage.setItem(KEY, on ? 'on' : 'off');
    } catch {
      // Storage may be unavailable (private mode); the toggle then lasts for this window only.
    }
    if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      Notification.requestPermission().then(setPermission, () => setPermission(currentPermission()));
    }
  }, []);

  const notify = useCallback(
    (r: RequestView) => {
      if (!enabled || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      try {
        const n = new Notification('Rampart: approval requested', { body: `${r.summary}\nFrom ${r.initiator.name} · code ${r.sessionCode}`, tag: r.id });
        n.onclick = () => {
          window.focus();
          window.location.hash = '#requests';
        };
      } catch {
        // Some platforms only allow notifications from a service worker; the in-app banner still shows.
      }
    },
    [enabled],
  );

  return { enabled, permission, setEnabled, notify };
}
