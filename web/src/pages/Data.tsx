// Data and metrics: decisions per hour by outcome, rejection reasons, touches per HCP per week (from
// the decisions themselves), data latency against what each action requires (GET /v1/data/latency),
// and the operating-model metrics when the server publishes them (GET /v1/metrics).
import { useEffect, useMemo, useState } from "react";
import { Alert, Badge, Code, Grid, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { BarChart } from "@mantine/charts";
import { useApi } from "../api.ts";
import { useSession } from "../session.tsx";
import { Empty, ErrorAlert, Loading, PageHeader, StatusBadge } from "../components/common.tsx";
import { formatDuration, formatTime, humanize } from "../format.ts";
import { OUTCOMES, type BundleView, type Decision, type LatencyReport } from "../types.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const LIMIT = 1000;
/** Codes that explain or delay, not refuse: not rejection reasons. */
const NOT_REFUSALS = new Set(["AUTHORITY_AUTONOMOUS", "AUTHORITY_CONFIRM", "MIN_GAP", "QUIET_HOURS"]);
const OUTCOME_SERIES = [
  { name: "allowed", color: "teal.6" },
  { name: "scheduled", color: "blue.6" },
  { name: "pending_review", label: "pending review", color: "orange.6" },
  { name: "rejected", color: "red.6" },
];

/** Which optional endpoints this server offers, read from its OpenAPI document (no 404s in the console). */
function useOffered(): Set<string> | null {
  const [paths, setPaths] = useState<Set<string> | null>(null);
  useEffect(() => {
    let live = true;
    fetch("/openapi.json")
      .then((r) => (r.ok ? r.json() : { paths: {} }))
      .then((doc: { paths?: Record<string, unknown> }) => live && setPaths(new Set(Object.keys(doc.paths ?? {}))))
      .catch(() => live && setPaths(new Set()));
    return () => {
      live = false;
    };
  }, []);
  return paths;
}

/** GET /v1/metrics (the operating-model metrics), as far as the console reads it; every part may be absent. */
interface Metrics {
  window?: { from: string; to: string; hours: number };
  decisions?: number;
  decisionVelocityPerHour?: number;
  rejectionReasons?: Record<string, number>;
  escalationRate?: number | null;
  reviews?: { opened: number; closed: number; closedOnTime: number; deadlineAdherence: number | null; openOverdue: number };
  insightToAction?: Record<string, { count: number; p50: number | null; p95: number | null; max: number | null }>;
  noise?: { touches: number; hcpsTouched: number; touchesPerHcpPerWeek: number | null; distribution: Record<string, number> };
  conflictsPrevented?: number;
  lowValueSuppressed?: number;
  sent?: number;
  engagementQuality?: number | null;
  fieldAdoption?: { delivered: number; accepted: number; rate: number | null };
  [key: string]: unknown;
}

const velocity = (perHour: number | undefined) =>
  perHour === undefined ? "—" : perHour >= 1 ? `${perHour.toFixed(1)} / hour` : `${(perHour * 24).toFixed(1)} / day`;
const percent = (r: number | null | undefined) => (r === null || r === undefined ? "—" : `${Math.round(r * 100)}%`);

export function DataPage() {
  const { api } = useSession();
  const [now] = useState(() => Date.now());
  const since = new Date(now - 7 * DAY).toISOString();
  const decisions = useApi<{ decisions: Decision[] }>(api, `/v1/decisions?since=${encodeURIComponent(since)}&limit=${LIMIT}`);
  const bundle = useApi<BundleView>(api, "/v1/governance");
  const offered = useOffered();
  const hasMetrics = offered?.has("/v1/metrics") ?? false;
  const latency = useApi<LatencyReport>(api, offered?.has("/v1/data/latency") ? "/v1/data/latency?window=7d" : null);
  const metrics = useApi<Metrics>(api, hasMetrics ? "/v1/metrics" : null);
  const m = metrics.data;

  const list = decisions.data?.decisions ?? [];
  const capped = list.length >= LIMIT;
  const exemptKey = (bundle.data?.contact.exemptPurposes ?? []).join(",");
  const last24 = useMemo(() => list.filter((d) => new Date(d.decidedAt).getTime() >= now - DAY), [list, now]);
  const hourly = useMemo(() => perHour(last24, now), [last24, now]);
  // The server's figures where it publishes them; else what the decisions themselves show.
  const reasons = useMemo(
    () =>
      m?.rejectionReasons
        ? Object.entries(m.rejectionReasons)
            .filter(([code]) => !NOT_REFUSALS.has(code))
            .map(([code, count]) => ({ code, count }))
            .sort((a, b) => b.count - a.count)
        : rejectionReasons(last24),
    [m, last24],
  );
  const touches = useMemo(
    () =>
      m?.noise?.distribution
        ? Object.entries(m.noise.distribution).map(([touches, hcps]) => ({ touches, hcps }))
        : touchesPerHcp(list, new Set(exemptKey ? exemptKey.split(",") : [])),
    [m, list, exemptKey],
  );

  return (
    <>
      <PageHeader
        title="Data and metrics"
        description="Decision velocity, what the gate refuses and why, the noise each HCP experiences, how long an insight takes to become a compliant action, and whether the data arrives fast enough for the actions that rely on it."
      />
      <ErrorAlert error={decisions.error} />
      <ErrorAlert error={metrics.error} />
      {m && (
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" mb="md" aria-label="Operating-model metrics">
          <Stat label="Decisions" value={String(m.decisions ?? "—")} note="last 7 days" />
          <Stat label="Decision velocity" value={velocity(m.decisionVelocityPerHour)} note="decisions, all agents" />
          <Stat label="Escalated" value={percent(m.escalationRate)} note="to human review" />
          <Stat label="Reviews on time" value={percent(m.reviews?.deadlineAdherence)} note={`${m.reviews?.openOverdue ?? 0} open overdue`} />
          <Stat label="Conflicts prevented" value={String(m.conflictsPrevented ?? "—")} note="caps, gaps, arbitration" />
          <Stat label="Low value suppressed" value={String(m.lowValueSuppressed ?? "—")} note="refused before sending" />
          <Stat label="Engagement" value={percent(m.engagementQuality)} note={`of ${m.sent ?? 0} sent`} />
          <Stat label="Field adoption" value={percent(m.fieldAdoption?.rate)} note={`${m.fieldAdoption?.accepted ?? 0} of ${m.fieldAdoption?.delivered ?? 0} suggestions`} />
        </SimpleGrid>
      )}
      {capped && (
        <Alert color="yellow" mb="md" title="A sample">
          The decisions per hour are counted from the newest {LIMIT} decisions of the last 7 days ({formatTime(list[list.length - 1]?.decidedAt)} onwards).
        </Alert>
      )}
      {!decisions.data && decisions.loading && <Loading label="Loading decisions" />}
      {decisions.data && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <ChartCard title="Decisions per hour by outcome" note={`Last 24 hours, ${last24.length} decision(s).`}>
              {last24.length === 0 ? (
                <Empty title="No decisions in the last 24 hours" />
              ) : (
                <BarChart h={260} data={hourly} dataKey="hour" type="stacked" series={OUTCOME_SERIES} withLegend yAxisProps={{ allowDecimals: false }} aria-label="Decisions per hour by outcome" />
              )}
            </ChartCard>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <ChartCard title="Rejection reasons" note={m?.rejectionReasons ? "Codes that refused a decision, last 7 days (delays and authority notes not counted)." : "Codes that refused a decision, last 24 hours (delays and authority notes not counted)."}>
              {reasons.length === 0 ? (
                <Empty title="Nothing was rejected" />
              ) : (
                <BarChart
                  h={Math.max(160, reasons.length * 36)}
                  data={reasons}
                  dataKey="code"
                  orientation="vertical"
                  yAxisProps={{ width: 190 }}
                  xAxisProps={{ allowDecimals: false }}
                  maxBarWidth={28}
                  series={[{ name: "count", label: "decisions", color: "red.6" }]}
                  aria-label="Rejection reasons"
                />
              )}
            </ChartCard>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <ChartCard
              title="Touches per HCP per week"
              note={
                m?.noise
                  ? `How many HCPs got how many touches a week (last 7 days): ${m.noise.touches} touch(es) to ${m.noise.hcpsTouched} HCP(s)${m.noise.touchesPerHcpPerWeek !== null ? `, ${m.noise.touchesPerHcpPerWeek.toFixed(1)} a week on average` : ""}. HCPs with no touch are not counted.`
                  : "Allowed or scheduled actions per HCP in the last 7 days, across all agents; exempt purposes are not counted. HCPs with no touch are not shown."
              }
            >
              {touches.every((t) => t.hcps === 0) ? (
                <Empty title="No HCP was touched in the last 7 days" />
              ) : (
                <BarChart h={240} data={touches} dataKey="touches" maxBarWidth={56} yAxisProps={{ allowDecimals: false }} series={[{ name: "hcps", label: "HCPs", color: "indigo.6" }]} xAxisLabel="touches per week" yAxisLabel="HCPs" aria-label="Touches per HCP" />
              )}
            </ChartCard>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <ChartCard title="Time from insight to compliant action, by stage" note="Median and 95th percentile per stage: data, agent, governance, review, dispatch (last 7 days).">
              <InsightToAction offered={offered} metrics={m} loading={metrics.loading} />
            </ChartCard>
          </Grid.Col>
          <Grid.Col span={12}>
            <ChartCard title="Source latency against what each action requires" note="Occurred → ingested, per source, over the last 7 days; freshness limits from the active bundle.">
              {offered && !offered.has("/v1/data/latency") ? (
                <Empty title="Not available on this server">It does not publish GET /v1/data/latency.</Empty>
              ) : latency.error ? (
                <ErrorAlert error={latency.error} />
              ) : !latency.data ? (
                <Loading label="Measuring latency" />
              ) : (
                <LatencyView report={latency.data} />
              )}
            </ChartCard>
          </Grid.Col>
          {latency.data?.dataUse ? (
            <Grid.Col span={12}>
              <ChartCard title="Which data may feed which purpose" note="The bundle's data.yaml: per event source and market, the purposes a decision (and an agent's view of an HCP) may use it for.">
                <DataUseMap rows={latency.data.dataUse} />
              </ChartCard>
            </Grid.Col>
          ) : null}
        </Grid>
      )}
    </>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lineClamp={1} title={label}>
        {label}
      </Text>
      <Text size="lg" fw={700}>
        {value}
      </Text>
      {note && (
        <Text size="xs" c="dimmed" lineClamp={1} title={note}>
          {note}
        </Text>
      )}
    </Paper>
  );
}

function ChartCard({ title, note, children }: { title: string; note?: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" h="100%" component="section" aria-label={title}>
      <Title order={2} size="h4">
        {title}
      </Title>
      {note && (
        <Text size="xs" c="dimmed" mb="sm">
          {note}
        </Text>
      )}
      {children}
    </Paper>
  );
}

function perHour(decisions: readonly Decision[], now: number) {
  const start = Math.floor((now - DAY) / HOUR) * HOUR + HOUR;
  const buckets = Array.from({ length: 24 }, (_, i) => {
    const at = new Date(start + i * HOUR);
    return { hour: `${String(at.getHours()).padStart(2, "0")}:00`, allowed: 0, scheduled: 0, pending_review: 0, rejected: 0 } as Record<string, number | string>;
  });
  for (const d of decisions) {
    const i = Math.floor((new Date(d.decidedAt).getTime() - start) / HOUR);
    const bucket = buckets[i];
    if (bucket && (OUTCOMES as readonly string[]).includes(d.outcome)) bucket[d.outcome] = (bucket[d.outcome] as number) + 1;
  }
  return buckets;
}

function rejectionReasons(decisions: readonly Decision[]) {
  const counts = new Map<string, number>();
  for (const d of decisions) {
    if (d.outcome !== "rejected") continue;
    for (const code of new Set(d.reasons.map((r) => r.code))) if (!NOT_REFUSALS.has(code)) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count);
}

function touchesPerHcp(decisions: readonly Decision[], exempt: ReadonlySet<string>) {
  const perHcp = new Map<string, number>();
  for (const d of decisions) {
    if ((d.outcome === "allowed" || d.outcome === "scheduled") && !exempt.has(d.purpose)) perHcp.set(d.hcpId, (perHcp.get(d.hcpId) ?? 0) + 1);
  }
  const histogram = new Map<number, number>();
  for (const n of perHcp.values()) histogram.set(Math.min(n, 8), (histogram.get(Math.min(n, 8)) ?? 0) + 1);
  const max = Math.max(0, ...histogram.keys());
  return Array.from({ length: max }, (_, i) => ({ touches: i + 1 === 8 ? "8+" : String(i + 1), hcps: histogram.get(i + 1) ?? 0 }));
}

const STAGES = ["data", "agent", "governance", "review", "dispatch"] as const;

/** Seconds as the chart's unit: minutes when the stages take minutes, else seconds. */
function InsightToAction({ offered, metrics, loading }: { offered: Set<string> | null; metrics: Metrics | undefined; loading: boolean }) {
  if (offered && !offered.has("/v1/metrics")) {
    return (
      <Empty title="Not measured on this server yet">
        This server does not publish the operating-model metrics (GET /v1/metrics), so the split of time from insight to action by stage cannot be shown. The decisions alone
        do not carry when the insight occurred.
      </Empty>
    );
  }
  if (loading && !metrics) return <Loading label="Loading metrics" />;
  const split = metrics?.insightToAction;
  if (!split) return <Empty title="No stage split in the metrics">The server's metrics carry no time from insight to action.</Empty>;
  const measured = STAGES.filter((s) => (split[s]?.count ?? 0) > 0);
  if (measured.length === 0) {
    return <Empty title="Nothing measured yet">No decision in the window cites an insight (evidence event) or reached dispatch, so there is no stage to time.</Empty>;
  }
  const maxSeconds = Math.max(...measured.map((s) => split[s]?.p95 ?? 0));
  const [unit, div] = maxSeconds >= 7200 ? ["h", 3600] : maxSeconds >= 120 ? ["min", 60] : ["s", 1];
  const round = (v: number | null | undefined) => (v === null || v === undefined ? 0 : Math.round((v / div) * 10) / 10);
  const data = STAGES.map((s) => ({ stage: `${s} (${split[s]?.count ?? 0})`, p50: round(split[s]?.p50), p95: round(split[s]?.p95) }));
  const total = split.total;
  return (
    <>
      <BarChart
        h={240}
        data={data}
        dataKey="stage"
        unit={` ${unit}`}
        withLegend
        series={[
          { name: "p50", label: "median", color: "grape.4" },
          { name: "p95", label: "95th percentile", color: "grape.8" },
        ]}
        aria-label="Time from insight to action by stage"
      />
      <Text size="xs" c="dimmed">
        In brackets: how many decisions each stage was measured on.
        {total && total.count > 0 && total.p50 !== null ? ` End to end (insight → sent): median ${formatDuration(total.p50 * 1000)} over ${total.count}.` : ""}
      </Text>
    </>
  );
}

function DataUseMap({ rows }: { rows: NonNullable<LatencyReport["dataUse"]> }) {
  const markets = Object.keys(rows[0]?.byMarket ?? {});
  return (
    <Table striped withTableBorder aria-label="Data use per source and market">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Source</Table.Th>
          {markets.map((mk) => <Table.Th key={mk}>{mk}</Table.Th>)}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.source}>
            <Table.Td><Code>{r.source === "*" ? "any other source" : r.source}</Code></Table.Td>
            {markets.map((mk) => (
              <Table.Td key={mk}>
                {(r.byMarket[mk] ?? []).length === 0 ? <Text size="sm" c="dimmed">not used</Text> : (
                  <Group gap={4}>{r.byMarket[mk]!.map((p) => <Badge key={p} size="sm" variant="light">{p}</Badge>)}</Group>
                )}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function LatencyView({ report }: { report: LatencyReport }) {
  if (report.sources.length === 0) {
    return <Empty title="No events ingested in the window">Latency is measured on ingested events (POST /v1/events, files, the stream).</Empty>;
  }
  const hours = (ms: number) => Math.round((ms / HOUR) * 10) / 10;
  const data = report.sources.map((s) => ({ source: s.source, p50: hours(s.p50Ms), p95: hours(s.p95Ms), max: hours(s.maxMs) }));
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <BarChart
          h={Math.max(200, data.length * 48)}
          data={data}
          dataKey="source"
          orientation="vertical"
          yAxisProps={{ width: 130 }}
          unit=" h"
          series={[
            { name: "p50", color: "indigo.4" },
            { name: "p95", color: "indigo.7" },
          ]}
          withLegend
          aria-label="Source latency in hours"
        />
        <Text size="xs" c="dimmed">
          Hours from occurred to ingested. {report.sampled ? "A sample of the newest events." : ""} Window {formatTime(report.from, true)} – {formatTime(report.to, true)}.
        </Text>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Table.ScrollContainer minWidth={420}>
          <Table aria-label="What each action requires">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Action</Table.Th>
                <Table.Th>Needs data newer than</Table.Th>
                <Table.Th>Sources</Table.Th>
                <Table.Th>Support</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.actions.map((a) => (
                <Table.Tr key={a.action}>
                  <Table.Td>{humanize(a.action)}</Table.Td>
                  <Table.Td>{formatDuration(a.limitMs)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {a.sources.length === 0 && <Text size="xs">{a.basis === "evidence" ? "whatever the proposal cites" : "—"}</Text>}
                      {a.sources.map((s) => (
                        <Badge key={s.source} size="xs" variant="light" color={s.fit === "fits" ? "teal" : s.fit === "late_tail" ? "yellow" : s.fit === "too_slow" ? "red" : "gray"} tt="none">
                          {s.source}: {s.fit.replace("_", " ")}
                        </Badge>
                      ))}
                    </Group>
                    {a.problems.map((p, i) => (
                      <Text key={i} size="xs" c="dimmed">
                        {p}
                      </Text>
                    ))}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={a.support === "supported" ? "pass" : a.support === "at_risk" ? "warning" : "fail"} />
                    <Text size="xs">{humanize(a.support)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Grid.Col>
      <Grid.Col span={12}>
        <Stack gap={0}>
          <Text size="xs" c="dimmed">
            Bundle <Code>{report.bundleVersion.slice(0, 12)}</Code>
          </Text>
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
