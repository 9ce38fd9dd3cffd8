// One migration set for both engines, in order. Each capability adds its own file; names sort.
// Only portable column types: text, integer, double precision; JSON as text; times as ISO text.
import type { Migration, MigrationProvider } from "kysely";
import { m001_gate } from "./001-gate.ts";

export const migrations: Record<string, Migration> = {
  "001_gate": m001_gate,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
