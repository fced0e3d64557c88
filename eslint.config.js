// @ts-check
/**
 * Lint, including the layering rules of DESIGN §2 (vscode's `code-layering`
 * idea with ESLint's own no-restricted-imports):
 * - shared/ is pure TypeScript: no Node built-ins, Electron, ws, native
 *   modules, DOM frameworks, and nothing from main/, renderer/ or relay/;
 * - renderer/ never imports main/ or relay/ (it only talks to window.rampart).
 */
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

/** Relative imports that climb into a sibling layer, e.g. '../main/x.js' or '../../relay/y.js'. */
const layerImport = (layers) => ({
  regex: `^(\\.\\./)+(${layers.join('|')})(/|$)`,
  message: `DESIGN §2: this layer must not import ${layers.join('/, ')}/.`,
});

const sharedRestrictions = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'DESIGN §2: shared/ runs everywhere; no Node built-ins.' })),
    ...['electron', 'ws', 'better-sqlite3', '@napi-rs/keyring', 'react', 'react-dom'].map((name) => ({
      name,
      message: 'DESIGN §2: shared/ is pure TypeScript; this belongs in main/, relay/ or renderer/.',
    })),
  ],
  patterns: [
    { regex: '^node:', message: 'DESIGN §2: shared/ runs everywhere; no Node built-ins.' },
    { regex: '^electron(/|$)', message: 'DESIGN §2: no Electron in shared/.' },
    layerImport(['main', 'renderer', 'relay']),
  ],
};

const rendererRestrictions = {
  paths: [{ name: 'electron', message: 'DESIGN §9: the renderer only talks to window.rampart.' }],
  patterns: [layerImport(['main', 'relay'])],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'test/e2e/screenshots/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', sharedRestrictions],
      // Buffer and process are Node globals; shared/ must not touch them either.
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require', '__dirname', '__filename'],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', rendererRestrictions] },
  },
);
