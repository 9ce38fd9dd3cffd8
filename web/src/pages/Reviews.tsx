// Review queues by role, with deadlines. One review: the proposal, its reasons, the content rendered
// with its claims highlighted; approve or reject with an electronic signature.
import { useEffect, useMemo, useState } from "react";
import { Alert, Badge, Button, Grid, Group, Paper, SegmentedControl, Stack, Table, Tabs, Text, Title, UnstyledButton } from "@mantine/core";
import { useApi, type Api } from "../api.ts";
import { hasRole, useSession } from "../session.tsx";
import { Empty, ErrorAlert, Field, Loading, OutcomeBadge, PageHeader, ReasonCode, StatusBadge } from "../components/common.tsx";
import { SignatureDialog } from "../components/dialogs.tsx";
import { RenderedText } from "../components/RenderedContent.tsx";
import { formatTime, relativeTo } from "../format.ts";
import { Link } from "../router.tsx";
import { REVIEWER_ROLES, type Asset, type Claim, type Decision, type DecisionDetail, type Reason, type Review, type ReviewerRole } from "../types.ts";

type StatusFilter = "open" | "approved" | "rejected" | "cancelled";

export function ReviewsPage() {
  const { api, session } = useSession();
  const roles = REVIEWER_ROLES.filter((r) => hasRole(session.user, r));
  const [role, setRole] = useState<ReviewerRole | null>(roles[0] ?? null);
  const [status, setStatus] = useState<StatusFilter>("open");
  const [selected, setSelected] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const queue = useApi<{ reviews: Review[] }>(api, role ? `/v1/reviews?status=${status}&role=${encodeURIComponent(role)}&limit=200` : null);
  // The queue lists reviews; what they are about (action, content) is on their decisions.
  const pending = useApi<{ decisions: Decision[] }>(api, "/v1/decisions?outcome=pending_review&limit=1000");
  const counts = useRoleCounts(api, roles, queue.data);
  const decisions = useMemo(() => new Map((pending.data?.decisions ?? []).map((d) => [d.id, d])), [pending.data]);

  useEffect(() => setSelected(null), [role, status]);
  const reviews = queue.data?.reviews ?? [];
  const current = reviews.find((r) => r.id === selected) ?? null;

  return (
    <>
      <PageHeader title="Reviews" description="Actions the decision-authority matrix routed to a person. Approval re-checks eligibility at that moment; every approval and rejection is electronically signed." />
      {result && (
        <Alert color="teal" mb="md" withCloseButton onClose={() => setResult(null)} role="status" title="Signed">
          {result}
        </Alert>
      )}
      <Tabs value={role} onChange={(v) => setRole(v as ReviewerRole)}>
        <Tabs.List mb="md">
          {roles.map((r) => (
            <Tabs.Tab key={r} value={r} rightSection={counts[r] !== undefined ? <Badge size="xs" variant="light" color={counts[r] ? "orange" : "gray"}>{counts[r]}</Badge> : null}>
              {r.replace("reviewer:", "")}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group mb="sm" justify="space-between">
        <SegmentedControl
          aria-label="Review status"
          value={status}
          onChange={(v) => setStatus(v as StatusFilter)}
          data={[
            { value: "open", label: "Open" },
            { value: "approved", label: "Approved" },
            { value: "rejected", label: "Rejected" },
            { value: "cancelled", label: "Cancelled" },
          ]}
        />
        <Button variant="default" size="xs" onClick={() => { queue.reload(); pending.reload(); }}>
          Refresh
        </Button>
      </Group>
      <ErrorAlert error={queue.error} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Paper withBorder radius="md">
            {queue.loading && !queue.data && <Loading label="Loading the queue" />}
            {queue.data && reviews.length === 0 && <Empty title={`No ${status} reviews for ${role ?? "your roles"}`}>Nothing waits for you here.</Empty>}
            {reviews.length > 0 && (
              <Table.ScrollContainer minWidth={340}>
                <Table highlightOnHover aria-label={`${status} reviews for ${role}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Review</Table.Th>
                      <Table.Th>Deadline</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {reviews.map((r) => {
                      const d = decisions.get(r.decisionId);
                      return (
                        <Table.Tr key={r.id} className={r.id === selected ? "row-selected" : undefined}>
                          <Table.Td>
                            <UnstyledButton onClick={() => setSelected(r.id)} aria-pressed={r.id === selected} aria-label={`Open review ${r.id}`} data-review={r.id}>
                              <Text size="sm" fw={600} c="indigo.8" td="underline">
                                {d ? `${d.action} (${d.purpose})` : "action"} · {r.agentId} → {r.hcpId}
                              </Text>
                            </UnstyledButton>
                            <Text size="xs" c="dimmed">
                              awaits {r.awaiting.map((a) => a.replace("reviewer:", "")).join(", ") || "—"} · <span className="mono">{r.id.slice(0, 16)}</span>
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Deadline review={r} />
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          {current ? (
            <ReviewDetail
              key={current.id}
              review={current}
              onSigned={(message) => {
                setResult(message);
                setSelected(null);
                queue.reload();
                pending.reload();
              }}
            />
          ) : (
            <Paper withBorder radius="md">
              <Empty title="Select a review">The proposal, its reasons and the content it would send appear here.</Empty>
            </Paper>
          )}
        </Grid.Col>
      </Grid>
    </>
  );
}

/** Open reviews per role, for the tabs' counters. */
function useRoleCounts(api: Api, roles: readonly ReviewerRole[], refreshedWith: unknown): Partial<Record<ReviewerRole, number>> {
  const [counts, setCounts] = useState<Partial<Record<ReviewerRole, number>>>({});
  const key = roles.join(",");
  useEffect(() => {
    let live = true;
    Promise.all(roles.map((r) => api.get<{ reviews: Review[] }>(`/v1/reviews?status=open&role=${encodeURIComponent(r)}&limit=1000`).then((b) => [r, b.reviews.length] as const)))
      .then((entries) => live && setCounts(Object.fromEntries(entries)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, key, refreshedWith]);
  return counts;
}

function Deadline({ review }: { review: Review }) {
  if (review.status !== "open") return <StatusBadge status={review.status} />;
  const left = new Date(review.dueAt).getTime() - Date.now();
  const color = left < 0 ? "red" : left < 12 * 3600_000 ? "orange" : "gray";
  return (
    <Stack gap={0}>
      <Badge color={color} variant={left < 0 ? "filled" : "light"} tt="none" styles={{ root: { overflow: "visible", minWidth: "fit-content" }, label: { overflow: "visible" } }}>
        {left < 0 ? `overdue ${relativeTo(review.dueAt)}` : `due ${relativeTo(review.dueAt)}`}
      </Badge>
      <Text size="xs" c="dimmed">
        {formatTime(review.dueAt, true)}
      </Text>
    </Stack>
  );
}

function ReviewDetail({ review, onSigned }: { review: Review; onSigned: (message: string) => void }) {
  const { api, session } = useSession();
  const decision = useApi<DecisionDetail>(api, `/v1/decisions/${encodeURIComponent(review.decisionId)}`);
  // The review itself carries what will be sent, byte for byte: the asset's render for this HCP or the action's own text.
  const full = useApi<{ review: Review }>(api, `/v1/reviews/${encodeURIComponent(review.id)}`);
  const content = full.data?.review.content ?? null;
  const assetId = decision.data?.assetId ?? null;
  const asset = useApi<{ asset: Asset }>(api, assetId ? `/v1/assets/${encodeURIComponent(assetId)}` : null);
  // The modules, and the library claims its copy restates.
  const claims = useClaims(api, [...new Set([...(asset.data?.asset.claims ?? []), ...(asset.data?.asset.claimSpans ?? []).map((s) => s.claimId)])]);
  // What the dialog signs stays set while it closes, so its title does not change under the fade.
  const [meaning, setMeaning] = useState<"approved" | "rejected">("approved");
  const [signingOpen, setSigningOpen] = useState(false);
  const signing = signingOpen ? meaning : null;
  const setSigning = (m: "approved" | "rejected" | null) => {
    if (m) setMeaning(m);
    setSigningOpen(m !== null);
  };
  const mine = review.awaiting.filter((r) => hasRole(session.user, r));
  const d = decision.data;
  const proposal = (d?.proposal ?? {}) as Record<string, unknown>;

  const sign = async (signature: { password: string; meaning: "approved" | "rejected" | "reviewed" }, reason: string) => {
    if (signing === "approved") {
      const res = await api.post<{ review: Review; decision: { outcome: string; reasons: Reason[] } | null }>(`/v1/reviews/${encodeURIComponent(review.id)}/approve`, { signature });
      onSigned(
        res.decision
          ? `Approved review ${review.id}. Re-checked now, the decision is ${res.decision.outcome.replace("_", " ")} (${res.decision.reasons.map((r) => r.code).join(", ")}).`
          : `Signed review ${review.id}; it still awaits ${res.review.awaiting.join(", ")}.`,
      );
    } else {
      await api.post(`/v1/reviews/${encodeURIComponent(review.id)}/reject`, { reason, signature });
      onSigned(`Rejected review ${review.id}; the decision is rejected.`);
    }
  };

  return (
    <Paper withBorder radius="md" p="md" aria-label={`Review ${review.id}`}>
      <Stack>
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h4">
              {d ? `${d.action} for ${d.hcpId}` : "Review"}
            </Title>
            <Text size="xs" c="dimmed" className="mono">
              review {review.id} · decision <Link href={`/decisions/${encodeURIComponent(review.decisionId)}`}>{review.decisionId}</Link>
            </Text>
          </div>
          <Deadline review={review} />
        </Group>
        <ErrorAlert error={decision.error} />
        {!d && decision.loading && <Loading label="Loading the proposal" />}
        {d && (
          <>
            <Group gap="xl" component="dl" m={0} wrap="wrap">
              <Field label="Agent">{d.agentId}</Field>
              <Field label="HCP">{d.hcpId}</Field>
              <Field label="Action">
                {d.action} · {d.purpose} · {d.channel}
              </Field>
              <Field label="Confidence">{proposal.confidence === undefined || proposal.confidence === null ? "—" : String(proposal.confidence)}</Field>
              <Field label="Expected value">{proposal.expectedValue === undefined || proposal.expectedValue === null ? "—" : String(proposal.expectedValue)}</Field>
              <Field label="Decided">{formatTime(d.decidedAt)}</Field>
              <Field label="Now">
                <OutcomeBadge outcome={d.outcome} />
              </Field>
            </Group>
            {typeof proposal.rationale === "string" && proposal.rationale && (
              <Field label="The agent's rationale">
                <Text size="sm" fs="italic">
                  “{proposal.rationale}”
                </Text>
              </Field>
            )}
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
                Reasons
              </Text>
              <Stack gap={6}>
                {d.reasons.map((r, i) => (
                  <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
                    <ReasonCode code={r.code} ruleId={r.ruleId} />
                    <Text size="sm">{r.message}</Text>
                  </Group>
                ))}
              </Stack>
            </div>
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
                Content
              </Text>
              <ErrorAlert error={full.error ?? asset.error} />
              {!full.data && full.loading && <Loading label="Loading the content" />}
              {full.data && content === null && (
                <Text size="sm" c="dimmed">
                  This action sends no text to the HCP.
                </Text>
              )}
              {content && (
                <Stack gap={4}>
                  <RenderedText
                    subject={content.subject}
                    text={content.text}
                    safetyInfo={asset.data?.asset.safetyInfo ?? null}
                    claims={claims}
                    label={assetId ? `Content from asset ${assetId}, as it will be sent` : "Content of the action, as it will be sent"}
                  />
                  <Text size="xs" c="dimmed">
                    {assetId ? `Asset ${assetId}, rendered for ${review.hcpId}. ` : "Written by the agent. "}
                    Your signature covers this exact text: SHA-256 <span className="mono" data-content-hash>{content.hash}</span>
                  </Text>
                </Stack>
              )}
            </div>
          </>
        )}
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
            Signatures
          </Text>
          <Text size="sm">
            Required: {review.roles.join(", ")}. {review.awaiting.length > 0 ? `Awaiting: ${review.awaiting.join(", ")}.` : ""}
          </Text>
          {review.signatures.map((s, i) => (
            <Text key={i} size="sm">
              {s.printedName} ({s.username}) — {s.meaning}, {formatTime(s.signedAt)} {s.roles ? `as ${s.roles.join(", ")}` : ""}
            </Text>
          ))}
          {review.reason && <Text size="sm">Reason: {review.reason}</Text>}
        </div>
        {review.status === "open" &&
          (mine.length > 0 ? (
            <Group>
              <Button color="teal" onClick={() => setSigning("approved")} disabled={!d}>
                Approve…
              </Button>
              <Button color="red" variant="light" onClick={() => setSigning("rejected")} disabled={!d}>
                Reject…
              </Button>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              You hold none of the awaited roles.
            </Text>
          ))}
      </Stack>
      <SignatureDialog
        opened={signingOpen}
        title={meaning === "approved" ? `Approve ${d?.action ?? "action"} for ${review.hcpId}` : `Reject ${d?.action ?? "action"} for ${review.hcpId}`}
        signer={session.user}
        meaning={meaning}
        needsReason={meaning === "rejected"}
        onClose={() => setSigning(null)}
        onSign={sign}
      >
        <Text size="sm">
          You sign as {mine.join(", ")} for review <code>{review.id}</code>.
          {meaning === "approved" ? " On the last signature the proposal is decided again now: consent, content and caps are re-checked." : ""}
        </Text>
      </SignatureDialog>
    </Paper>
  );
}

/** The claims an asset uses, by id. */
export function useClaims(api: Api, ids: readonly string[]): Map<string, Claim> {
  const [claims, setClaims] = useState<Map<string, Claim>>(new Map());
  const key = ids.join(",");
  useEffect(() => {
    let live = true;
    Promise.all(ids.map((id) => api.get<{ claim: Claim }>(`/v1/claims/${encodeURIComponent(id)}`).then((b) => b.claim).catch(() => null))).then(
      (list) => live && setClaims(new Map(list.filter((c): c is Claim => c !== null).map((c) => [c.id, c]))),
    );
    return () => {
      live = false;
    };
  }, [api, key]);
  return claims;
}
