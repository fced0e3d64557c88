/**
 * Entry point. Order matters: zod's jitless switch before any schema is built,
 * then browser mode's bridge (a no-op in Electron, where the preload already
 * defined window.rampart), then the app and its stylesheet (emitted as a file, CSP-safe).
 */
import './zod-jitless.js';
import './platform/install.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './App.js';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
