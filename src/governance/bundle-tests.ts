// The bundle's own unit tests (tests/*.yaml): each case is a proposal the authority matrix is asked
// about, with the outcome the bundle's owner expects. A bundle whose tests fail is not activated.
import { channelOf, type ActionType, type Purpose, type ReviewerRole } from "../shared/vocabulary.ts";
import { evaluateAuthority } from "./authority.ts";
import type { AuthorityOutcome, Bundle, BundleTestCase, ConditionInput, Tunable } from "./bundle.ts";
import { thresholdsInForce } from "../agents/thresholds.ts";

export interface BundleTestActual {
  authority: AuthorityOutcome;
  reviewers: readonly ReviewerRole[];
  /** Ids of the rules that spoke, in bundle order. */
  rules: readonly string[];
}

export interface BundleTestFailure {
  file: string;
  name: string;
  expected: BundleTestCase["expect"];
  actual: BundleTestActual;
}

export interface BundleTestReport {
  passed: number;
  failed: BundleTestFailure[];
}

/** Tests run at a fixed moment (a Monday morning, UTC) so a condition on `now` gives the same answer every run. */
export const BUNDLE_TEST_NOW_MS = Date.parse("2026-01-05T10:00:00.000Z");

export function runBundleTests(bundle: Bundle): BundleTestReport {
  const failed: BundleTestFailure[] = [];
  for (const testCase of bundle.tests) {
    const verdict = evaluateAuthority(bundle.authority, conditionInputOf(testCase, undefined, bundle.authority.tunables));
    const actual: BundleTestActual = {
      authority: verdict.outcome,
      reviewers: verdict.reviewers,
      rules: verdict.spoke.map((rule) => rule.id),
    };
    if (!meets(testCase.expect, actual)) {
      failed.push({ file: testCase.file, name: testCase.name, expected: testCase.expect, actual });
    }
  }
  return { passed: bundle.tests.length - failed.length, failed };
}

function meets(expected: BundleTestCase["expect"], actual: BundleTestActual): boolean {
  return (
    expected.authority === actual.authority &&
    (expected.reviewers === undefined || sameSet(expected.reviewers, actual.reviewers)) &&
    (expected.rules === undefined || sameSet(expected.rules, actual.rules))
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

/** An MI answer is medical by nature; every other action is most often promotional. */
function defaultPurpose(action: ActionType): Purpose {
  return action === "mi_response" ? "medical" : "promotional";
}

/**
 * The input a test case stands for. What a case leaves out gets the value a real decision would most
 * plausibly see: a known agent of middle priority, no confidence or expected value, and no content
 * unless the case describes some.
 */
export function conditionInputOf(testCase: BundleTestCase, now: Date = new Date(BUNDLE_TEST_NOW_MS), tunables: Readonly<Record<string, Tunable>> = {}): ConditionInput {
  const { proposal, hcp, agent, content } = testCase;
  const channel = proposal.channel ?? channelOf(proposal.action);
  const assetId = content ? (proposal.assetId ?? "test-asset") : (proposal.assetId ?? null);
  return {
    proposal: {
      action: proposal.action,
      purpose: proposal.purpose ?? defaultPurpose(proposal.action),
      channel,
      confidence: proposal.confidence ?? null,
      expectedValue: proposal.expectedValue ?? null,
      assetId,
    },
    hcp: {
      id: "test-hcp",
      market: hcp.market,
      specialty: hcp.specialty ?? "general practice",
      segment: hcp.segment ?? null,
      attributes: {},
    },
    agent: {
      id: "test-agent",
      owner: agent?.owner ?? "agent.owner@example.com",
      priority: agent?.priority ?? 50,
      thresholds: thresholdsInForce(tunables, agent?.thresholds),
    },
    content: content
      ? {
          id: assetId ?? "test-asset",
          riskClass: content.riskClass ?? "low",
          product: content.product ?? null,
          comparative: content.comparative ?? false,
          market: hcp.market,
          channel,
        }
      : null,
    now,
  };
}
