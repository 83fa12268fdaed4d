import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON line per event. Never pass a secret in any field. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

export function createLogger(serviceName = 'opsbots'): Log {
  return new Logger({ serviceName });
}

/** A logger that keeps lines in memory: for the CLI's quiet mode and for tests that read what was logged. */
export class MemoryLog implements Log {
  readonly lines: { level: string; message: string; data: unknown[] }[] = [];
  private push(level: string, message: unknown, data: unknown[]) {
    this.lines.push({ level, message: String(message), data });
  }
  info = (message: unknown, ...data: unknown[]) => this.push('info', message, data);
  warn = (message: unknown, ...data: unknown[]) => this.push('warn', message, data);
  error = (message: unknown, ...data: unknown[]) => this.push('error', message, data);
  debug = (message: unknown, ...data: unknown[]) => this.push('debug', message, data);
  /** Everything logged, serialised, for assertions such as "the token never appears". */
  text(): string {
    return JSON.stringify(this.lines);
  }
}
