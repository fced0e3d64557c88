/** Parsing what a holder types into forms: cards one per line, message hex, thresholds. Pure. */

/** Cards pasted one per line: trimmed, blank lines and `#` comments dropped, duplicates removed (order kept). */
export function parseCardLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || out.includes(line)) continue;
    out.push(line);
  }
  return out;
}

/** A signing message as typed: hex with optional 0x and whitespace, any case → lower-case hex, or why not. */
export function parseMessageHex(text: string, maxBytes = 65536): { hex: string } | { error: string } {
  const hex = text.replace(/\s+/g, '').replace(/^0x/i, '').toLowerCase();
  if (!/^[0-9a-f]*$/.test(hex)) return { error: 'The message must be hexadecimal (0-9, a-f).' };
  if (hex.length % 2 !== 0) return { error: 'The message hex must have an even number of digits (whole bytes).' };
  if (hex.length / 2 > maxBytes) return { error: `The message is longer than ${maxBytes} bytes.` };
  return { hex };
}

/** A threshold field: an integer from 2 to `max`, or why not. */
export function parseThreshold(text: string, max: number): { threshold: number } | { error: string } {
  const t = Number(text);
  if (text.trim() === '' || !Number.isInteger(t)) return { error: 'The threshold must be a whole number.' };
  if (t < 2) return { error: 'The threshold must be at least 2.' };
  if (t > max) return { error: `The threshold cannot exceed the number of members (${max}).` };
  return { threshold: t };
}

/** A file name for an exported backup: "treasury-epoch-3.rampart-backup". */
export function backupFileName(quorumName: string, epoch: number): string {
  const base = quorumName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${base === '' ? 'quorum' : base}-epoch-${epoch}.rampart-backup`;
}
