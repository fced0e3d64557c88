/**
 * DESIGN §2 layering is enforced by lint, not by hope: these run the repo's
 * real ESLint config over small sources placed (virtually) in each folder.
 */
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('layering lint rule', () => {
  test.each([
    ["import { readFileSync } from 'node:fs';", 'a node: built-in'],
    ["import fs from 'fs';", 'a bare built-in'],
    ["import { createHash } from 'crypto';", 'the crypto module'],
    ["import { app } from 'electron';", 'Electron'],
    ["import WebSocket from 'ws';", 'ws'],
    ["import { DeviceService } from '../main/device/service.js';", 'main/'],
    ["import { x } from '../../renderer/app.js';", 'renderer/'],
    ["import { Relay } from '../relay/server.js';", 'relay/'],
  ])('fails when shared/ imports %s (%s)', async (code) => {
    const errors = await layeringErrors('shared/reshare/example.ts', `${code}\n`);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/DESIGN §2|Electron/);
  });

  test('fails when shared/ uses the Buffer global', async () => {
    expect(await layeringErrors('shared/example.ts', "export const b = Buffer.from('x');\n")).toHaveLength(1);
  });

  test('allows shared/ to import its own modules and the protocol libraries', async () => {
    const code = "import { sha256 } from '@noble/hashes/sha2.js';\nimport { RampartError } from '../errors.js';\nexport const x = [sha256, RampartError];\n";
    expect(await layeringErrors('shared/reshare/example.ts', code)).toEqual([]);
  });

  test('fails when renderer/ imports main/ or relay/, and allows shared/', async () => {
    expect(await layeringErrors('renderer/screens/Home.tsx', "import { s } from '../../main/device/service.js';\nexport const x = s;\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/app.ts', "import { r } from '../relay/server.js';\nexport const x = r;\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/app.ts', "import { getSuite } from '../shared/suites.js';\nexport const x = getSuite;\n")).toEqual([]);
  });

  test('allows main/ to use Node built-ins', async () => {
    expect(await layeringErrors('main/device/store.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([]);
  });
});
