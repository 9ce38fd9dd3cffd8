// The MLR review workflow as pure rules: which transitions each status allows, who still has to sign,
// and what a signature does. draft -> submitted -> in_review -> approved | changes_requested | rejected.
// A reviewer may approve a draft directly: that submits it and signs it in one step.
import type { ReviewerRole } from "../shared/vocabulary.ts";
import type { Signature } from "../auth/store.ts";
import { actorOf, type Principal } from "../auth/principal.ts";
import type { ContentStatus } from "./lifecycle.ts";

export type ContentKind = "claim" | "asset";

export type Transition = "submit" | "start_review" | "approve" | "request_changes" | "reject" | "edit";

/** One slot of the review: one signature from any of `roles` fills it. */
export interface RequiredReview {
  roles: ReviewerRole[];
  because: string;
}

export interface ReviewSignature extends Signature {
  /** The roles this signature was given in (the slots it filled). */
  roles: ReviewerRole[];
}

export interface ReviewState {
  required: RequiredReview[];
  signatures: ReviewSignature[];
}

export interface Refusal {
  status: 403 | 409 | 422;
  code: string;
  message: string;
}

const STARTS: Record<Transition, readonly ContentStatus[]> = {
  submit: ["draft"],
  start_review: ["submitted"],
  approve: ["draft", "submitted", "in_review"],
  request_changes: ["submitted", "in_review"],
  reject: ["draft", "submitted", "in_review"],
  edit: ["draft", "approved", "expired", "changes_requested", "rejected", "withdrawn"],
};

const VERB: Record<Transition, string> = {
  submit: "submitted", start_review: "taken into review", approve: "approved", request_changes: "sent back for changes", reject: "rejected", edit: "edited",
};

/** Why `transition` is not allowed from `status` (null when it is). Approval's own problems are separate. */
export function refusalOf(kind: ContentKind, id: string, status: ContentStatus, transition: Transition): Refusal | null {
  if (STARTS[transition].includes(status)) {
    if (kind === "claim" && transition === "edit" && status === "withdrawn") {
      return { status: 422, code: "CLAIM_WITHDRAWN", message: `claim '${id}' has been withdrawn; a withdrawn claim cannot be edited, write a new claim` };
    }
    return null;
  }
  const K = kind.toUpperCase();
  const name = `${kind} '${id}'`;
  const cannot = `${name} cannot be ${VERB[transition]}`;
  switch (status) {
    case "approved":
      return { status: 409, code: `${K}_ALREADY_APPROVED`, message: `${cannot}: it is already approved${transition === "reject" || transition === "request_changes" ? "; edit it to make a new version, or withdraw a claim it uses" : ""}` };
    case "submitted":
    case "in_review":
      if (transition === "submit") return { status: 409, code: `${K}_ALREADY_SUBMITTED`, message: `${cannot}: it is already ${status === "submitted" ? "submitted" : "in review"}` };
      if (transition === "start_review") return { status: 409, code: `${K}_ALREADY_IN_REVIEW`, message: `${cannot}: it is already in review` };
      return { status: 409, code: `${K}_IN_REVIEW`, message: `${cannot}: it is ${status === "submitted" ? "submitted" : "in review"}; a reviewer must request changes before it can be edited` };
    case "draft":
      return { status: 409, code: `${K}_NOT_SUBMITTED`, message: `${cannot}: it is a draft; submit it first` };
    case "changes_requested":
      return { status: 409, code: `${K}_CHANGES_REQUESTED`, message: `${cannot}: changes were requested; edit it (a new version) and submit that` };
    case "rejected":
      if (transition === "reject") return { status: 409, code: `${K}_ALREADY_REJECTED`, message: `${name} was already rejected` };
      return { status: 422, code: `${K}_REJECTED`, message: `${cannot}: it was rejected; edit it to make a new version` };
    case "withdrawn":
      return { status: 422, code: `${K}_WITHDRAWN`, message: `${cannot}: it has been withdrawn` };
    case "expired":
      return { status: 422, code: `${K}_EXPIRED`, message: `${cannot}: it has expired; edit it with a new expiry (re-certification)` };
    case "superseded":
      return { status: 409, code: `${K}_SUPERSEDED`, message: `${cannot}: a newer version replaced it` };
    default: {
      const never: never = status;
      throw new Error(`unknown content status ${String(never)}`);
    }
  }
}

/**
 * The slots no signature has filled yet. Each role a signature was given in fills one slot (the first
 * open one naming it), so one signature never counts twice. Signatures stored before separation of
 * duties could carry several roles; each still fills one slot per role.
 */
export function awaiting(state: ReviewState): RequiredReview[] {
  const open = [...state.required];
  for (const signature of state.signatures) {
    for (const role of signature.roles) {
      const slot = open.findIndex((s) => s.roles.includes(role));
      if (slot >= 0) open.splice(slot, 1);
    }
  }
  return open;
}

/** content.yaml `review.distinctReviewers`: every signature of one version in a role no other signature has. */
export interface Separation {
  distinctReviewers: boolean;
}

export interface Signer {
  /** As written in created_by: `user:<username>`. */
  actor: string;
  userId: string;
  username: string;
  roles: readonly string[];
}

export type Signing = { ok: true; role: ReviewerRole } | { ok: false; refusal: Refusal };

/**
 * Separation of duties, then the one slot a signature fills. The author of a version never signs its
 * approval; a person signs a version once, in one role (an admin or a reviewer holding several roles
 * fills one slot, never all of them); with `distinctReviewers` no role signs twice either.
 */
export function signingSlot(item: { kind: ContentKind; id: string; version: number; author: string }, state: ReviewState, signer: Signer, separation: Separation): Signing {
  const name = `${item.kind} '${item.id}' v${item.version}`;
  if (signer.actor === item.author) {
    return { ok: false, refusal: { status: 403, code: "SEPARATION_OF_DUTIES", message: `${signer.username} wrote ${name}; the author of a version never signs its approval, another reviewer must` } };
  }
  const open = awaiting(state);
  if (state.signatures.some((s) => s.userId === signer.userId)) {
    return { ok: false, refusal: { status: 409, code: `${item.kind.toUpperCase()}_ALREADY_SIGNED`, message: `${signer.username} already signed ${name}; one person fills one review slot, it awaits ${describeAwaiting(open)} from someone else` } };
  }
  const used = new Set(separation.distinctReviewers ? state.signatures.flatMap((s) => s.roles) : []);
  const admin = signer.roles.includes("admin");
  for (const slot of open) {
    const role = slot.roles.find((r) => !used.has(r) && (admin || signer.roles.includes(r)));
    if (role) return { ok: true, role };
  }
  const distinct = separation.distinctReviewers && used.size > 0 ? `; the bundle requires a different role for each signature and ${[...used].join(", ")} already signed` : "";
  return { ok: false, refusal: { status: 403, code: "FORBIDDEN", message: `${name} awaits ${describeAwaiting(open)}; ${signer.username} holds ${signer.roles.join(", ") || "no role"}${distinct}` } };
}

/** After a signature: approved when every slot is filled, else in review. */
export function afterSignature(state: ReviewState, signature: ReviewSignature): { state: ReviewState; status: "approved" | "in_review" } {
  const next = { required: state.required, signatures: [...state.signatures, signature] };
  return { state: next, status: awaiting(next).length === 0 ? "approved" : "in_review" };
}

/** Who is awaited, as a sentence: "reviewer:legal (high risk); one of reviewer:medical, reviewer:legal (low risk)". */
export function describeAwaiting(slots: readonly RequiredReview[]): string {
  return slots.map((s) => `${s.roles.length === 1 ? s.roles[0] : `one of ${s.roles.join(", ")}`} (${s.because})`).join("; ");
}

/** The signing facts of a signed-in person; `actor` is how created_by names them. */
export function signerOf(user: Extract<Principal, { kind: "user" }>): Signer {
  return { actor: actorOf(user), userId: user.id, username: user.username, roles: user.roles };
}
