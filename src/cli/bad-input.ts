import type { ConfigError } from '../scenario/config.js';
import { describeValue, quoteText, safeLine } from './safe-text.js';

/**
 * Bad input to the CLI (a flag, the --config file), reported as exactly one line:
 * `raftrace: <field>: must be <allowed>; got <value>`, then exit 2.
 */
export class BadInput extends Error {
  override readonly name = 'BadInput';

  constructor(field: string, allowed: string, got: unknown, detail?: string) {
    super(`${field}: must be ${allowed}; got ${describeValue(got)}${detail ? ` (${quoteText(detail, 200)})` : ''}`);
  }

  /** A ConfigError from validation, with its field renamed to what the user typed (e.g. `--callers`). */
  static fromConfigError(e: ConfigError, fieldName: (configField: string) => string): BadInput {
    const b = new BadInput(e.field, e.allowed, undefined);
    // The validator's wording of the value is kept exactly; only the field name changes.
    b.message = `${fieldName(e.field)}${e.message.slice(e.field.length)}`;
    return b;
  }
}

/**
 * One safe line, whatever the message holds (JSON parse errors quote the file, commander adds
 * hints, a file may hold ESC sequences): folded, control characters escaped, bounded.
 */
export function oneLine(s: string): string {
  return safeLine(s);
}
