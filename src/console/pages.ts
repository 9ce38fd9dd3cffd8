// The console (web/, built by Vite into web/dist) served by Steward itself at `/`: hashed assets with a
// long cache, every other page path answered with index.html (the console routes in the browser).
import { existsSync, statSync } from "node:fs";
import { dirname, extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import fastifyStatic from "@fastify/static";
import { errorBody } from "../server/errors.ts";

export const CONSOLE_DIST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../web/dist");

/** Paths that belong to the API: never answered with the console's page. */
const API_PATHS = /^\/(v1|openapi\.json|healthz|readyz|metrics)(\/|$|\?)/;

/** Mantine sets inline styles (CSS variables), so style-src allows them; scripts come only from here. */
const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Steward console</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The console is not built</h1>
<p>Steward serves its console from <code>web/dist</code>, which does not exist yet. Run <code>npm run build:web</code>
(or <code>npm start</code>, which builds it first), then reload this page. The API is available at <code>/v1</code>.</p>
</body></html>`;

export interface ConsolePagesOptions {
  /** The built console; defaults to web/dist in this repository. */
  root?: string;
}

export const consolePages = (options: ConsolePagesOptions = {}): FastifyPluginAsync => async (app) => {
  const root = resolve(options.root ?? CONSOLE_DIST_DIR);
  await app.register(fastifyStatic, { root, serve: false });

  const built = () => existsSync(resolve(root, "index.html"));
  const page = (reply: FastifyReply) => {
    reply.headers({ ...SECURITY_HEADERS, "cache-control": "no-cache" });
    if (!built()) return reply.code(503).type("text/html; charset=utf-8").send(NOT_BUILT);
    return reply.sendFile("index.html", root, { cacheControl: false });
  };

  app.get("/", { schema: { hide: true } }, async (_req, reply) => page(reply));
  app.get("/*", { schema: { hide: true } }, async (req, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(req.url.split("?")[0] ?? "/");
    } catch {
      return reply.code(400).send(errorBody("MALFORMED_REQUEST", "the path is not valid percent-encoding"));
    }
    if (API_PATHS.test(path)) return reply.code(404).send(errorBody("NOT_FOUND", `no route ${req.method} ${path}`));
    const file = resolve(root, "." + path);
    const hidden = path.split("/").some((segment) => segment.startsWith("."));
    if (!hidden && file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
      reply.headers(SECURITY_HEADERS);
      // Vite names every built asset by its content hash: it never changes under its name.
      const hashed = path.startsWith("/assets/");
      return reply.sendFile(path.slice(1), root, hashed ? { maxAge: "365d", immutable: true } : { maxAge: 0 });
    }
    // A file that is not there is a 404; any other path is a page of the console.
    if (extname(path)) return reply.code(404).send(errorBody("NOT_FOUND", `no file ${path}`));
    return page(reply);
  });
};
