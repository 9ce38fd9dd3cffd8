// Claims and assets with their status, the pre-review findings, reuse lineage, and the withdrawal
// cascade: withdrawing a claim blocks every asset that uses it and cancels what would send it.
import { useMemo, useState } from "react";
import { Alert, Badge, Button, Code, Grid, Group, Paper, Select, Stack, Table, Tabs, Text, Title, UnstyledButton } from "@mantine/core";
import { useApi } from "../api.ts";
import { hasRole, useSession } from "../session.tsx";
import { Empty, ErrorAlert, Field, Loading, PageHeader, StatusBadge, Tag } from "../components/common.tsx";
import { ReasonDialog } from "../components/dialogs.tsx";
import { RenderedContent } from "../components/RenderedContent.tsx";
import { formatDate, formatTime } from "../format.ts";
import { CONTENT_REVIEWER_ROLES, type Asset, type Claim, type Finding, type Withdrawal } from "../types.ts";
import { FirstUsePanel, RevisionsPanel } from "./ContentMlr.tsx";

const STATUSES = ["draft", "submitted", "approved", "rejected", "withdrawn", "expired"];

export function ContentPage() {
  const [tab, setTab] = useState<string | null>("claims");
  return (
    <>
      <PageHeader title="Content" description="The claims library and the assets built from it, as MLR approved them. Withdrawing a claim is a safety update: it reaches every asset and pending action at once." />
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List mb="md">
          <Tabs.Tab value="claims">Claims</Tabs.Tab>
          <Tabs.Tab value="assets">Assets</Tabs.Tab>
          <Tabs.Tab value="first-use">First use (FDA 2253)</Tabs.Tab>
          <Tabs.Tab value="revisions">Revisions</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="claims">
          <ClaimsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="assets">
          <AssetsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="first-use">
          <FirstUsePanel />
        </Tabs.Panel>
        <Tabs.Panel value="revisions">
          <RevisionsPanel />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function ClaimsPanel() {
  const { api, session } = useSession();
  const [status, setStatus] = useState<string | null>(null);
  const claims = useApi<{ claims: Claim[] }>(api, `/v1/claims?limit=1000${status ? `&status=${status}` : ""}`);
  const canWithdraw = hasRole(session.user, ...CONTENT_REVIEWER_ROLES);
  const [withdrawing, setWithdrawing] = useState<Claim | null>(null);
  const [cascade, setCascade] = useState<Withdrawal | null>(null);

  const withdraw = async (claim: Claim, reason: string) => {
    const result = await api.post<Withdrawal>(`/v1/claims/${encodeURIComponent(claim.id)}/withdraw`, { reason });
    setCascade(result);
    claims.reload();
  };

  return (
    <Stack>
      {cascade && (
        <Alert color="orange" title={`Claim ${cascade.claim.id} withdrawn`} withCloseButton onClose={() => setCascade(null)} role="status">
          <Text size="sm" data-testid="cascade">
            {cascade.assetsBlocked} asset(s) blocked, {cascade.actionsCancelled} pending action(s) cancelled
            {cascade.outboxCancelled !== undefined ? ` (${cascade.outboxCancelled} outbox item(s), ${cascade.reviewsCancelled ?? 0} review(s))` : ""}.
          </Text>
          {cascade.assetIds && cascade.assetIds.length > 0 && <Text size="xs">Assets: {cascade.assetIds.join(", ")}</Text>}
          {cascade.revisions && <Text size="xs">{cascade.revisions.length} asset(s) revised with the successor and submitted for review (Revisions tab).</Text>}
        </Alert>
      )}
      <Group>
        <Select label="Status" placeholder="Any status" clearable data={STATUSES} value={status} onChange={setStatus} w={200} />
      </Group>
      <ErrorAlert error={claims.error} />
      {claims.loading && !claims.data && <Loading label="Loading claims" />}
      {claims.data && (
        <Paper withBorder radius="md">
          {claims.data.claims.length === 0 ? (
            <Empty title="No claims">Claims are created with POST /v1/claims and approved by MLR reviewers.</Empty>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table verticalSpacing="sm" aria-label="Claims">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Claim</Table.Th>
                    <Table.Th>Product · risk</Table.Th>
                    <Table.Th>Markets</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>References</Table.Th>
                    {canWithdraw && <Table.Th>Safety update</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {claims.data.claims.map((c) => (
                    <Table.Tr key={c.id} data-claim-row={c.id}>
                      <Table.Td maw={380}>
                        <Text size="sm">{c.text}</Text>
                        <Text size="xs" c="dimmed" className="mono">
                          {c.id} v{c.version}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{c.product ?? "—"}</Text>
                        <Tag color={c.riskClass === "high" ? "red" : c.riskClass === "medium" ? "yellow" : "gray"}>{c.riskClass} risk</Tag>
                      </Table.Td>
                      <Table.Td>{c.markets.join(", ")}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={c.status} />
                        {c.approval && (
                          <Text size="xs" c="dimmed">
                            by {c.approval.printedName}, {formatTime(c.approval.signedAt, true)}
                          </Text>
                        )}
                        {c.withdrawReason && (
                          <Text size="xs" c="red.8">
                            “{c.withdrawReason}”
                          </Text>
                        )}
                        {c.expiresAt && (
                          <Text size="xs" c="dimmed">
                            expires {formatDate(c.expiresAt)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {c.references.length === 0 ? (
                          <Text size="sm" c="red.8">
                            none
                          </Text>
                        ) : (
                          <Text size="xs">{c.references.join("; ")}</Text>
                        )}
                      </Table.Td>
                      {canWithdraw && (
                        <Table.Td>
                          {c.status !== "withdrawn" && (
                            <Button size="xs" color="red" variant="light" onClick={() => setWithdrawing(c)} aria-label={`Withdraw claim ${c.id}`}>
                              Withdraw
                            </Button>
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      )}
      {withdrawing && (
        <ReasonDialog
          opened
          title={`Withdraw claim ${withdrawing.id}?`}
          confirmLabel="Withdraw the claim"
          color="red"
          onClose={() => setWithdrawing(null)}
          onConfirm={(reason) => withdraw(withdrawing, reason)}
        >
          <Text size="sm">“{withdrawing.text}”</Text>
          <Text size="sm">
            Every asset that uses this claim is blocked, and every pending action that would send one of them (outbox items, open reviews) is cancelled, in one
            transaction. This cannot be undone; a corrected claim is a new claim.
          </Text>
        </ReasonDialog>
      )}
    </Stack>
  );
}

function AssetsPanel() {
  const { api } = useSession();
  const [status, setStatus] = useState<string | null>(null);
  const assets = useApi<{ assets: Asset[] }>(api, `/v1/assets?limit=1000${status ? `&status=${status}` : ""}`);
  const all = useApi<{ assets: Asset[] }>(api, "/v1/assets?limit=1000");
  const claims = useApi<{ claims: Claim[] }>(api, "/v1/claims?limit=1000");
  const [selected, setSelected] = useState<string | null>(null);
  const byId = useMemo(() => new Map((all.data?.assets ?? []).map((a) => [a.id, a])), [all.data]);
  const claimMap = useMemo(() => new Map((claims.data?.claims ?? []).map((c) => [c.id, c])), [claims.data]);
  const list = assets.data?.assets ?? [];
  const current = selected ? (byId.get(selected) ?? list.find((a) => a.id === selected) ?? null) : null;

  return (
    <Stack>
      <Group>
        <Select label="Status" placeholder="Any status" clearable data={STATUSES} value={status} onChange={setStatus} w={200} />
      </Group>
      <ErrorAlert error={assets.error} />
      {assets.loading && !assets.data && <Loading label="Loading assets" />}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: current ? 7 : 12 }}>
          {assets.data && (
            <Paper withBorder radius="md">
              {list.length === 0 ? (
                <Empty title="No assets">Assets are composed from approved claims with POST /v1/assets.</Empty>
              ) : (
                <Table.ScrollContainer minWidth={600}>
                  <Table verticalSpacing="sm" highlightOnHover aria-label="Assets">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Asset</Table.Th>
                        <Table.Th>Where</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th>Findings</Table.Th>
                        <Table.Th>Derived from</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {list.map((a) => (
                        <Table.Tr key={a.id} className={a.id === selected ? "row-selected" : undefined}>
                          <Table.Td>
                            <UnstyledButton onClick={() => setSelected(a.id === selected ? null : a.id)} aria-pressed={a.id === selected} aria-label={`Show asset ${a.id}`}>
                              <Text size="sm" fw={600} c="indigo.8" td="underline">
                                {a.title}
                              </Text>
                              <Text size="xs" c="dimmed" className="mono">
                                {a.id} v{a.version}
                              </Text>
                            </UnstyledButton>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">
                              {a.channel} · {a.market} · {a.language}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <StatusBadge status={a.status} />
                          </Table.Td>
                          <Table.Td>
                            <FindingCounts findings={a.checks} />
                          </Table.Td>
                          <Table.Td>{a.derivedFrom ? <Code>{a.derivedFrom}</Code> : <Text size="sm" c="dimmed">original</Text>}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Paper>
          )}
        </Grid.Col>
        {current && (
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <AssetDetail asset={current} all={byId} claims={claimMap} onSelect={setSelected} />
          </Grid.Col>
        )}
      </Grid>
    </Stack>
  );
}

function FindingCounts({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return <Text size="sm" c="dimmed">none</Text>;
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  return (
    <Group gap={4}>
      {(["error", "warning", "info"] as const).map((s) =>
        count(s) > 0 ? (
          <Badge key={s} size="sm" variant="light" color={s === "error" ? "red" : s === "warning" ? "yellow" : "blue"}>
            {count(s)} {s}
          </Badge>
        ) : null,
      )}
    </Group>
  );
}

function AssetDetail({ asset, all, claims, onSelect }: { asset: Asset; all: Map<string, Asset>; claims: Map<string, Claim>; onSelect: (id: string) => void }) {
  // Reuse lineage: the chain this asset was derived from, and the assets derived from it.
  const ancestors: string[] = [];
  for (let id = asset.derivedFrom; id && !ancestors.includes(id) && ancestors.length < 20; id = all.get(id)?.derivedFrom ?? null) ancestors.push(id);
  const children = [...all.values()].filter((a) => a.derivedFrom === asset.id);
  return (
    <Paper withBorder p="md" radius="md" aria-label={`Asset ${asset.id}`}>
      <Stack>
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h4">
              {asset.title}
            </Title>
            <Text size="xs" c="dimmed" className="mono">
              {asset.id} v{asset.version} · {asset.channel} · {asset.market} · {asset.language} · {asset.riskClass} risk
            </Text>
          </div>
          <StatusBadge status={asset.status} size="md" />
        </Group>
        {asset.blockedReason && (
          <Alert color="red" title="Blocked">
            {asset.blockedReason}
          </Alert>
        )}
        <RenderedContent asset={asset} claims={claims} />
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
            Pre-review findings
          </Text>
          {asset.checks.length === 0 ? (
            <Text size="sm">No findings: the automated checks found nothing to raise.</Text>
          ) : (
            <Stack gap={6}>
              {asset.checks.map((f, i) => (
                <Text key={i} size="sm">
                  <StatusBadge status={f.severity} size="xs" /> <Code>{f.code}</Code> {f.message}
                  {f.span ? (
                    <Text span size="xs" c="dimmed">
                      {" "}
                      — in the {f.span.field} at {f.span.start}–{f.span.end}: “{f.span.text}”
                    </Text>
                  ) : null}
                </Text>
              ))}
            </Stack>
          )}
        </div>
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
            Reuse lineage
          </Text>
          <Group gap={6} aria-label="Lineage">
            {[...ancestors].reverse().map((id) => (
              <Group key={id} gap={6}>
                <Button size="compact-xs" variant="subtle" onClick={() => onSelect(id)}>
                  {id}
                </Button>
                <Text size="xs">→</Text>
              </Group>
            ))}
            <Badge variant="filled" tt="none">
              {asset.id}
            </Badge>
            {children.length > 0 && <Text size="xs">→</Text>}
            {children.map((c) => (
              <Button key={c.id} size="compact-xs" variant="subtle" onClick={() => onSelect(c.id)}>
                {c.id}
              </Button>
            ))}
          </Group>
          {ancestors.length === 0 && children.length === 0 && (
            <Text size="xs" c="dimmed">
              An original: not derived from another asset, and none derived from it.
            </Text>
          )}
        </div>
        <Group gap="xl" component="dl" m={0}>
          <Field label="Approval">{asset.approval ? `${asset.approval.printedName}, ${formatTime(asset.approval.signedAt)}` : "—"}</Field>
          {asset.rejection && <Field label="Rejection">{`${asset.rejection.printedName}: ${asset.rejection.reason}`}</Field>}
          <Field label="Expires">{formatDate(asset.expiresAt)}</Field>
          <Field label="Created">{formatTime(asset.createdAt)}</Field>
        </Group>
      </Stack>
    </Paper>
  );
}
