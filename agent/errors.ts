// Error types: each says what failed, where, and what to do; only the CLI turns them into exit codes.
export type ErrorCode =
  | 'CSE_USAGE'
  | 'CSE_ROOT_INVALID'
  | 'CSE_OUTPUT_INVALID'
  | 'CSE_OUTPUT_EXISTS'
  | 'CSE_SINK_FAILED';

export class CollectorError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.hint = hint;
  }
  override get name(): string { return 'CollectorError'; }
}

/** The command line itself is wrong: nothing was read or written. */
export class UsageError extends CollectorError {
  constructor(message: string, hint?: string) { super('CSE_USAGE', message, hint); }
  override get name(): string { return 'UsageError'; }
}
