// Every agent at a glance, with its kill switch: pause, halt, resume (each with a reason and a
// confirmation) and the global halt. A change shows at once in the list and in the audit trail.
import { useState } from "react";
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useApi } from "../api.ts";
import { hasRole, useSession } from "../session.tsx";
import { Empty, ErrorAlert, Loading, OutcomeBadge, PageHeader, StatusBadge, Tag, outcomeColor } from "../components/common.tsx";
import { ReasonDialog } from "../components/dialogs.tsx";
import { ThresholdsDialog, type Tunable } from "../components/thresholds.tsx";
import { AgentMonitors } from "../components/monitor-chart.tsx";
import type { Api } from "../api.ts";
import { formatTime, humanize } from "../format.ts";
import { Link } from "../router.tsx";
import { newestAudit } from "../audit.ts";
import { OUTCOMES, type AuditRecord, type Portfolio, type PortfolioAgent, type StatusChange } from "../types.ts";

type Verb = "pause" | "halt" | "resume";

const VERB: Record<Verb, { label: string; color: string; explain: string }> = {
  pause: { label: "Pause", color: "yellow", explain: "New proposals from this agent are rejected with AGENT_PAUSED until it is resumed. Work already queued still goes out." },
  halt: {
    label: "Halt",
    color: "red",
    explain: "The kill switch: new proposals are rejected with AGENT_HALTED, and the agent's undispatched outbox items and open reviews are cancelled. Nothing of it reaches an HCP.",
  },
  resume: { label: "Resume", color: "teal", explain: "The agent's proposals are decided again from the next one on." },
};

const PORTFOLIO_EVENTS = new Set(["agent.paused", "agent.halted", "agent.resumed", "portfolio.halted", "portfolio.resumed", "agent.registered"]);

export function PortfolioPage() {
  const { api, session } = useSession();
  const portfolio = useApi<Portfolio>(api, "/v1/portfolio");
  const canSwitch = hasRole(session.user, "agent_owner");
  const canAudit = hasRole(session.user, "auditor");
  const [pending, setPending] = useState<{ verb: Verb; agent: PortfolioAgent } | null>(null);
  const [haltAll, setHaltAll] = useState(false);
  const [resumeAll, setResumeAll] = useState(false);
  const standing = useApi<{ halt: { id: string; reason: string; startedAt: string; startedBy: string } | null }>(api, "/v1/halt");
  const isAdmin = hasRole(session.user, "admin");
  const [notice, setNotice] = useState<string | null>(null);
  const governance = useApi<{ tunables?: Record<string, Tunable> }>(api, "/v1/governance");
  const tunables = governance.data?.tunables ?? {};
  const [tuning, setTuning] = useState<PortfolioAgent | null>(null);
  const [changes, setChanges] = useState<AuditRecord[]>([]);

  /** The audit trail's word on what just changed (for those who may read it). */
  const loadChanges = async () => {
    if (!canAudit) return;
    const page = await newestAudit(api);
    setChanges(page.filter((r) => PORTFOLIO_EVENTS.has(r.type)).reverse().slice(0, 8));
  };

  const change = async (verb: Verb, agent: PortfolioAgent, reason: string) => {
    const result = await api.post<StatusChange>(`/v1/agents/${encodeURIComponent(agent.id)}/${verb}`, { reason });
    const cancelled = verb === "halt" ? ` — ${result.outboxCancelled} outbox item(s) and ${result.reviewsCancelled} review(s) cancelled` : "";
    setNotice(`${agent.name} is now ${result.agent.status}${cancelled}.`);
    portfolio.reload();
    await loadChanges();
  };

  const stopEverything = async (reason: string) => {
    const result = await api.post<{ halted: number; outboxCancelled: number; reviewsCancelled: number }>("/v1/halt", { reason });
    setNotice(`Global halt: ${result.halted} agent(s) halted, ${result.outboxCancelled} outbox item(s) and ${result.reviewsCancelled} review(s) cancelled.`);
    portfolio.reload();
    standing.reload();
    await loadChanges();
  };

  const data = portfolio.data;
  return (
    <>
      <PageHeader
        title="Portfolio"
        description={
          data ? `Every agent, its status and its decisions since ${formatTime(data.since, true)} (today, from midnight UTC).` : "Every agent, its status and its decisions today."
        }
        actions={
          canSwitch && (
            <Button color="red" variant="filled" onClick={() => setHaltAll(true)} disabled={!data || data.agents.every((a) => a.status === "halted")}>
              Halt every agent
            </Button>
          )
        }
      />
      {standing.data?.halt && (
        <Alert color="red" mb="md" title="A global halt stands" role="alert">
          <Group justify="space-between">
            <Text size="sm">
              Since {formatTime(standing.data.halt.startedAt)} by {standing.data.halt.startedBy}: {standing.data.halt.reason}. Agents registered meanwhile start halted.
            </Text>
            {isAdmin && <Button color="teal" onClick={() => setResumeAll(true)}>End the halt</Button>}
          </Group>
        </Alert>
      )}
      {notice && (
        <Alert color="blue" mb="md" withCloseButton onClose={() => setNotice(null)} role="status" title="Done">
          {notice} {canAudit ? "The audit trail records it (below and on the Audit page)." : "The audit trail records it."}
        </Alert>
      )}
      <ErrorAlert error={portfolio.error} />
      {!data && portfolio.loading && <Loading label="Loading the portfolio" />}
      {data && (
        <Stack>
          <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
            <Stat label="Decisions today" value={data.totals.total} />
            {OUTCOMES.map((o) => (
              <Stat key={o} label={humanize(o)} value={data.totals[o]} color={outcomeColor(o)} />
            ))}
          </SimpleGrid>
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={740}>
              <Table verticalSpacing="sm" highlightOnHover aria-label="Agents">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Agent and owner</Table.Th>
                    <Table.Th>Objective</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Decisions today</Table.Th>
                    <Table.Th>Engagement</Table.Th>
                    {canSwitch && <Table.Th>Kill switch</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.agents.map((agent) => (
                    <AgentRow key={agent.id} api={api} agent={agent} canSwitch={canSwitch} canTune={canSwitch && Object.keys(tunables).length > 0} onAct={(verb) => setPending({ verb, agent })} onTune={() => setTuning(agent)} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {data.agents.length === 0 && <Empty title="No agents yet">Register one with POST /v1/agents; it appears here with its kill switch.</Empty>}
          </Paper>
          {canAudit && changes.length > 0 && (
            <Paper withBorder p="md" radius="md">
              <Title order={2} size="h4" mb="xs">
                Recent portfolio changes in the audit trail
              </Title>
              <Table aria-label="Recent portfolio changes">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Seq</Table.Th>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>What</Table.Th>
                    <Table.Th>Reason</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {changes.map((r) => (
                    <Table.Tr key={r.seq}>
                      <Table.Td className="mono">{r.seq}</Table.Td>
                      <Table.Td className="nowrap">{formatTime(r.at)}</Table.Td>
                      <Table.Td>{r.actor}</Table.Td>
                      <Table.Td>
                        <Tag color={r.type.includes("halt") ? "red" : "indigo"}>{r.type}</Tag>{" "}
                        {r.subject}
                      </Table.Td>
                      <Table.Td>{String((r.data as { reason?: string } | null)?.reason ?? "")}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
        </Stack>
      )}
      {tuning && (
        <ThresholdsDialog
          api={api}
          agent={tuning}
          tunables={tunables}
          onClose={() => setTuning(null)}
          onSaved={() => {
            setNotice(`Thresholds of ${tuning.name} saved.`);
            portfolio.reload();
          }}
        />
      )}
      {pending && (
        <ReasonDialog
          opened
          title={`${VERB[pending.verb].label} ${pending.agent.name}?`}
          confirmLabel={`${VERB[pending.verb].label} ${pending.agent.name}`}
          color={VERB[pending.verb].color}
          onClose={() => setPending(null)}
          onConfirm={(reason) => change(pending.verb, pending.agent, reason)}
        >
          <Text size="sm">{VERB[pending.verb].explain}</Text>
          <Text size="sm" c="dimmed">
            Agent <code>{pending.agent.id}</code>, owner {pending.agent.owner}, now {pending.agent.status}.
          </Text>
        </ReasonDialog>
      )}
      <ReasonDialog
        opened={resumeAll}
        title="End the global halt?"
        confirmLabel="End the halt"
        color="teal"
        onClose={() => setResumeAll(false)}
        onConfirm={async (reason) => {
          const result = await api.post<{ resumed: string[] }>("/v1/resume", { reason });
          setNotice(`Global halt ended: ${result.resumed.length} agent(s) it had stopped are back as they were. Agents halted for their own reasons stay halted.`);
          portfolio.reload();
          standing.reload();
          await loadChanges();
        }}
      >
        <Text size="sm">The agents this halt stopped get back the status they had before it.</Text>
      </ReasonDialog>
      <ReasonDialog
        opened={haltAll}
        title="Halt every agent?"
        confirmLabel="Halt every agent"
        color="red"
        onClose={() => setHaltAll(false)}
        onConfirm={stopEverything}
      >
        <Text size="sm">
          The global kill switch halts all {data?.agents.filter((a) => a.status !== "halted").length ?? 0} agents that are not halted yet: their proposals are rejected and
          their undispatched actions and open reviews are cancelled. Each agent must then be resumed on its own.
        </Text>
      </ReasonDialog>
    </>
  );
}

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color ? `${color}.8` : undefined}>
        {value}
      </Text>
    </Paper>
  );
}

function AgentRow({ api, agent, canSwitch, canTune, onAct, onTune }: { api: Api; agent: PortfolioAgent; canSwitch: boolean; canTune: boolean; onAct: (verb: Verb) => void; onTune: () => void }) {
  const engagement = Object.entries(agent.engagement).filter(([, n]) => n > 0);
  return (
    <Table.Tr data-agent={agent.id}>
      <Table.Td>
        <Text fw={600} size="sm">
          {agent.name}
        </Text>
        <Text size="xs" c="dimmed" className="mono">
          {agent.id} · priority {agent.priority}
        </Text>
        <Text size="xs" mt={2}>
          Owner: {agent.owner}
        </Text>
        {agent.thresholds && Object.keys(agent.thresholds).length > 0 && (
          <Text size="xs" c="dimmed" className="mono">
            {Object.entries(agent.thresholds).map(([name, v]) => `${name} ${v}`).join(" · ")}
          </Text>
        )}
        {canTune && (
          <Button size="compact-xs" variant="subtle" onClick={onTune} aria-label={`Thresholds of ${agent.name}`}>
            Thresholds…
          </Button>
        )}
      </Table.Td>
      <Table.Td maw={260}>
        <Text size="sm" lineClamp={2} title={agent.objective}>
          {agent.objective}
        </Text>
        <Text size="xs" c="dimmed">
          Metric: {agent.metric}
        </Text>
      </Table.Td>
      <Table.Td>
        <StatusBadge status={agent.status} />
        {agent.status !== "active" && agent.statusReason && (
          <Text size="xs" c="dimmed" mt={4} maw={200}>
            “{agent.statusReason}” · {formatTime(agent.statusChangedAt, true)}
          </Text>
        )}
        {agent.status !== "active" && <AgentMonitors api={api} agentId={agent.id} />}
      </Table.Td>
      <Table.Td>
        <Group gap={4} aria-label={`Decisions today: ${OUTCOMES.map((o) => `${agent.decisions[o]} ${humanize(o)}`).join(", ")}`}>
          {OUTCOMES.filter((o) => agent.decisions[o] > 0).map((o) => (
            <Group key={o} gap={2} wrap="nowrap">
              <OutcomeBadge outcome={o} size="xs" />
              <Text size="sm" fw={600}>
                {agent.decisions[o]}
              </Text>
            </Group>
          ))}
          {agent.decisions.total === 0 && (
            <Text size="sm" c="dimmed">
              none
            </Text>
          )}
        </Group>
        {agent.decisions.total > 0 && (
          <Link href={`/decisions?agentId=${encodeURIComponent(agent.id)}`} size="xs">
            {agent.decisions.total} decision(s) →
          </Link>
        )}
        {agent.openReviews > 0 && (
          <Text size="xs" c="orange.8">
            {agent.openReviews} open review(s)
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {engagement.length === 0 ? (
          <Text size="sm" c="dimmed">
            no outcomes yet
          </Text>
        ) : (
          <Stack gap={0}>
            {engagement.map(([type, n]) => (
              <Text key={type} size="xs">
                {humanize(type)}: <strong>{n}</strong>
              </Text>
            ))}
          </Stack>
        )}
      </Table.Td>
      {canSwitch && (
        <Table.Td>
          <Group gap={6} wrap="nowrap">
            {agent.status === "active" && (
              <Button size="xs" variant="light" color="yellow" onClick={() => onAct("pause")} aria-label={`Pause ${agent.name}`}>
                Pause
              </Button>
            )}
            {agent.status !== "halted" && (
              <Button size="xs" variant="filled" color="red" onClick={() => onAct("halt")} aria-label={`Halt ${agent.name}`}>
                Halt
              </Button>
            )}
            {agent.status !== "active" && (
              <Button size="xs" variant="light" color="teal" onClick={() => onAct("resume")} aria-label={`Resume ${agent.name}`}>
                Resume
              </Button>
            )}
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}
