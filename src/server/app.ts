// Assembles the HTTP server: validation from zod schemas, auth, the contract's errors, OpenAPI, and
// one plugin per capability.
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import swagger from "@fastify/swagger";
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../shared/context.ts";
import type { Principal } from "../auth/principal.ts";
import { checkToken } from "../auth/store.ts";
import { haltedAgentMay } from "../auth/halted-agent.ts";
import { isMcpPath, mcpRoutes } from "../mcp/http.ts";
import { AppError, invalid, unauthorized } from "../shared/errors.ts";
import { errorBody, handleError, writeClientError } from "./errors.ts";
import { jsonDepth, MAX_JSON_DEPTH, unstorableFields } from "./hostile-input.ts";
import { resolveLimits, type ServerLimits } from "./limits.ts";
import { OPENAPI_FRAME, ok, OpenApiDocumentSchema, withoutUnusedComponents, withRouterErrors } from "./openapi.ts";
import { healthRoutes } from "./health-routes.ts";
import { userRoutes } from "../auth/routes.ts";
import { agentRoutes } from "../agents/routes.ts";
import { monitorRoutes } from "../monitors/routes.ts";
import { hcpRoutes } from "../hcps/routes.ts";
import { contentRoutes } from "../content/routes.ts";
import { proposalRoutes } from "../gate/routes.ts";
import { reviewRoutes } from "../reviews/routes.ts";
import { governanceRoutes } from "../governance/routes.ts";
import { auditRoutes } from "../audit/routes.ts";
import { eventRoutes } from "../data/routes.ts";
import { metricsRoutes, prometheusRoutes } from "../monitoring/routes.ts";
import { dispatchRoutes } from "../dispatch/routes.ts";
import { sessionRoutes } from "../auth/sessions.ts";
import { portfolioRoutes } from "../console/routes.ts";
import { consolePages } from "../console/pages.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type App = FastifyInstance;

export interface AppOptions {
  logger?: boolean;
  /** Bytes; bigger bodies get 413. */
  bodyLimit?: number;
  /** Sizes and timeouts of one request (src/server/limits.ts); unset ones take the defaults. */
  limits?: Partial<ServerLimits>;
  /** A signed-in session's lifetime (STEWARD_SESSION_TTL). */
  sessionTtlMs?: number;
  /** Fastify's trustProxy: whose X-Forwarded-For names the client (STEWARD_TRUST_PROXY). */
  trustProxy?: boolean | string;
}

export async function buildApp(ctx: Context, options: AppOptions = {}): Promise<FastifyInstance> {
  const limits = resolveLimits({ bodyLimit: options.bodyLimit, ...options.limits });
  const app = Fastify({
    logger: options.logger ? { level: "info" } : false,
    bodyLimit: limits.bodyLimit,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
    // A client that sends its request slowly or not at all loses the connection (408), so a
    // half-sent body cannot hold a connection open; the check runs often enough to keep the deadline.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs / 2) },
    routerOptions: { maxParamLength: limits.maxParamLength },
    trustProxy: options.trustProxy ?? false,
    // Errors Fastify raises before a route runs (a bad URL, a too long parameter) and the HTTP
    // parser's (timeouts, oversized headers) answer in the contract's shape too.
    frameworkErrors: handleError,
    clientErrorHandler: writeClientError,
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API (and a test holds real answers to them); they do not reshape
  // what is sent: every answer is serialized exactly as the handler built it.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody("NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`)));

  // JSON only (anything else is 415), its depth bounded before it is parsed: a body of ten thousand
  // brackets is refused after one cheap pass instead of exhausting the parser's stack.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(new AppError(400, "JSON_TOO_DEEP", `the body nests arrays and objects more than ${MAX_JSON_DEPTH} deep`), undefined);
      return;
    }
    parseJson(req, text, done);
  });

  // Also for paths no route matches (the router would only call a long segment "not found").
  app.addHook("onRequest", async (req) => {
    if (req.url.length > limits.maxUrlLength) throw new AppError(414, "URI_TOO_LONG", `the URL is longer than ${limits.maxUrlLength} characters`);
    const path = req.url.split("?", 1)[0]!;
    if (path.split("/").some((segment) => segment.length > limits.maxParamLength)) {
      throw new AppError(414, "URI_TOO_LONG", `a path segment is longer than ${limits.maxParamLength} characters`);
    }
  });

  await app.register(swagger, { openapi: OPENAPI_FRAME, transform: (route) => withRouterErrors(jsonSchemaTransform(route), route.route.method), transformObject: (doc) => withoutUnusedComponents(jsonSchemaTransformObject(doc) as Parameters<typeof withoutUnusedComponents>[0]) as ReturnType<typeof jsonSchemaTransformObject> });

  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (!(req.url.startsWith("/v1/") || isMcpPath(req.url)) || req.routeOptions.config?.public) return;
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw unauthorized("send Authorization: Bearer <token>");
    const check = await checkToken(ctx.store.db, match[1], ctx.clock.now());
    if (check.kind === "expired") throw new AppError(401, "SESSION_EXPIRED", `the session expired at ${check.expiredAt}; sign in again (POST /v1/sessions)`);
    if (check.kind === "unknown") throw unauthorized("the bearer token is unknown or revoked");
    const principal = check.principal;
    if (principal.kind === "agent" && principal.status === "halted" && !haltedAgentMay(req.method, req.routeOptions.url, req.params, principal.id)) {
      throw new AppError(403, "AGENT_HALTED", `agent ${principal.id} is halted: its key may read only its own status (GET /v1/me, GET /v1/agents/${principal.id}) until it is resumed`);
    }
    req.principal = principal;
  });

  // Text no engine can store is refused for every route, wherever it comes: body, path or query.
  app.addHook("preValidation", async (req) => {
    const problems = [
      ...unstorableFields(req.params, "params").map((p) => ({ ...p, in: "params" })),
      ...unstorableFields(req.query, "querystring").map((p) => ({ ...p, in: "querystring" })),
      ...unstorableFields(req.body, "body").map((p) => ({ ...p, in: "body" })),
    ];
    if (problems.length > 0) throw invalid(`invalid input: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
  });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  await app.register(healthRoutes(ctx));
  await app.register(userRoutes(ctx), { prefix: "/v1" });
  await app.register(agentRoutes(ctx), { prefix: "/v1" });
  await app.register(monitorRoutes(ctx), { prefix: "/v1" });
  await app.register(hcpRoutes(ctx), { prefix: "/v1" });
  await app.register(contentRoutes(ctx), { prefix: "/v1" });
  await app.register(proposalRoutes(ctx), { prefix: "/v1" });
  await app.register(reviewRoutes(ctx), { prefix: "/v1" });
  await app.register(governanceRoutes(ctx), { prefix: "/v1" });
  await app.register(auditRoutes(ctx), { prefix: "/v1" });
  await app.register(eventRoutes(ctx), { prefix: "/v1" });
  await app.register(metricsRoutes(ctx), { prefix: "/v1" });
  await app.register(prometheusRoutes(ctx));
  await app.register(dispatchRoutes(ctx), { prefix: "/v1" });
  await app.register(sessionRoutes(ctx, { ttlMs: options.sessionTtlMs }), { prefix: "/v1" });
  await app.register(portfolioRoutes(ctx), { prefix: "/v1" });
  await app.register(consolePages());
  await app.register(mcpRoutes());
  typed.get("/openapi.json", {
    schema: {
      tags: ["health"], operationId: "getOpenApiDocument", summary: "This OpenAPI document", security: [],
      response: { 200: ok(OpenApiDocumentSchema, "The OpenAPI 3.1 document") },
    },
  }, async () => app.swagger() as unknown as z.infer<typeof OpenApiDocumentSchema>);
  await app.ready();
  return app;
}

/** The authenticated caller of a /v1 route (the onRequest hook guarantees one). */
export function callerOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}
