/**
 * Telling a truncated backup file from a malformed one (DESIGN §6: "truncation
 * → clear error"). When JSON.parse fails, the file is *truncated* iff every
 * character it holds fits the JSON grammar of an object and the text merely
 * stops before that object is closed — the typical result of an interrupted
 * copy, download or sync. Anything else (a stray character, trailing garbage,
 * a file that is not an object at all) is malformed.
 */

/** The grammar position the scanner is at: what may come next. */
type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose';
/** Outcome of scanning one token: complete, cut off by the end of the text, or invalid. */
type Scan = 'ok' | 'eof' | 'bad';

const WS = /[ \t\n\r]/;
const HEX = /^[0-9a-fA-F]*$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** A number that is not complete yet but could still become one. */
const NUMBER_PREFIX = /^-$|^-?(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][+-]?\d*)?$/;
const LITERALS: Record<string, string> = { t: 'true', f: 'false', n: 'null' };

/**
 * True iff `text` is a strict prefix of some valid JSON text whose top-level
 * value is an object (the empty text counts: a file cut off at zero bytes).
 * Linear in the length of the text; allocates nothing per character.
 */
export function isTruncatedJsonObject(text: string): boolean {
  const n = text.length;
  let i = 0;
  const stack: string[] = [];
  let expect: Expect = 'value';

  const scanString = (): Scan => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return 'ok';
      }
      if (c < 0x20) return 'bad';
      if (c === 0x5c) {
        i++;
        if (i >= n) return 'eof';
        const e = text[i] as string;
        if (e === 'u') {
          const hex = text.slice(i + 1, i + 5);
          if (!HEX.test(hex)) return 'bad';
          if (hex.length < 4) return 'eof';
          i += 5;
        } else if ('"\\/bfnrt'.includes(e)) {
          i++;
        } else {
          return 'bad';
        }
        continue;
      }
      i++;
    }
    return 'eof';
  };

  const scanNumber = (): Scan => {
    const start = i;
    while (i < n && /[0-9+\-.eE]/.test(text[i] as string)) i++;
    const token = text.slice(start, i);
    if (i === n) return NUMBER_PREFIX.test(token) ? 'eof' : 'bad';
    return NUMBER.test(token) ? 'ok' : 'bad';
  };

  const scanLiteral = (word: string): Scan => {
    const got = text.slice(i, i + word.length);
    if (!word.startsWith(got)) return 'bad';
    if (got.length < word.length) return 'eof';
    i += word.length;
    return 'ok';
  };

  /** Closes the innermost container with `c`; false if `c` does not match it. */
  const close = (c: string): boolean => {
    const open = stack.pop();
    if ((c === '}' && open !== '{') || (c === ']' && open !== '[')) return false;
    i++;
    expect = 'commaOrClose';
    return true;
  };

  for (;;) {
    while (i < n && WS.test(text[i] as string)) i++;
    // Out of text: truncated iff still inside the object (a closed one would have parsed).
    if (i === n) return stack.length > 0 || expect === 'value';
    const c = text[i] as string;
    // The object closed but more text follows: garbage, not truncation.
    if (stack.length === 0 && expect === 'commaOrClose') return false;
    // The top level must be an object.
    if (stack.length === 0 && c !== '{') return false;
    let scan: Scan = 'ok';
    switch (expect) {
      case 'commaOrClose':
        if (c === ',') {
          expect = stack[stack.length - 1] === '{' ? 'key' : 'value';
          i++;
        } else if (c === '}' || c === ']') {
          if (!close(c)) return false;
        } else {
          return false;
        }
        break;
      case 'colon':
        if (c !== ':') return false;
        expect = 'value';
        i++;
        break;
      case 'keyOrClose':
      case 'key':
        if (expect === 'keyOrClose' && c === '}') {
          if (!close(c)) return false;
          break;
        }
        if (c !== '"') return false;
        scan = scanString();
        expect = 'colon';
        break;
      case 'valueOrClose':
      case 'value':
        if (expect === 'valueOrClose' && c === ']') {
          if (!close(c)) return false;
          break;
        }
        if (c === '{' || c === '[') {
          stack.push(c);
          expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
          i++;
          break;
        }
        if (c === '"') scan = scanString();
        else if (c === '-' || (c >= '0' && c <= '9')) scan = scanNumber();
        else if (LITERALS[c] !== undefined) scan = scanLiteral(LITERALS[c]);
        else return false;
        expect = 'commaOrClose';
        break;
    }
    if (scan === 'eof') return true;
    if (scan === 'bad') return false;
  }
}
