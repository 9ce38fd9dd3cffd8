// Assembles the HTTP server: validation from zod schemas, auth, the contract's errors, OpenAPI, and
// one plugin per capability.
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import swagger from "@fastify/swagger";
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../shared/context.ts";
import type { Principal } from "../auth/principal.ts";
import { resolveToken } from "../auth/store.ts";
import { unauthorized } from "../shared/errors.ts";
import { errorBody, handleError } from "./errors.ts";
import { OPENAPI_FRAME, ok, OpenApiDocumentSchema, withoutUnusedComponents, withRouterErrors } from "./openapi.ts";
import { healthRoutes } from "./health-routes.ts";
import { userRoutes } from "../auth/routes.ts";
import { agentRoutes } from "../agents/routes.ts";
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
}

export async function buildApp(ctx: Context, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: "info" } : false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Deeply nested or huge-keyed JSON is refused by the parser rather than walked.
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
    // Ids in paths are up to 200 characters (the routes' schemas); longer ones get 414. A URL the router
    // cannot decode or a too-long id is answered in the contract's shape like every other error.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: handleError,
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API (and a test holds real answers to them); they do not reshape
  // what is sent: every answer is serialized exactly as the handler built it.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody("NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`)));

  await app.register(swagger, { openapi: OPENAPI_FRAME, transform: (route) => withRouterErrors(jsonSchemaTransform(route)), transformObject: (doc) => withoutUnusedComponents(jsonSchemaTransformObject(doc) as Parameters<typeof withoutUnusedComponents>[0]) as ReturnType<typeof jsonSchemaTransformObject> });

  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (!req.url.startsWith("/v1/") || req.routeOptions.config?.public) return;
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw unauthorized("send Authorization: Bearer <token>");
    const principal = await resolveToken(ctx.store.db, match[1]);
    if (!principal) throw unauthorized("the bearer token is unknown or revoked");
    req.principal = principal;
  });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  await app.register(healthRoutes(ctx));
  await app.register(userRoutes(ctx), { prefix: "/v1" });
  await app.register(agentRoutes(ctx), { prefix: "/v1" });
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
  await app.register(sessionRoutes(ctx), { prefix: "/v1" });
  await app.register(portfolioRoutes(ctx), { prefix: "/v1" });
  await app.register(consolePages());
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
