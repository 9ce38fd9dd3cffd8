// Identifiers by scheme: `npi` (US, check digit verified), `onekey` (IQVIA OneKey), `lanr` (German
// lifetime physician number), `rpps` (French RPPS), or any other lowercase word. Pure.
import { z } from "zod";
import { isValidNpi } from "./npi.ts";

export const SchemeSchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, "a scheme is a lowercase word such as npi, onekey, lanr, rpps");

export const IdentifierSchema = z.strictObject({
  scheme: SchemeSchema,
  value: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, "letters, digits, dot, dash, underscore"),
}).superRefine((id, ctx) => {
  const problem = identifierProblem(id.scheme, id.value);
  if (problem) ctx.addIssue({ code: "custom", path: ["value"], message: problem });
});
export type Identifier = z.infer<typeof IdentifierSchema>;

/** What is wrong with a value under its scheme's published format; null when nothing is. */
export function identifierProblem(scheme: string, value: string): string | null {
  switch (scheme) {
    case "npi":
      if (!/^\d{10}$/.test(value)) return "an NPI is 10 digits";
      return isValidNpi(value) ? null : `NPI ${value} fails its check digit (Luhn over the prefix 80840)`;
    case "lanr":
      return /^\d{9}$/.test(value) ? null : "a LANR is 9 digits";
    case "rpps":
      return /^\d{11}$/.test(value) ? null : "an RPPS number is 11 digits";
    default:
      return null;
  }
}

/** `scheme:value` (e.g. `npi:1234567893`), where an HCP id is accepted; null when `ref` is not one. */
export function parseIdentifierRef(ref: string): Identifier | null {
  const m = /^([a-z][a-z0-9_]{0,31}):(.+)$/.exec(ref);
  return m ? { scheme: m[1]!, value: m[2]! } : null;
}

export const formatIdentifier = (id: Identifier) => `${id.scheme}:${id.value}`;
