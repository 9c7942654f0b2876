/**
 * One base class for every error the project raises on purpose.
 * Callers branch on `code` (stable, documented) and `retryable`, never on message text.
 */
export type NsfErrorOptions = {
  /** What went wrong, in one sentence a user can act on. */
  shortMessage: string;
  /** Optional extra lines: offending values, what to do next. */
  details?: string;
  /** True when the same call may succeed later without changing its input. */
  retryable?: boolean;
  cause?: unknown;
};

export class NsfError extends Error {
  override readonly name: string = "NsfError";
  readonly code: string;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly retryable: boolean;

  constructor(code: string, options: NsfErrorOptions) {
    super(options.details ? `${options.shortMessage}\n${options.details}` : options.shortMessage, {
      cause: options.cause,
    });
    this.code = code;
    this.shortMessage = options.shortMessage;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

/** Malformed input to a pure function (a format, an id, a config): never retryable. */
export class InvalidFormatError extends NsfError {
  override readonly name = "InvalidFormatError";
  constructor(what: string, value: unknown, rule: string) {
    super("NSF_INVALID_FORMAT", {
      shortMessage: `Invalid ${what}: ${rule}`,
      details: `received: ${safePreview(value)}`,
    });
  }
}

function safePreview(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
