/**
 * The typed error tree. Every error keeps its `cause`; handlers map them to results:
 * ConfigError -> bad input (exit 3 / 4xx), CollectionError -> ERROR findings, ActionError -> per-resource
 * failures gathered in the report, NotifyError -> the invocation fails after the report was logged.
 */
export class OpsbotsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration, event or CLI input. `field` names the offending path, e.g. `audits.iam-console-mfa.settings.graceDays`. */
export class ConfigError extends OpsbotsError {
  constructor(
    message: string,
    readonly issues: readonly { field: string; message: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A source could not be read. Collectors never throw it past the run: it becomes an ERROR finding. */
export class CollectionError extends OpsbotsError {
  constructor(
    message: string,
    readonly source: string,
    readonly region: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ActionFailure {
  readonly resource: string;
  readonly action: string;
  readonly code: string;
  readonly message: string;
}

/** One or more remediation steps failed; the others were still attempted. */
export class ActionError extends OpsbotsError {
  constructor(
    message: string,
    readonly failures: readonly ActionFailure[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The report could not be delivered (unverified sender, sandbox recipient, throttled out...). */
export class NotifyError extends OpsbotsError {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The name/code of an AWS SDK error (or any error), for evidence and logs; never the whole object. */
export function errorCode(error: unknown): string {
  if (error instanceof CollectionError || error instanceof NotifyError) return error.code;
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.name, e.Code, e.code]) if (typeof v === 'string' && v !== 'Error') return v;
    // The SDK attaches the raw response (hidden) to a reply it could not parse: say so rather than "unknown".
    if ('$response' in e) return 'MalformedResponse';
  }
  return 'UnknownError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
