// Errors as typed values at the boundary; the server maps them to HTTP once (server/errors.ts).
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 414 | 415 | 422 | 429;

export interface FieldProblem {
  field: string;
  message: string;
  line?: number;
  column?: number;
  file?: string;
}

export class AppError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const invalid = (message: string, details?: FieldProblem[]) => new AppError(400, "INVALID_INPUT", message, details);
export const unauthorized = (message = "a valid bearer token is required") => new AppError(401, "UNAUTHORIZED", message);
export const forbidden = (message: string) => new AppError(403, "FORBIDDEN", message);
export const notFound = (what: string, id: string) => new AppError(404, "NOT_FOUND", `${what} '${id}' does not exist`);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const refused = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);

/** A refusal the caller may retry after `retryAfterSeconds` (sent as Retry-After). */
export class RetryLater extends AppError {
  constructor(code: string, message: string, readonly retryAfterSeconds: number) {
    super(429, code, message, { retryAfterSeconds });
    this.name = "RetryLater";
  }
}
