// The development set of OPDP-cited claims and label-faithful statements (test/fixtures/opdp-dev-set.yaml):
// its shape and a loader. The evaluation itself is pure (eval.ts).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { PROMOTION_CATEGORIES } from "./categories.ts";

export const DEV_SET_FILE = resolve(import.meta.dirname, "../../../test/fixtures/opdp-dev-set.yaml");

const ItemSchema = z.object({
  id: z.string(),
  product: z.string(),
  kind: z.enum(["cited", "described", "guidance", "label"]),
  source: z.string(),
  section: z.string().optional(),
  category: z.enum(PROMOTION_CATEGORIES).optional(),
  text: z.string().min(1),
});
export const DevSetSchema = z.object({
  sources: z.record(z.string(), z.record(z.string(), z.unknown())),
  products: z.record(z.string(), z.object({ names: z.array(z.string()), indications: z.array(z.string()).min(1) })),
  items: z.array(ItemSchema).superRefine((items, ctx) => {
    items.forEach((item, i) => {
      if ((item.kind === "label") === (item.category !== undefined)) ctx.addIssue({ code: "custom", path: [i, "category"], message: `${item.id}: a label statement has no category; every other item has one` });
    });
  }),
});
export type DevSet = z.infer<typeof DevSetSchema>;
export type DevItem = DevSet["items"][number];

export function loadDevSet(file = DEV_SET_FILE): DevSet {
  const set = DevSetSchema.parse(parse(readFileSync(file, "utf8")));
  for (const item of set.items) {
    if (!set.sources[item.source]) throw new Error(`${item.id}: unknown source '${item.source}'`);
    if (!set.products[item.product]) throw new Error(`${item.id}: unknown product '${item.product}'`);
  }
  return set;
}
