// A scheduled installation could not be made, removed or read: says what and what to do; the schedule command turns it into exit 1.
export class ScheduleError extends Error {
  readonly hint?: string;

  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
  override get name(): string { return 'ScheduleError'; }
}
