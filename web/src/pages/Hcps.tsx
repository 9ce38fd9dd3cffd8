// HCP records and their identity: look a record up (id, name, or scheme:value such as npi:1234567893),
// see its identifiers, the records merged into it, its consents in force and recent touches, and — for
// marketing operations — merge duplicate records into it (POST /v1/hcps/{id}/merge).
import { useState } from "react";
import { Alert, Badge, Button, Code, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useApi } from "../api.ts";
import { hasRole, useSession } from "../session.tsx";
import { Empty, ErrorAlert, Field, Loading, PageHeader, StatusBadge } from "../components/common.tsx";
import { ReasonDialog } from "../components/dialogs.tsx";
import { formatTime } from "../format.ts";
import { navigate, useLocation } from "../router.tsx";

interface HcpSummary { id: string; name: string; specialty: string; market: string; npi: string | null }
interface HcpRead {
  hcp: HcpSummary & { identifiers: { scheme: string; value: string }[]; mergedFrom: string[]; segment: string | null; timezone: string | null };
  consents: { channel: string; purpose: string; status: string; capturedAt: string; source: string }[];
  recentTouches: { decisionId: string; agentId: string; action: string; channel: string; at: string; outcome: string; cancelled: boolean }[];
}

export function HcpsPage() {
  const { api, session } = useSession();
  const { query } = useLocation();
  const selected = query.get("id");
  const [q, setQ] = useState("");
  const [search, setSearch] = useState("");
  const list = useApi<{ hcps: HcpSummary[] }>(api, `/v1/hcps?limit=50${search ? `&q=${encodeURIComponent(search)}` : ""}`);
  const record = useApi<HcpRead>(api, selected ? `/v1/hcps/${encodeURIComponent(selected)}` : null);
  const canMerge = hasRole(session.user, "mops");
  const [from, setFrom] = useState("");
  const [merging, setMerging] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <PageHeader title="HCPs" description="One HCP, one identity: identifiers by scheme, records merged into one, consents in force." />
      <form onSubmit={(e) => { e.preventDefault(); setSearch(q.trim()); }}>
        <Group mb="md" align="end">
          <TextInput label="Find" placeholder="id, name, or npi:1234567893" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={360} />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      {notice && <Alert color="blue" mb="md" withCloseButton onClose={() => setNotice(null)} role="status">{notice}</Alert>}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Paper withBorder p="sm" radius="md">
          {list.error ? <ErrorAlert error={list.error} /> : !list.data ? <Loading /> : list.data.hcps.length === 0 ? <Empty title="No HCP matches" /> : (
            <Table highlightOnHover aria-label="HCPs">
              <Table.Thead><Table.Tr><Table.Th>Id</Table.Th><Table.Th>Name</Table.Th><Table.Th>Specialty</Table.Th><Table.Th>Market</Table.Th><Table.Th>NPI</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {list.data.hcps.map((h) => (
                  <Table.Tr key={h.id} onClick={() => navigate(`/hcps?id=${encodeURIComponent(h.id)}`)} style={{ cursor: "pointer" }} bg={h.id === record.data?.hcp.id ? "var(--mantine-color-blue-light)" : undefined}>
                    <Table.Td><Code>{h.id}</Code></Table.Td><Table.Td>{h.name}</Table.Td><Table.Td>{h.specialty}</Table.Td><Table.Td>{h.market}</Table.Td><Table.Td>{h.npi ?? "—"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
        <Paper withBorder p="md" radius="md">
          {!selected ? <Empty title="Pick a record">Its identifiers, merged records and consents show here.</Empty> : record.error ? <ErrorAlert error={record.error} /> : !record.data ? <Loading /> : (
            <Stack gap="sm">
              <Title order={3}>{record.data.hcp.name}</Title>
              {record.data.hcp.id !== selected && <Alert color="gray">{selected} was merged into <Code>{record.data.hcp.id}</Code>.</Alert>}
              <SimpleGrid cols={2} component="dl">
                <Field label="Id"><Code>{record.data.hcp.id}</Code></Field>
                <Field label="Market">{record.data.hcp.market}</Field>
                <Field label="Specialty">{record.data.hcp.specialty}</Field>
                <Field label="Segment">{record.data.hcp.segment ?? "—"}</Field>
              </SimpleGrid>
              <Text fw={600} size="sm">Identifiers</Text>
              {record.data.hcp.identifiers.length === 0 ? <Text size="sm" c="dimmed">none</Text> : (
                <Group gap="xs">{record.data.hcp.identifiers.map((i) => <Badge key={`${i.scheme}:${i.value}`} variant="light" tt="none">{i.scheme}:{i.value}</Badge>)}</Group>
              )}
              <Text fw={600} size="sm">Merged from</Text>
              {record.data.hcp.mergedFrom.length === 0 ? <Text size="sm" c="dimmed">no other record</Text> : (
                <Group gap="xs">{record.data.hcp.mergedFrom.map((id) => <Code key={id}>{id}</Code>)}</Group>
              )}
              <Text fw={600} size="sm">Consents in force</Text>
              {record.data.consents.length === 0 ? <Text size="sm" c="dimmed">none recorded</Text> : (
                <Table aria-label="Consents"><Table.Tbody>
                  {record.data.consents.map((c) => (
                    <Table.Tr key={`${c.channel}/${c.purpose}`}><Table.Td>{c.channel}</Table.Td><Table.Td>{c.purpose}</Table.Td><Table.Td><StatusBadge status={c.status} /></Table.Td><Table.Td>{formatTime(c.capturedAt)}</Table.Td><Table.Td>{c.source}</Table.Td></Table.Tr>
                  ))}
                </Table.Tbody></Table>
              )}
              <Text fw={600} size="sm">Recent touches (every merged record's)</Text>
              {record.data.recentTouches.length === 0 ? <Text size="sm" c="dimmed">none</Text> : (
                <Table aria-label="Recent touches"><Table.Tbody>
                  {record.data.recentTouches.map((t) => (
                    <Table.Tr key={t.decisionId}><Table.Td>{formatTime(t.at)}</Table.Td><Table.Td>{t.action}</Table.Td><Table.Td>{t.agentId}</Table.Td><Table.Td>{t.cancelled ? <Badge color="gray">cancelled</Badge> : t.outcome}</Table.Td></Table.Tr>
                  ))}
                </Table.Tbody></Table>
              )}
              {canMerge && (
                <Group align="end">
                  <TextInput label="Merge into this record" placeholder="other ids, comma-separated" value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={280} />
                  <Button color="orange" disabled={from.trim() === ""} onClick={() => setMerging(true)}>Merge…</Button>
                </Group>
              )}
            </Stack>
          )}
        </Paper>
      </SimpleGrid>
      <ReasonDialog
        opened={merging}
        title={`Merge ${from} into ${record.data?.hcp.id ?? ""}?`}
        confirmLabel="Merge"
        color="orange"
        onClose={() => setMerging(false)}
        onConfirm={async (reason) => {
          const ids = from.split(",").map((s) => s.trim()).filter(Boolean);
          const result = await api.post<{ hcp: HcpRead["hcp"]; cancelled: unknown[] }>(`/v1/hcps/${encodeURIComponent(record.data!.hcp.id)}/merge`, { from: ids, reason });
          setNotice(`Merged ${ids.join(", ")} into ${result.hcp.id}; ${result.cancelled.length} pending send(s) cancelled by the re-check.`);
          setFrom("");
          record.reload();
          list.reload();
        }}
      >
        <Text size="sm">Consents (every record, revocations included), touches, events, reviews and identifiers move to this record; the merged ids keep naming it. Pending sends are re-checked against the merged identity.</Text>
      </ReasonDialog>
    </>
  );
}
