// The MLR review workflow as pure rules: which transitions each status allows, who still has to sign,
// and what a signature does. draft -> submitted -> in_review -> approved | changes_requested | rejected.
// A reviewer may approve a draft directly: that submits it and signs it in one step.
import type { ReviewerRole } from "../shared/vocabulary.ts";
import type { Signature } from "../auth/store.ts";
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
  status: 409 | 422;
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

/** The slots no signature has filled yet. */
export function awaiting(state: ReviewState): RequiredReview[] {
  const signed = new Set(state.signatures.flatMap((s) => s.roles));
  return state.required.filter((slot) => !slot.roles.some((r) => signed.has(r)));
}

/**
 * The roles a signer signs in: of the open slots, each one they can fill (admin fills every one).
 * Empty when they can fill none.
 */
export function rolesToSign(state: ReviewState, signerRoles: readonly string[]): ReviewerRole[] {
  const admin = signerRoles.includes("admin");
  const roles = new Set<ReviewerRole>();
  for (const slot of awaiting(state)) {
    const mine = admin ? slot.roles[0] : slot.roles.find((r) => signerRoles.includes(r));
    if (mine) roles.add(mine);
  }
  return [...roles];
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
