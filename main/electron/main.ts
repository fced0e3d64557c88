/**
 * The desktop app's main process (DESIGN §2, §9): the wiring of the policy
 * modules beside it. One instance per user; the device of the home (as
 * `rampart device run`, without the local RPC server); one window, sandboxed
 * and isolated, showing the built renderer from `app://rampart/`; IPC
 * generated from shared/api.ts; navigation, new windows, remote requests and
 * permissions denied; a native notification when an approval is requested;
 * native dialogs for backup files.
 *
 * The home is `--home=DIR`, else `RAMPART_HOME`, else `<userData>/device`; it
 * must already hold a device (`rampart device init`). The file keystore's
 * passphrase comes from `RAMPART_PASSPHRASE`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, session, shell, type Session, type WebContents } from 'electron';
import type { RequestView } from '../../shared/api.js';
import { isRampartError } from '../../shared/errors.js';
import { runDevice } from '../daemon.js';
import { BACKUP_EXTENSION, fileHandlers, type FileDialogs } from './backup-files.js';
import { SECURITY_HEADERS, withCsp } from './csp.js';
import { hostDevice, type DeviceHost } from './device-host.js';
import { commandHandlers, forwardEvents, registerHandlers, type IpcOptions } from './ipc.js';
import { APP_SCHEME, APP_URL, contentTypeOf, isAllowedNavigation, isAllowedRequest, isPermissionAllowed, isSafeExternalUrl, resolveAppFile } from './policy.js';
import { createAppWindow } from './window-options.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The built renderer (vite output) beside this bundle: dist/renderer. */
const RENDERER_DIR = join(here, '..', 'renderer');
/** The bundled preload (scripts/build-electron.mjs). */
const PRELOAD = join(here, 'preload.cjs');

let win: BrowserWindow | undefined;
let host: DeviceHost | undefined;

function homeDir(): string {
  const flag = process.argv.find((a) => a.startsWith('--home='))?.slice('--home='.length);
  const dir = flag ?? process.env.RAMPART_HOME;
  return resolve(dir !== undefined && dir !== '' ? dir : join(app.getPath('userData'), 'device'));
}

function log(line: string): void {
  process.stderr.write(`rampart: ${line}\n`);
}

/** Serves the built renderer on app://rampart/ with the CSP and nosniff headers. */
async function serveAppFile(request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: SECURITY_HEADERS });
  const file = resolveAppFile(request.url, RENDERER_DIR);
  if (file === null) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
  try {
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, { headers: { ...SECURITY_HEADERS, 'Content-Type': contentTypeOf(file) } });
  } catch {
    return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
  }
}

/** Checklist #5, #7 and "no remote content" for the app's session. */
function secureSession(s: Session): void {
  s.setPermissionRequestHandler((_wc, permission, callback, details) => callback(isPermissionAllowed(permission, details.requestingUrl)));
  s.setPermissionCheckHandler((_wc, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  s.setDevicePermissionHandler(() => false);
  s.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url);
    if (!allowed) log(`blocked a request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
  s.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders) }));
  s.on('will-download', (event) => event.preventDefault());
}

/** Checklist #13–#15 for every webContents the app ever creates. */
function secureContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function showWindow(): void {
  if (win === undefined || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function createWindow(): void {
  win = createAppWindow(BrowserWindow, { preload: PRELOAD, devTools: !app.isPackaged });
  win.once('ready-to-show', showWindow);
  win.on('closed', () => {
    win = undefined;
  });
  void win.loadURL(APP_URL);
}

function notifyRequest(r: RequestView): void {
  if (!Notification.isSupported()) return;
  const titles = { dkg: 'New quorum: approval requested', reshare: 'Reshare: approval requested', sign: 'Signature: approval requested' } as const;
  const n = new Notification({ title: titles[r.kind], body: `${r.summary.slice(0, 200)} (from ${r.initiator.name}, code ${r.sessionCode})` });
  n.on('click', showWindow);
  n.show();
}

const dialogs: FileDialogs = {
  async chooseSavePath(defaultName) {
    const options = {
      title: 'Save backup',
      defaultPath: join(app.getPath('documents'), defaultName),
      filters: [{ name: 'Rampart backup', extensions: [BACKUP_EXTENSION] }],
      properties: ['createDirectory', 'showOverwriteConfirmation'] as ('createDirectory' | 'showOverwriteConfirmation')[],
    };
    const r = win === undefined ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(win, options);
    return r.canceled || r.filePath === undefined || r.filePath === '' ? null : r.filePath;
  },
  async chooseOpenPath() {
    const options = {
      title: 'Open backup',
      filters: [{ name: 'Rampart backup', extensions: [BACKUP_EXTENSION] }],
      properties: ['openFile'] as 'openFile'[],
    };
    const r = win === undefined ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(win, options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
};

async function start(): Promise<void> {
  await app.whenReady();
  secureSession(session.defaultSession);
  protocol.handle(APP_SCHEME, serveAppFile);
  const home = homeDir();
  const passphrase = process.env.RAMPART_PASSPHRASE;
  try {
    host = await hostDevice(() => runDevice(home, { rpc: false, ...(passphrase === undefined ? {} : { passphrase }), onLog: log }));
  } catch (e) {
    const message = isRampartError(e) ? e.message : 'the device could not start';
    log(`cannot open the device at ${home}: ${message}`);
    dialog.showErrorBox('Rampart cannot open its device', `${home}\n\n${message}`);
    app.exit(1);
    return;
  }
  const ipcOptions: IpcOptions = { appUrl: APP_URL, onRefused: (channel, url) => log(`refused ${channel} from ${url ?? 'a closed frame'}`) };
  registerHandlers(ipcMain, new Map([...commandHandlers(host.api, ipcOptions), ...fileHandlers(dialogs, ipcOptions)]));
  forwardEvents(host, (channel, message) => {
    if (win !== undefined && !win.isDestroyed()) win.webContents.send(channel, message);
  });
  const h = host;
  h.on((event, payload) => {
    if (event !== 'requestAdded') return;
    // The holder may turn notifications off in the settings; if they cannot be read, notify.
    void h.api
      .settings({})
      .then((s) => s.notifications, () => true)
      .then((on) => on && notifyRequest(payload as RequestView));
  });
  createWindow();
}

// Before `ready`: the renderer's scheme, sandboxing for every renderer, one instance.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
app.enableSandbox();
app.setAppUserModelId('org.rampart.desktop');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('web-contents-created', (_event, contents) => secureContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (host !== undefined && BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped || host === undefined) return;
    event.preventDefault();
    const h = host;
    host = undefined;
    void h
      .stop()
      .catch((e: unknown) => log(`stopping the device: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
  start().catch((e: unknown) => {
    log(`start-up failed: ${e instanceof Error ? e.message : String(e)}`);
    app.exit(1);
  });
}
