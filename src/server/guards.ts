// Route guards run before body validation: a caller without the right learns 403, not a list of
// field errors about a body it may not send at all.
import type { FastifyRequest } from "fastify";
import type { Role } from "../shared/vocabulary.ts";
import { requireAgent, requireRole, requireUser } from "../auth/principal.ts";
import { callerOf } from "./app.ts";

export const allow = (...roles: Role[]) => async (req: FastifyRequest) => {
  requireRole(callerOf(req), ...roles);
};

export const reader = async (req: FastifyRequest) => {
  requireUser(callerOf(req));
};

export const agentOnly = async (req: FastifyRequest) => {
  requireAgent(callerOf(req));
};
