// One decision's full explanation: every check with what it relied on, every rule that spoke, the
// bundle and content versions, the consent evidence, the review and what happened after.
import { Fragment, type ReactNode } from "react";
import { Badge, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useApi } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorAlert, Field, JsonBlock, Loading, OutcomeBadge, PageHeader, ReasonCode, StatusBadge } from "../components/common.tsx";
import { formatDuration, formatTime, humanize, shortHash } from "../format.ts";
import { Link } from "../router.tsx";
import type { CheckResult, DecisionDetail, Signature } from "../types.ts";

const CHECK_LABEL: Record<string, string> = {
  agent: "Agent status and scope",
  expiry: "Proposal expiry",
  hcp: "HCP identity",
  freshness: "Data freshness",
  consent: "Consent",
  content: "Content eligibility",
  authority: "Decision authority",
  contact: "Contact policy",
};

export function DecisionPage({ id }: { id: string }) {
  const { api } = useSession();
  const decision = useApi<DecisionDetail>(api, `/v1/decisions/${encodeURIComponent(id)}`);
  const d = decision.data;
  const check = (name: string) => d?.checks.find((c) => c.check === name);
  const content = check("content")?.evidence as { asset?: { id: string; version: number }; claims?: { id: string; version: number; status?: string }[]; assetId?: string | null } | undefined;
  const consent = check("consent")?.evidence as Record<string, unknown> | undefined;
  const authority = check("authority")?.evidence as { outcome?: string; rules?: string[]; reviewers?: string[] } | undefined;
  const resolution = d?.resolution as { signatures?: Signature[]; recheckedAt?: string; reason?: string; outcome?: string } | null | undefined;

  return (
    <>
      <PageHeader title="Decision" description={<span className="mono">{id}</span>} actions={<Link href="/decisions">← All decisions</Link>} />
      <ErrorAlert error={decision.error} />
      {!d && decision.loading && <Loading label="Loading the decision" />}
      {d && (
        <Stack>
          <Paper withBorder p="md" radius="md">
            <Group gap="sm" mb="sm">
              <OutcomeBadge outcome={d.outcome} size="md" />
              {d.initialOutcome && d.initialOutcome !== d.outcome && (
                <Text size="sm" c="dimmed">
                  first decided <strong>{humanize(d.initialOutcome)}</strong>, resolved {formatTime(d.resolvedAt)}
                </Text>
              )}
              {d.scheduledFor && <Text size="sm">scheduled for {formatTime(d.scheduledFor)}</Text>}
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md" component="dl" m={0}>
              <Field label="Agent">{d.agentId}</Field>
              <Field label="HCP">{d.hcpId}</Field>
              <Field label="Action">
                {d.action} · {d.purpose} · {d.channel}
              </Field>
              <Field label="Decided">{formatTime(d.decidedAt)}</Field>
              <Field label="Governance bundle version">
                <Code title={d.bundleVersion}>{shortHash(d.bundleVersion, 16)}</Code>
              </Field>
              <Field label="Content version">
                {content?.asset ? (
                  <>
                    <Code>{content.asset.id}</Code> v{content.asset.version}
                    {content.claims && content.claims.length > 0 && (
                      <Text size="xs" c="dimmed">
                        claims {content.claims.map((c) => `${c.id} v${c.version}`).join(", ")}
                      </Text>
                    )}
                  </>
                ) : d.assetId ? (
                  <Code>{d.assetId}</Code>
                ) : (
                  "no content"
                )}
              </Field>
              <Field label="Consent evidence">{consent ? <ConsentEvidence evidence={consent} /> : "—"}</Field>
              <Field label="Idempotency key">
                <Code>{d.idempotencyKey}</Code>
              </Field>
            </SimpleGrid>
          </Paper>

          <Paper withBorder p="md" radius="md">
            <Title order={2} size="h4" mb="xs">
              Reasons
            </Title>
            <Stack gap={6}>
              {d.reasons.map((r, i) => (
                <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
                  <ReasonCode code={r.code} ruleId={r.ruleId} />
                  <Text size="sm">{r.message}</Text>
                </Group>
              ))}
            </Stack>
            {authority && (
              <Text size="sm" mt="sm">
                Decision authority: <StatusBadge status={authority.outcome ?? "—"} />{" "}
                {authority.rules && authority.rules.length > 0 ? (
                  <>
                    rules that spoke:{" "}
                    {authority.rules.map((r, i) => (
                      <Fragment key={r}>
                        {i > 0 && ", "}
                        <Code>{r}</Code>
                      </Fragment>
                    ))}
                  </>
                ) : (
                  "no rule spoke; the bundle's default applied"
                )}
                {authority.reviewers && authority.reviewers.length > 0 ? ` · reviewers: ${authority.reviewers.join(", ")}` : ""}
              </Text>
            )}
          </Paper>

          <Paper withBorder radius="md">
            <Title order={2} size="h4" p="md" pb={0}>
              Every check
            </Title>
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="sm" aria-label="Checks">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Check</Table.Th>
                    <Table.Th>Result</Table.Th>
                    <Table.Th>Reasons</Table.Th>
                    <Table.Th>What it relied on</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.checks.map((c) => (
                    <CheckRow key={c.check} check={c} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>

          {resolution && (
            <Paper withBorder p="md" radius="md">
              <Title order={2} size="h4" mb="xs">
                Review
              </Title>
              {d.reviewId && (
                <Text size="sm">
                  Review <Code>{d.reviewId}</Code>
                  {resolution.recheckedAt ? `, re-checked ${formatTime(resolution.recheckedAt)}` : ""}
                  {resolution.reason ? ` — “${resolution.reason}”` : ""}
                </Text>
              )}
              {(resolution.signatures ?? []).map((s, i) => (
                <Text key={i} size="sm">
                  Signed by {s.printedName} ({s.username}), meaning <strong>{s.meaning}</strong>, {formatTime(s.signedAt)}
                  {s.roles ? ` as ${s.roles.join(", ")}` : ""}
                </Text>
              ))}
            </Paper>
          )}

          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Paper withBorder p="md" radius="md">
              <Title order={2} size="h4" mb="xs">
                The proposal
              </Title>
              <JsonBlock value={d.proposal} label="The proposal as the agent sent it" />
            </Paper>
            <Paper withBorder p="md" radius="md">
              <Title order={2} size="h4" mb="xs">
                What happened after
              </Title>
              {(d.outcomes ?? []).length === 0 ? (
                <Text size="sm" c="dimmed">
                  No outcome events (delivered, opened, accepted…) are linked to this decision yet.
                </Text>
              ) : (
                <Stack gap={4}>
                  {(d.outcomes ?? []).map((o) => (
                    <Text key={o.eventId} size="sm">
                      <Badge variant="light" tt="none" mr="xs">
                        {o.type}
                      </Badge>
                      {formatTime(o.at)}
                    </Text>
                  ))}
                </Stack>
              )}
            </Paper>
          </SimpleGrid>
        </Stack>
      )}
    </>
  );
}

function CheckRow({ check }: { check: CheckResult }) {
  return (
    <Table.Tr data-check={check.check}>
      <Table.Td>
        <Text size="sm" fw={600}>
          {CHECK_LABEL[check.check] ?? check.check}
        </Text>
        <Text size="xs" c="dimmed" className="mono">
          {check.check}
        </Text>
      </Table.Td>
      <Table.Td>
        <StatusBadge status={check.status} />
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          {check.reasons.length === 0 && (
            <Text size="sm" c="dimmed">
              —
            </Text>
          )}
          {check.reasons.map((r, i) => (
            <div key={i}>
              <ReasonCode code={r.code} ruleId={r.ruleId} />
              <Text size="xs">{r.message}</Text>
            </div>
          ))}
        </Stack>
      </Table.Td>
      <Table.Td>{check.evidence ? <Evidence value={check.evidence} /> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
    </Table.Tr>
  );
}

/** What a check relied on, readable: durations (`…Ms`) and instants (`…At`, epoch ms) in words. */
function Evidence({ value }: { value: Record<string, unknown> }): ReactNode {
  const show = (k: string, v: unknown): string => {
    if (typeof v === "number" && k.endsWith("Ms")) return formatDuration(v);
    if (typeof v === "number" && (k.endsWith("At") || k === "notAfter") && v > 1e11) return formatTime(new Date(v).toISOString());
    return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
  };
  return (
    <Stack gap={2}>
      {Object.entries(value).map(([k, v]) => (
        <Text key={k} size="xs">
          <Text span c="dimmed">
            {k}:{" "}
          </Text>
          <span className="mono">{show(k, v)}</span>
        </Text>
      ))}
    </Stack>
  );
}

function ConsentEvidence({ evidence }: { evidence: Record<string, unknown> }) {
  if (evidence.skipped) return <Text size="sm">skipped ({String(evidence.skipped)})</Text>;
  if (!evidence.recordId) {
    return (
      <Text size="sm">
        no record for {String(evidence.channel)} / {String(evidence.purpose)} ({String(evidence.regime ?? "")})
      </Text>
    );
  }
  return (
    <Text size="sm">
      {String(evidence.status)} · {String(evidence.channel)} / {String(evidence.purpose)} · record <Code>{String(evidence.recordId)}</Code> from {String(evidence.source)},{" "}
      {typeof evidence.capturedAt === "number" ? formatTime(new Date(evidence.capturedAt).toISOString()) : formatTime(String(evidence.capturedAt))}
    </Text>
  );
}
