/** Stable codes for misuse and capacity errors raised by the shared-memory layer. */
export type ShmErrorCode =
  | 'RT_NAME_INVALID'
  | 'RT_CAPACITY_INVALID'
  | 'RT_LAYOUT_MISMATCH'
  | 'RT_REGISTRY_FULL'
  | 'RT_INSTANCE_IDS_EXHAUSTED'
  | 'RT_WAIT_TIMEOUT'
  | 'RT_LOCK_MISUSE';

/** A named error with a stable `code`; the message names the field and what is allowed. */
export class ShmError extends Error {
  override readonly name = 'ShmError';
  constructor(
    readonly code: ShmErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}
