/**
 * `<home>/ui-url` (browser mode, DESIGN §9): the address of a running
 * device's browser UI, `http://127.0.0.1:PORT/#token=…`. The token rides in
 * the fragment, which a browser never sends to a server, so it stays out of
 * requests, server logs and Referer headers; the page takes it from
 * `location.hash` and removes it from the address bar. Written atomically
 * with mode 0600 next to rpc.json (it holds the same token) for a launcher
 * or a test to read, removed when the daemon stops.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../keystore/atomic.js';

/** The file name inside the device home. */
export const UI_URL_FILE = 'ui-url';

/** The UI address for `port`, with `token` in the fragment. */
export function uiUrl(port: number, token: string): string {
  return `http://127.0.0.1:${port}/#token=${token}`;
}

/** The origin the UI runs in: the only Origin its WebSocket is accepted from. */
export function uiOrigin(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** Writes ui-url (temp file + rename, mode 0600). */
export async function writeUiUrl(home: string, url: string): Promise<void> {
  await writeFileAtomic(home, UI_URL_FILE, new TextEncoder().encode(`${url}\n`));
}

/** Removes ui-url if it still holds `url` (a newer daemon's file is left alone). */
export async function removeUiUrl(home: string, url: string): Promise<void> {
  const current = await readFile(join(home, UI_URL_FILE), 'utf8').catch(() => undefined);
  if (current?.trim() === url) await unlink(join(home, UI_URL_FILE)).catch(() => undefined);
}
