/** The deepest JSON nesting either surface accepts; no Cadence input comes close to it. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * Whether JSON text nests arrays and objects more than `max` levels deep, found by one scan of the text before
 * it is parsed, so a hostile document never reaches a recursive parser, validator or formatter. Brackets inside
 * strings do not count. The text need not be valid JSON; parsing it is the caller's next step.
 */
export function exceedsJsonDepth(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

export const TOO_DEEP_MESSAGE = `JSON is nested deeper than ${MAX_JSON_DEPTH} levels`;
