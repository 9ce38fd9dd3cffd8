// The decision explorer: filter by agent, HCP, outcome, reason and time; each row opens its explanation.
import { useEffect, useState, type FormEvent } from "react";
import { Button, Group, Paper, Select, SimpleGrid, Table, Text, TextInput } from "@mantine/core";
import { useApi } from "../api.ts";
import { useSession } from "../session.tsx";
import { Empty, ErrorAlert, Loading, OutcomeBadge, PageHeader, ReasonCode } from "../components/common.tsx";
import { formatTime, fromLocalInput, humanize, toLocalInput } from "../format.ts";
import { Link, navigate, useLocation } from "../router.tsx";
import { OUTCOMES, REASON_CODES, type Agent, type Decision } from "../types.ts";

interface Filters {
  agentId: string;
  hcpId: string;
  outcome: string;
  reason: string;
  since: string;
  until: string;
  limit: string;
}

const FILTER_KEYS: (keyof Filters)[] = ["agentId", "hcpId", "outcome", "reason", "since", "until", "limit"];

function filtersOf(query: URLSearchParams): Filters {
  return {
    agentId: query.get("agentId") ?? "",
    hcpId: query.get("hcpId") ?? "",
    outcome: query.get("outcome") ?? "",
    reason: query.get("reason") ?? "",
    since: query.get("since") ?? "",
    until: query.get("until") ?? "",
    limit: query.get("limit") ?? "200",
  };
}

export function DecisionsPage() {
  const { api } = useSession();
  const { query } = useLocation();
  const applied = filtersOf(query);
  const [draft, setDraft] = useState<Filters>(applied);
  const queryKey = query.toString();
  useEffect(() => setDraft(filtersOf(new URLSearchParams(queryKey))), [queryKey]);

  const agents = useApi<{ agents: Agent[] }>(api, "/v1/agents");
  // The API filters by agent, HCP, outcome and since; the reason and the end of the window are applied here.
  const server = new URLSearchParams();
  if (applied.agentId) server.set("agentId", applied.agentId);
  if (applied.hcpId) server.set("hcpId", applied.hcpId);
  if (applied.outcome) server.set("outcome", applied.outcome);
  if (applied.since) server.set("since", applied.since);
  server.set("limit", applied.limit || "200");
  const list = useApi<{ decisions: Decision[] }>(api, `/v1/decisions?${server.toString()}`);
  const fetched = list.data?.decisions ?? [];
  const shown = fetched.filter(
    (d) => (!applied.reason || d.reasons.some((r) => r.code === applied.reason)) && (!applied.until || d.decidedAt <= applied.until),
  );

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) if (draft[key] && !(key === "limit" && draft[key] === "200")) next.set(key, draft[key]);
    const qs = next.toString();
    navigate(`/decisions${qs ? `?${qs}` : ""}`);
  };
  const clear = () => navigate("/decisions");
  const set = (key: keyof Filters) => (value: string | null) => setDraft((d) => ({ ...d, [key]: value ?? "" }));

  return (
    <>
      <PageHeader title="Decisions" description="Every proposal the gate decided, newest first, with the reasons it gave. Open one for its full explanation." />
      <Paper withBorder p="md" radius="md" mb="md">
        <form onSubmit={apply} aria-label="Filter decisions">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
            <Select
              label="Agent"
              placeholder="Any agent"
              clearable
              searchable
              data={(agents.data?.agents ?? []).map((a) => ({ value: a.id, label: `${a.name} (${a.id})` }))}
              value={draft.agentId || null}
              onChange={set("agentId")}
            />
            <TextInput label="HCP" placeholder="HCP id, e.g. us-0001" value={draft.hcpId} onChange={(e) => set("hcpId")(e.currentTarget.value.trim())} />
            <Select label="Outcome" placeholder="Any outcome" clearable data={OUTCOMES.map((o) => ({ value: o, label: humanize(o) }))} value={draft.outcome || null} onChange={set("outcome")} />
            <Select label="Reason" placeholder="Any reason" clearable searchable data={[...REASON_CODES]} value={draft.reason || null} onChange={set("reason")} />
            <TextInput label="From" type="datetime-local" value={toLocalInput(draft.since || null)} onChange={(e) => set("since")(fromLocalInput(e.currentTarget.value))} />
            <TextInput label="Until" type="datetime-local" value={toLocalInput(draft.until || null)} onChange={(e) => set("until")(fromLocalInput(e.currentTarget.value))} />
            <Select
              label="At most"
              data={["50", "200", "500", "1000"].map((n) => ({ value: n, label: `${n} newest` }))}
              value={draft.limit || "200"}
              onChange={set("limit")}
              allowDeselect={false}
            />
            <Group align="flex-end" gap="xs">
              <Button type="submit">Apply filters</Button>
              <Button variant="default" type="button" onClick={clear}>
                Clear
              </Button>
            </Group>
          </SimpleGrid>
        </form>
      </Paper>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data && <Loading label="Loading decisions" />}
      {list.data && (
        <Paper withBorder radius="md">
          <Group justify="space-between" px="md" pt="sm">
            <Text size="sm" c="dimmed" role="status" aria-live="polite" data-testid="decision-count">
              {shown.length} decision(s)
              {shown.length !== fetched.length ? ` of the ${fetched.length} newest matching agent, HCP, outcome and time` : ""}
              {fetched.length === Number(applied.limit || 200) ? ` — showing the ${applied.limit || 200} newest; narrow the filters to see older ones` : ""}
            </Text>
            <Button variant="subtle" size="xs" onClick={list.reload}>
              Refresh
            </Button>
          </Group>
          {shown.length === 0 ? (
            <Empty title="No decisions match">Widen the filters, or wait for agents to propose.</Empty>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table highlightOnHover verticalSpacing="xs" aria-label="Decisions">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Decided</Table.Th>
                    <Table.Th>Agent</Table.Th>
                    <Table.Th>HCP</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                    <Table.Th>Reasons</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((d) => (
                    <Table.Tr key={d.id} data-decision={d.id}>
                      <Table.Td className="nowrap">
                        <Link href={`/decisions/${encodeURIComponent(d.id)}`} size="sm" aria-label={`Explain decision ${d.id}`}>
                          {formatTime(d.decidedAt)}
                        </Link>
                      </Table.Td>
                      <Table.Td>{d.agentId}</Table.Td>
                      <Table.Td>{d.hcpId}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{d.action}</Text>
                        <Text size="xs" c="dimmed">
                          {d.purpose}
                          {d.assetId ? ` · ${d.assetId}` : ""}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <OutcomeBadge outcome={d.outcome} />
                        {d.scheduledFor && (
                          <Text size="xs" c="dimmed">
                            for {formatTime(d.scheduledFor, true)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {d.reasons.map((r, i) => (
                            <ReasonCode key={i} code={r.code} ruleId={r.ruleId} />
                          ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      )}
    </>
  );
}
