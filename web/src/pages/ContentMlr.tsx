// After approval: FDA Form 2253 first-use items (due at the first US dissemination; MOps marks each
// submitted with an electronic signature) and the progress of revision campaigns a claim's withdrawal
// with a successor started, per market and channel.
import { useState } from "react";
import { Badge, Button, Group, Paper, Progress, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useApi } from "../api.ts";
import { hasRole, useSession } from "../session.tsx";
import { Empty, ErrorAlert, Loading, StatusBadge } from "../components/common.tsx";
import { SignatureDialog } from "../components/dialogs.tsx";
import { formatTime, relativeTo } from "../format.ts";
import type { FirstUse, RevisionCampaign, RevisionStage } from "../types.ts";

export function FirstUsePanel() {
  const { api, session } = useSession();
  const [status, setStatus] = useState<"due" | "submitted">("due");
  const items = useApi<{ items: FirstUse[] }>(api, `/v1/content/first-use?status=${status}`);
  const canSubmit = hasRole(session.user, "mops", "reviewer:regulatory");
  const [marking, setMarking] = useState<FirstUse | null>(null);
  const [reference, setReference] = useState("");
  const [done, setDone] = useState<string | null>(null);

  const exportCsv = async () => {
    const res = await fetch(`/v1/content/first-use.csv?status=${status}`, { headers: { authorization: `Bearer ${session.token}` } });
    const url = URL.createObjectURL(new Blob([await res.text()], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `first-use-${status}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        FDA Form 2253: an approved asset version's first dissemination in the US is submitted to the FDA at the time of first use. Each version's
        first send opens an item here.
      </Text>
      <Group justify="space-between">
        <SegmentedControl aria-label="First-use status" value={status} onChange={(v) => setStatus(v as "due" | "submitted")} data={[{ value: "due", label: "Due" }, { value: "submitted", label: "Submitted" }]} />
        <Button variant="default" size="xs" onClick={() => void exportCsv()}>
          Export CSV
        </Button>
      </Group>
      {done && (
        <Text size="sm" c="teal.8" role="status">
          {done}
        </Text>
      )}
      <ErrorAlert error={items.error} />
      {items.loading && !items.data && <Loading label="Loading first-use items" />}
      {items.data && (
        <Paper withBorder radius="md">
          {items.data.items.length === 0 ? (
            <Empty title={status === "due" ? "Nothing due" : "Nothing submitted yet"}>A US asset version's first send opens an item.</Empty>
          ) : (
            <Table verticalSpacing="sm" aria-label={`First use ${status}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Asset</Table.Th>
                  <Table.Th>First used</Table.Th>
                  <Table.Th>Channels</Table.Th>
                  <Table.Th>{status === "due" ? "Due" : "Submitted"}</Table.Th>
                  {status === "due" && canSubmit && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.data.items.map((f) => (
                  <Table.Tr key={`${f.assetId}@${f.version}`} data-first-use={`${f.assetId}@${f.version}`}>
                    <Table.Td>
                      <Text size="sm">{f.title ?? f.assetId}</Text>
                      <Text size="xs" c="dimmed" className="mono">
                        {f.assetId} v{f.version} · {f.market}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatTime(f.firstUsedAt)}</Table.Td>
                    <Table.Td>{f.channels.join(", ")}</Table.Td>
                    <Table.Td>
                      {f.status === "due" ? (
                        <Badge color={f.overdue ? "red" : "orange"} variant={f.overdue ? "filled" : "light"} tt="none">
                          {f.overdue ? `overdue since ${relativeTo(f.dueAt)}` : "due now"}
                        </Badge>
                      ) : (
                        <Text size="sm">
                          {formatTime(f.submittedAt)} · <span className="mono">{f.reference}</span>
                          {f.submittedBy ? ` · ${f.submittedBy.printedName}` : ""}
                        </Text>
                      )}
                    </Table.Td>
                    {status === "due" && canSubmit && (
                      <Table.Td>
                        <Button size="xs" aria-label={`Mark ${f.assetId} v${f.version} submitted`} onClick={() => { setReference(""); setMarking(f); }}>
                          Mark submitted…
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      )}
      <SignatureDialog
        opened={marking !== null}
        title={marking ? `Form 2253 submitted: ${marking.assetId} v${marking.version}` : "Form 2253 submitted"}
        signer={session.user}
        meaning="reviewed"
        onClose={() => setMarking(null)}
        onSign={async (signature) => {
          if (!marking) return;
          if (reference.trim().length === 0) throw new Error("Give the submission's reference");
          await api.post(`/v1/content/first-use/${encodeURIComponent(marking.assetId)}/${marking.version}/submitted`, { reference: reference.trim(), signature });
          setDone(`Marked ${marking.assetId} v${marking.version} submitted (reference ${reference.trim()}).`);
          items.reload();
        }}
      >
        <TextInput label="Submission reference" description="The FDA acknowledgement or your submission's own number" required value={reference} onChange={(e) => setReference(e.currentTarget.value)} />
      </SignatureDialog>
    </Stack>
  );
}

const STAGES: { stage: RevisionStage; label: string; color: string }[] = [
  { stage: "approved", label: "approved", color: "teal" },
  { stage: "in_review", label: "in review", color: "blue" },
  { stage: "drafted", label: "drafted", color: "yellow" },
  { stage: "rejected", label: "rejected", color: "red" },
  { stage: "superseded", label: "superseded", color: "gray" },
];

export function RevisionsPanel() {
  const { api } = useSession();
  const list = useApi<{ campaigns: { campaignId: string; claimId: string; replacedBy: string; reason: string; createdAt: string; total: number }[] }>(api, "/v1/content/revisions");
  const [picked, setPicked] = useState<string | null>(null);
  const id = picked ?? list.data?.campaigns[0]?.campaignId ?? null;
  const campaign = useApi<{ campaign: RevisionCampaign }>(api, id ? `/v1/content/revisions/${encodeURIComponent(id)}` : null);
  const c = campaign.data?.campaign;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A claim withdrawn with a successor revises every asset it blocked: a new version with the successor, submitted for review. Follow each
        campaign here per market and channel.
      </Text>
      <ErrorAlert error={list.error ?? campaign.error} />
      {list.loading && !list.data && <Loading label="Loading revision campaigns" />}
      {list.data && list.data.campaigns.length === 0 && <Empty title="No revision campaigns">Withdraw a claim with replacedBy to start one.</Empty>}
      {list.data && list.data.campaigns.length > 0 && (
        <Select
          label="Campaign"
          w={480}
          value={id}
          onChange={setPicked}
          data={list.data.campaigns.map((x) => ({ value: x.campaignId, label: `${x.claimId} → ${x.replacedBy} · ${x.total} asset(s) · ${formatTime(x.createdAt, true)}` }))}
        />
      )}
      {c && (
        <Paper withBorder radius="md" p="md" aria-label={`Revision campaign ${c.campaignId}`}>
          <Stack>
            <div>
              <Title order={2} size="h5">
                {c.claimId} withdrawn, replaced by {c.replacedBy} v{c.replacedByVersion}
              </Title>
              <Text size="xs" c="dimmed">
                “{c.reason}” · {c.createdBy} · {formatTime(c.createdAt)} · <span className="mono">{c.campaignId}</span>
              </Text>
            </div>
            <Group gap="xs">
              {STAGES.filter((s) => c.byStage[s.stage] > 0).map((s) => (
                <Badge key={s.stage} color={s.color} variant="light" tt="none">
                  {c.byStage[s.stage]} {s.label}
                </Badge>
              ))}
            </Group>
            <Table verticalSpacing="xs" aria-label="Progress per market and channel">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Market</Table.Th>
                  <Table.Th>Channel</Table.Th>
                  <Table.Th>Assets</Table.Th>
                  <Table.Th w="45%">Progress</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.progress.map((p) => (
                  <Table.Tr key={`${p.market}-${p.channel}`} data-progress={`${p.market}-${p.channel}`}>
                    <Table.Td>{p.market}</Table.Td>
                    <Table.Td>{p.channel}</Table.Td>
                    <Table.Td>
                      {p.total} · {STAGES.filter((s) => p[s.stage] > 0).map((s) => `${p[s.stage]} ${s.label}`).join(", ")}
                    </Table.Td>
                    <Table.Td>
                      <Progress.Root size="lg" aria-label={`${p.market} ${p.channel}: ${p.approved} of ${p.total} approved`}>
                        {STAGES.map((s) => (p[s.stage] > 0 ? <Progress.Section key={s.stage} value={(100 * p[s.stage]) / p.total} color={s.color} /> : null))}
                      </Progress.Root>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Assets
            </Text>
            <Group gap={6}>
              {c.items.map((i) => (
                <Group key={i.assetId} gap={4}>
                  <Text size="xs" className="mono">
                    {i.assetId} v{i.fromVersion}→v{i.version}
                  </Text>
                  <StatusBadge status={i.status} size="xs" />
                </Group>
              ))}
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
