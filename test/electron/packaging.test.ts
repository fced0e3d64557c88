/**
 * The packaging configuration (build/electron-builder.yml), checked without
 * building: electron-builder's own schema accepts it, the fuses of DESIGN §9
 * are set, only the built app is packed, and the icon is a valid 512×512 PNG.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync('build/electron-builder.yml', 'utf8')) as Record<string, unknown>;

describe('electron-builder configuration', () => {
  test('passes electron-builder’s schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  test('names the app, packs the shell and renderer into an asar, and starts dist/electron/main.js', () => {
    expect(config).toMatchObject({ appId: 'org.rampart.desktop', productName: 'Rampart', asar: true, extraMetadata: { main: 'dist/electron/main.js' } });
    expect(config.files).toEqual(['dist/electron/**', 'dist/renderer/**', '!dist/**/*.map', 'package.json']);
  });

  test('sets the fuses of packaged builds', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  test('builds AppImage and deb, dmg, and an NSIS installer', () => {
    expect(config).toMatchObject({ linux: { target: ['AppImage', 'deb'] }, mac: { target: 'dmg' }, win: { target: 'nsis' } });
  });

  test('the icon is a valid 512×512 RGBA PNG', () => {
    const png = readFileSync('build/icons/512x512.png');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([512, 512, 8, 6]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    expect(inflateSync(png.subarray(41, 41 + idatLength))).toHaveLength((512 * 4 + 1) * 512);
  });
});
