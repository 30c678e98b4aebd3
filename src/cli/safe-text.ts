/** Longest value echoed back in a message, in characters (a 50 MB config once gave a 52 MB "line"). */
export const ECHO_CHARS_MAX = 80;
/** Longest message line printed, in characters. */
export const LINE_CHARS_MAX = 600;

/** C0 and C1 control characters and DEL: never echoed raw (ESC sequences would drive the terminal). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text with every control character written as \uXXXX, cut to `max` characters (…). */
export function quoteText(s: string, max = ECHO_CHARS_MAX): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replace(CONTROL, escape);
}

/**
 * A value from user input as it may appear in a message: bounded, never recursive (a deeply nested
 * config overflowed the stack in JSON.stringify), no control character raw.
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `"${quoteText(v).replace(/"/g, '\\"')}"`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length} item(s)`;
  if (typeof v === 'object') return `an object of ${Object.keys(v).length} key(s)`;
  return typeof v;
}

/** One safe line: newlines folded, control characters escaped, at most LINE_CHARS_MAX characters. */
export function safeLine(s: string): string {
  return quoteText(s.replace(/\s*\n\s*/g, ' ').trim(), LINE_CHARS_MAX);
}
