#!/usr/bin/env node
/**
 * Electronegativity (Doyensec's Electron security scanner) over the desktop
 * shell's source, main/electron/ (it parses TypeScript), or `--input PATH`.
 * Prints every finding; exits 1 on any HIGH finding or on a file it could not
 * parse (unscanned code is not clean code), 0 otherwise.
 *
 * Runs the scanner's programmatic entry: its CLI does not start with the
 * commander version npm resolves. Offline: AvailableSecurityFixesGlobalCheck
 * (which downloads Electron's release list) is excluded; the Electron version
 * comes from node_modules/electron. The scanner still tries, once, to fetch
 * updated translations (1 s timeout); that message is suppressed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

const at = process.argv.indexOf('--input');
const input = at === -1 ? join(root, 'main', 'electron') : resolve(process.argv[at + 1]);

const log = console.log;
console.log = () => undefined; // the scanner's own chatter (translations, progress)
let result;
try {
  result = await run({
    input,
    electronVersionOverride: electronVersion,
    isRelative: true,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });
} finally {
  console.log = log;
}

const rank = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };
const issues = [...result.issues].sort((a, b) => rank[b.severity.name] - rank[a.severity.name] || a.file.localeCompare(b.file));
for (const i of issues) {
  const review = i.manualReview ? ' (review)' : '';
  log(`${i.severity.name.padEnd(13)} ${i.confidence.name.padEnd(9)} ${i.id}  ${i.file}:${i.location.line}  ${i.description}${review}`);
}
const unparsed = result.errors.filter((e) => !e.tolerable);
for (const e of unparsed) log(`PARSE-ERROR   ${e.file}: ${e.message}`);
const high = issues.filter((i) => i.severity.name === 'HIGH');
log(
  `electronegativity ${electronVersion ? `(Electron ${electronVersion}) ` : ''}on ${input}: ${result.atomicChecks + result.globalChecks} checks, ` +
    `${issues.length} findings, ${high.length} HIGH, ${unparsed.length} unparsed files`,
);
if (high.length > 0 || unparsed.length > 0) process.exitCode = 1;
