// Separation of duties for decision reviews, as pure rules: who owns an agent, and whether a person may
// confirm one of its touches. An agent's `owner` is free text ("Dev Patel <dev.patel@example.com>,
// Commercial Excellence", or a username); users have a username and a display name. A person counts as
// the owner when the text names them in any of these ways, case and spacing aside:
//   - the whole text is their username;
//   - an e-mail address in it is their username, or its part before "@" is;
//   - the name before "<" or "," is their display name.
// A namesake therefore counts as the owner too: the rule errs toward asking someone else to confirm.
import type { Refusal } from "../content/workflow.ts";

export interface Person {
  username: string;
  name: string;
}

const fold = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();

export function isAgentOwner(owner: string, person: Person): boolean {
  const username = fold(person.username);
  if (fold(owner) === username) return true;
  for (const email of owner.match(/[^\s<>,;]+@[^\s<>,;]+/g) ?? []) {
    if (fold(email) === username || fold(email.slice(0, email.indexOf("@"))) === username) return true;
  }
  const name = fold(owner.split(/[<,]/, 1)[0] ?? "");
  return name !== "" && name === fold(person.name);
}

/** authority.yaml `review.ownerMayConfirm` (default false): may an agent's owner confirm its touches? */
export function ownerConfirmationRefusal(review: { id: string; agentId: string }, owner: string, person: Person, ownerMayConfirm: boolean): Refusal | null {
  if (ownerMayConfirm || !isAgentOwner(owner, person)) return null;
  return {
    status: 403,
    code: "SEPARATION_OF_DUTIES",
    message: `${person.username} owns agent '${review.agentId}' (owner: ${owner}); an agent's owner does not confirm its touches (authority.yaml review.ownerMayConfirm is off), another reviewer must confirm review ${review.id}`,
  };
}
