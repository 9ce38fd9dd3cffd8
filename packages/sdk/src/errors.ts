// Errors the SDK throws: the contract's `{error: {code, message, details}}` as a typed value, and a
// network failure (no answer at all) kept apart from it.

/** Field-level detail of a 400 (API.md: `details` lists each bad field). */
export interface FieldProblem {
  field: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** The server answered with an error status. */
export class StewardError extends Error {
  override readonly name = "StewardError";
  constructor(
    /** HTTP status: 400, 401, 403, 404, 409, 413, 422, 429 or 5xx. */
    readonly status: number,
    /** The contract's machine-readable code, e.g. `INVALID_INPUT`, `IDEMPOTENCY_KEY_REUSED`. */
    readonly code: string,
    message: string,
    /** Whatever the server attached: a list of field problems for 400s, a reference for 409s... */
    readonly details: unknown,
    /** `METHOD /path` of the failed request. */
    readonly request: string,
    /** How many attempts were made before giving up (1 when the error was not retryable). */
    readonly attempts: number,
  ) {
    super(message);
  }

  /** The per-field problems of a 400, or an empty list. */
  get problems(): FieldProblem[] {
    return Array.isArray(this.details) ? (this.details as FieldProblem[]).filter((d) => d && typeof d === "object" && "field" in d) : [];
  }

  /** Worth trying again later (rate limited or a server-side failure). */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** No answer: the connection failed, was reset, or timed out. The request may or may not have been processed. */
export class StewardNetworkError extends Error {
  override readonly name = "StewardNetworkError";
  constructor(message: string, readonly request: string, readonly attempts: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Reads an error answer; a body that is not the contract's shape (a proxy's HTML page) still gives a code. */
export function toStewardError(status: number, body: unknown, request: string, attempts: number): StewardError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (e && typeof e.code === "string") {
    return new StewardError(status, e.code, typeof e.message === "string" ? e.message : e.code, e.details, request, attempts);
  }
  const text = typeof body === "string" ? body.slice(0, 200) : "";
  return new StewardError(status, `HTTP_${status}`, `${request} answered ${status}${text ? `: ${text}` : ""}`, undefined, request, attempts);
}
