// The one place errors become HTTP: the contract's shape, a 4xx for anything the caller did,
// and never a stack trace on the wire.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError } from "../shared/errors.ts";

export function errorBody(code: string, message: string, details?: unknown) {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

export function handleError(error: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
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
  const fe = error as FastifyError;
  switch (fe.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return reply.code(400).send(errorBody("MALFORMED_JSON", `the body is not valid JSON: ${fe.message}`));
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return reply.code(413).send(errorBody("BODY_TOO_LARGE", `the body exceeds the limit of ${req.routeOptions.bodyLimit ?? "?"} bytes`));
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return reply.code(415 as 400).send(errorBody("UNSUPPORTED_MEDIA_TYPE", "send JSON with Content-Type: application/json"));
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return reply.code(400).send(errorBody("MALFORMED_REQUEST", fe.message));
  }
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return reply.code(fe.statusCode).send(errorBody(fe.code ?? "BAD_REQUEST", fe.message));
  }
  req.log.error({ err: error }, "unexpected error");
  return reply.code(500).send(errorBody("INTERNAL", "an unexpected error occurred; it has been logged"));
}
