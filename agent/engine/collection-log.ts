// The run's own log: timestamped, redacted lines kept for collection.log in the archive and echoed to stderr when asked.
import { redact } from '../redact.ts';

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

export class CollectionLog {
  private readonly lines: string[] = [];
  private readonly echo?: (line: string) => void;
  private readonly now: () => Date;

  constructor(echo?: (line: string) => void, now: () => Date = () => new Date()) {
    this.echo = echo;
    this.now = now;
  }

  write(level: LogLevel, message: string): void {
    const line = redact(`${this.now().toISOString()} ${level} ${message}`);
    this.lines.push(line);
    this.echo?.(line);
  }

  info(message: string): void { this.write('INFO', message); }
  warn(message: string): void { this.write('WARN', message); }
  error(message: string): void { this.write('ERROR', message); }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}
