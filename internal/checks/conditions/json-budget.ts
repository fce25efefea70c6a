/**
 * MAX_JSON_CONTAINERS bounds the arrays and objects a body may hold for `$` conditions to
 * read it. JSON.parse's cost is mostly theirs: a megabyte of `[[],[],…]` (333,000 arrays)
 * takes ~150 ms, an ordinary megabyte of records (25,000 objects) ~20 ms. At 50,000 the worst
 * body costs about what an ordinary megabyte does, so one target cannot stall a worker.
 */
export const MAX_JSON_CONTAINERS = 50_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;

/**
 * tooManyContainers tells whether `text` opens more than `max` arrays and objects, brackets
 * inside strings aside. One pass, no allocation: a few ms for a megabyte. It does not check
 * that the text is JSON; JSON.parse does that after it.
 */
export function tooManyContainers(text: string, max = MAX_JSON_CONTAINERS): boolean {
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      containers += 1;
      if (containers > max) return true;
    }
  }
  return false;
}
