// The SDK package keeps its one dev tool (openapi-typescript, for regenerating its wire types) in its own
// node_modules: it asks for a TypeScript peer the root does not use. `npm test` makes sure it is there,
// so the suite runs on a fresh machine after a plain `npm ci`.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "node_modules", "openapi-typescript", "package.json"))) {
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
}
