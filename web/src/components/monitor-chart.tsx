// Why a monitor paused an agent, at a glance: the metric over the recent window beside its baseline,
// and the line it crossed (for a relative condition, the baseline moved by the threshold).
import { Stack, Text } from "@mantine/core";
import { useApi, type Api } from "../api.ts";

export interface MonitorState {
  id: string;
  agentId: string;
  metric: string;
  value: number | null;
  baseline: number | null;
  threshold: number;
  state: "ok" | "warning" | "tripped";
  since?: string;
  when: string;
  why: string;
}

/** The threshold on the metric's own scale, so it can be drawn against value and baseline. */
export function thresholdLevel(m: Pick<MonitorState, "when" | "baseline" | "threshold">): number | null {
  if (m.when.startsWith("relative_drop")) return m.baseline === null ? null : m.baseline * (1 - m.threshold);
  if (m.when.startsWith("relative_rise")) return m.baseline === null ? null : m.baseline * (1 + m.threshold);
  return m.threshold;
}

const COLORS = { ok: "#2f9e44", warning: "#f08c00", tripped: "#e03131" } as const;

export function MonitorChart({ monitor }: { monitor: MonitorState }) {
  const level = thresholdLevel(monitor);
  const top = Math.max(monitor.value ?? 0, monitor.baseline ?? 0, level ?? 0) * 1.15 || 1;
  const h = 70;
  const y = (v: number) => h - (v / top) * h;
  const bar = (x: number, v: number | null, fill: string, label: string) =>
    v === null ? null : (
      <g>
        <rect x={x} y={y(v)} width={44} height={h - y(v)} fill={fill} rx={2} />
        <text x={x + 22} y={h + 12} fontSize={9} textAnchor="middle">
          {label} {Math.round(v * 1000) / 1000}
        </text>
      </g>
    );
  return (
    <Stack gap={2} mt={6}>
      <Text size="xs" fw={600} c={COLORS[monitor.state]}>
        {monitor.id}: {monitor.state} ({monitor.when})
      </Text>
      <svg width={150} height={h + 16} role="img" aria-label={`${monitor.metric}: value ${monitor.value}, baseline ${monitor.baseline}, threshold ${level}`}>
        {bar(10, monitor.baseline, "#adb5bd", "base")}
        {bar(80, monitor.value, COLORS[monitor.state], "now")}
        {level !== null && <line x1={0} x2={150} y1={y(level)} y2={y(level)} stroke="#e03131" strokeDasharray="4 3" />}
      </svg>
      <Text size="xs" c="dimmed">
        {monitor.why}
      </Text>
    </Stack>
  );
}

/** The monitors that warn or tripped for one agent. */
export function AgentMonitors({ api, agentId }: { api: Api; agentId: string }) {
  const loaded = useApi<{ monitors: MonitorState[] }>(api, `/v1/agents/${encodeURIComponent(agentId)}/monitors`);
  const shown = (loaded.data?.monitors ?? []).filter((m) => m.state !== "ok");
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((m) => (
        <MonitorChart key={m.id} monitor={m} />
      ))}
    </>
  );
}
