/** `rampart demo` (DESIGN §7) runs the whole story and reports it as one JSON object. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';

describe('rampart demo', () => {
  test('creates, signs, refreshes, restructures to 3-of-4 and signs; every signature verifies under one key', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'main/cli/bin.ts', 'demo', '--json'], { timeout: 90_000 });
    const r = JSON.parse(stdout) as {
      autoApproval: string;
      quorum: { groupPublicKey: string; threshold: number; epoch: number };
      refresh: { epoch: number; groupPublicKey: string };
      restructure: { epoch: number; threshold: number; groupPublicKey: string };
      signatures: { signature: string; epoch: number; text: string; plainVerify: boolean }[];
    };
    expect(r.autoApproval).toBe('demo only');
    expect(r.quorum).toMatchObject({ threshold: 2, epoch: 0 });
    expect(r.refresh).toMatchObject({ epoch: 1, groupPublicKey: r.quorum.groupPublicKey });
    expect(r.restructure).toMatchObject({ epoch: 2, threshold: 3, groupPublicKey: r.quorum.groupPublicKey });
    expect(r.signatures.map((s) => s.epoch)).toEqual([0, 1, 2]);
    for (const s of r.signatures) {
      // Checked here again with the plain verifier, independent of what the demo reported.
      expect(ed25519.verify(hexToBytes(s.signature), new TextEncoder().encode(s.text), hexToBytes(r.quorum.groupPublicKey))).toBe(true);
    }
  }, 120_000);
});
