// What the user and session routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { REVIEWER_ROLES, RoleSchema, type ReviewerRole } from "../shared/vocabulary.ts";
import { InstantOut } from "../server/openapi.ts";

export const ReviewerRoleOut = z.enum(REVIEWER_ROLES as [ReviewerRole, ...ReviewerRole[]]);

export const SignatureOut = z.object({
  userId: z.string(),
  username: z.string(),
  printedName: z.string(),
  signedAt: InstantOut,
  meaning: z.enum(["approved", "rejected", "reviewed"]),
}).meta({ id: "Signature", description: "An electronic signature as recorded: printed name, user id, time, meaning" });

export const ReviewSignatureOut = SignatureOut.extend({
  roles: z.array(ReviewerRoleOut),
  content: z.object({ hash: z.string(), approved: z.object({ assetId: z.string(), version: z.number().int(), hash: z.string() }).nullable() }).optional()
    .describe("The content this signature covered: its hash, and for an asset the approved render it came from"),
});

const UserOut = z.object({ id: z.string(), username: z.string(), name: z.string(), roles: z.array(RoleSchema), createdAt: InstantOut });

export const CreatedUserResponse = z.object({ user: UserOut, token: z.string().describe("The new user's API token, shown once") });

export const MeResponse = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("user"), id: z.string(), username: z.string(), name: z.string(), roles: z.array(RoleSchema) }),
  z.object({ kind: z.literal("agent"), id: z.string(), name: z.string(), status: z.enum(["active", "paused", "halted"]), roles: z.array(z.never()).max(0) }),
]);

export const SessionResponse = z.object({
  token: z.string().describe("A user token for Authorization: Bearer"),
  expiresAt: InstantOut.describe("When the token stops working (STEWARD_SESSION_TTL after sign-in)"),
  user: z.object({ id: z.string(), username: z.string(), name: z.string(), roles: z.array(RoleSchema) }),
});

export const RevokedTokensResponse = z.object({ userId: z.string(), username: z.string(), revoked: z.number().int().describe("Live tokens revoked") });
