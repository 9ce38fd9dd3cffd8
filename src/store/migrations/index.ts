// One migration set for both engines, in order. Each capability adds its own file; names sort.
// Only portable column types: text, integer, double precision; JSON as text; times as ISO text.
import type { Migration, MigrationProvider } from "kysely";
import { m001_gate } from "./001-gate.ts";
import { m002_data } from "./002-data.ts";
import { m003_dispatch } from "./003-dispatch.ts";
import { m004_content } from "./004-content.ts";
import { m005_decision_timing } from "./005-decision-timing.ts";
import { m006_sessions } from "./006-sessions.ts";
import { m007_render } from "./007-render.ts";
import { m008_first_use } from "./008-first-use.ts";
import { m011_identity } from "./011-identity.ts";
import { m012_layers } from "./012-layers.ts";
import { m013_feeds } from "./013-feeds.ts";

export const migrations: Record<string, Migration> = {
  "001_gate": m001_gate,
  "002_data": m002_data,
  "003_dispatch": m003_dispatch,
  "004_content": m004_content,
  "005_decision_timing": m005_decision_timing,
  "006_sessions": m006_sessions,
  "007_render": m007_render,
  "008_first_use": m008_first_use,
  "011_identity": m011_identity,
  "012_layers": m012_layers,
  "013_feeds": m013_feeds,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
