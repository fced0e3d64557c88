/**
 * The app window (Electron checklist #2–#4, #6, DESIGN §9): an isolated,
 * sandboxed renderer without Node in any frame or worker, web security on, no
 * insecure content, no <webview>, no spell-check service, no middle-click
 * windows, and nothing dropped on the window navigates it.
 *
 * The options are written inline in the `new BrowserWindow({...})` expression
 * so static scanners (electronegativity) read the real values; the constructor
 * is a parameter so the unit tests capture them without Electron.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** Smallest window the UI is laid out for. */
export const MIN_WIDTH = 1024;
export const MIN_HEIGHT = 700;

/** Inputs of the window's options. */
export interface WindowOptionsInput {
  /** Absolute path of the bundled preload (CommonJS; sandboxed preloads cannot be ES modules). */
  preload: string;
  /** DevTools: on in development, off in packaged builds. */
  devTools: boolean;
}

/** Electron's BrowserWindow constructor, or a stand-in. */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/** Creates the app's one window with `BrowserWindow`. */
export function createAppWindow<W>(BrowserWindow: WindowConstructor<W>, o: WindowOptionsInput): W {
  return new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: 'Rampart',
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      devTools: o.devTools,
    },
  });
}

/** The options `createAppWindow` passes to BrowserWindow. */
export function windowOptions(o: WindowOptionsInput): BrowserWindowConstructorOptions {
  let captured: BrowserWindowConstructorOptions | undefined;
  createAppWindow(
    class {
      constructor(options: BrowserWindowConstructorOptions) {
        captured = options;
      }
    },
    o,
  );
  return captured!;
}
