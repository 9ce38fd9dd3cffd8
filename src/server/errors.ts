// The one place errors become HTTP: the contract's shape, a 4xx for anything the caller did,
// and never a stack trace on the wire.
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, RetryLater } from "../shared/errors.ts";

export function errorBody(code: string, message: string, details?: unknown) {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Fastify's own client errors, named in the contract's words: [status, code, message]. */
function clientError(fe: FastifyError, req: FastifyRequest): [number, string, string] | null {
  switch (fe.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return [400, "MALFORMED_JSON", `the body is not valid JSON: ${fe.message}`];
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return [413, "BODY_TOO_LARGE", `the body exceeds the limit of ${req.routeOptions?.bodyLimit ?? "?"} bytes`];
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return [415, "UNSUPPORTED_MEDIA_TYPE", "send JSON with Content-Type: application/json"];
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return [400, "MALFORMED_REQUEST", fe.message];
    case "FST_ERR_MAX_PARAM_LENGTH":
      return [414, "URI_TOO_LONG", "a path parameter is too long"];
    case "FST_ERR_BAD_URL":
      return [400, "MALFORMED_URL", "the URL is not validly percent-encoded UTF-8"];
  }
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Named after the status ("Method Not Allowed" → METHOD_NOT_ALLOWED), not after Fastify's internals.
    const name = (STATUS_CODES[fe.statusCode] ?? "Bad Request").toUpperCase().replace(/[^A-Z]+/g, "_");
    return [fe.statusCode, name, fe.message];
  }
  return null;
}

export function handleError(error: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof RetryLater) reply.header("retry-after", String(error.retryAfterSeconds));
  if (error instanceof AppError) {
    return reply.code(error.status).send(errorBody(error.code, error.message, error.details));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? "body";
    const details = error.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, "").replaceAll("/", ".") || where,
      message: v.message ?? "invalid",
      in: where,
    }));
    const summary = details.map((d) => `${d.field}: ${d.message}`).join("; ");
    return reply.code(400).send(errorBody("INVALID_INPUT", `invalid ${where}: ${summary}`, details));
  }
  const known = clientError(error as FastifyError, req);
  if (known) return reply.code(known[0]).send(errorBody(known[1], known[2]));
  req.log.error({ err: error }, "unexpected error");
  return reply.code(500).send(errorBody("INTERNAL", "an unexpected error occurred; it has been logged"));
}

/** What the HTTP parser refuses before Fastify sees a request, answered in the contract's shape. */
function parserError(err: NodeJS.ErrnoException): [number, string, string] {
  switch (err.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [408, "REQUEST_TIMEOUT", "the request did not arrive in time; the connection is closed"];
    case "HPE_HEADER_OVERFLOW":
      return [431, "HEADERS_TOO_LARGE", "the request's headers are too large"];
    default:
      return [400, "MALFORMED_REQUEST", "the request is not valid HTTP"];
  }
}

export function writeClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] = parserError(err);
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
