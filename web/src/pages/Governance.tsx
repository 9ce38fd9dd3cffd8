// The governance bundle: the active decision-authority matrix (action × purpose → outcome, reviewers),
// its owner and version; a candidate bundle uploaded or edited here, validated (errors with file, line
// and column), dry-run against recent decisions, and activated.
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { Alert, Badge, Button, Code, FileInput, Group, Paper, Select, SimpleGrid, Stack, Table, Tabs, Text, Textarea, Title, Tooltip } from "@mantine/core";
import { asApiError, useApi, type ApiError } from "../api.ts";
import { hasRole, useSession } from "../session.tsx";
import { Empty, ErrorAlert, Field, Loading, OutcomeBadge, PageHeader, StatusBadge } from "../components/common.tsx";
import { ConfirmDialog } from "../components/dialogs.tsx";
import { formatDuration, formatTime, shortHash } from "../format.ts";
import { Link } from "../router.tsx";
import { ACTION_TYPES, PURPOSES, type BundleError, type BundleRule, type BundleView, type DryRunReport } from "../types.ts";

const CHANNEL_OF: Record<string, string> = {
  email: "email", event_invite: "email", mi_response: "email", field_suggestion: "field", visit_request: "field", web_personalization: "web",
};
const FILE_NAME = /^(tests\/)?[A-Za-z0-9._-]+\.ya?ml$/;

export function GovernancePage() {
  const { api } = useSession();
  const bundle = useApi<BundleView>(api, "/v1/governance");
  const [tab, setTab] = useState<string | null>("active");
  return (
    <>
      <PageHeader title="Governance" description="The decision-authority matrix as code: who may decide what, without whom. Deny by default; the most restrictive rule that speaks wins." />
      <ErrorAlert error={bundle.error} />
      {!bundle.data && bundle.loading && <Loading label="Loading the active bundle" />}
      {bundle.data && (
        <Tabs value={tab} onChange={setTab} keepMounted>
          <Tabs.List mb="md">
            <Tabs.Tab value="active">Active bundle</Tabs.Tab>
            <Tabs.Tab value="candidate">Candidate bundle</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="active">
            <ActiveBundle bundle={bundle.data} />
          </Tabs.Panel>
          <Tabs.Panel value="candidate">
            <Candidate active={bundle.data} onActivated={bundle.reload} />
          </Tabs.Panel>
        </Tabs>
      )}
    </>
  );
}

function ActiveBundle({ bundle }: { bundle: BundleView }) {
  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }} component="dl" m={0}>
          <Field label="Accountable owner">{bundle.owner}</Field>
          <Field label="Version (content hash)">
            <Tooltip label={bundle.version}>
              <Code data-testid="bundle-version">{shortHash(bundle.version, 16)}</Code>
            </Tooltip>
          </Field>
          <Field label="When no rule speaks">
            <StatusBadge status={bundle.default} />
          </Field>
        </SimpleGrid>
      </Paper>
      <Paper withBorder radius="md">
        <Title order={2} size="h4" p="md" pb={4}>
          Decision-authority matrix
        </Title>
        <Text size="xs" c="dimmed" px="md" mb="xs">
          For each action and purpose, the rules that may speak (a condition marked “if” must hold) with their outcome and required reviewers. The most restrictive that speaks
          wins.
        </Text>
        <Matrix bundle={bundle} />
      </Paper>
      <Paper withBorder radius="md">
        <Title order={2} size="h4" p="md" pb={4}>
          Rules
        </Title>
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="xs" aria-label="Authority rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Rule</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>If</Table.Th>
                <Table.Th>Outcome</Table.Th>
                <Table.Th>Reviewers</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {bundle.rules.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Code>{r.id}</Code>
                    {r.reason && (
                      <Text size="xs" c="dimmed">
                        {r.reason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{whenText(r)}</Text>
                  </Table.Td>
                  <Table.Td>{r.if ? <Code>{r.if}</Code> : <Text size="xs" c="dimmed">always</Text>}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={r.outcome} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{r.reviewers.join(", ") || "—"}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="xs">
            Contact policy
          </Title>
          <Stack gap={4}>
            {bundle.contact.caps.map((c, i) => (
              <Text key={i} size="sm">
                At most <strong>{c.max}</strong> {c.channel === "all" ? "touches on all channels together" : `${c.channel} touches`} in any {formatDuration(c.perMs)}
              </Text>
            ))}
            <Text size="sm">Minimum gap between two touches of one HCP: {bundle.contact.minGapMs > 0 ? formatDuration(bundle.contact.minGapMs) : "none"}</Text>
            <Text size="sm">
              Quiet hours (the HCP's local time):{" "}
              {bundle.contact.quietHours ? `${clock(bundle.contact.quietHours.fromMinute)} – ${clock(bundle.contact.quietHours.toMinute)}` : "none"}
            </Text>
            <Text size="sm">Exempt purposes (neither capped nor counted): {bundle.contact.exemptPurposes.join(", ") || "none"}</Text>
            <Text size="sm">Arbitration between agents: {bundle.contact.arbitration.join(", then ")}</Text>
          </Stack>
          <Title order={3} size="h5" mt="md" mb={4}>
            Data freshness
          </Title>
          <Text size="sm">
            Data must be newer than {formatDuration(bundle.freshness.defaultMs)} by default
            {Object.keys(bundle.freshness.actions).length > 0
              ? `; ${Object.entries(bundle.freshness.actions)
                  .map(([a, ms]) => `${a}: ${formatDuration(ms)}`)
                  .join(", ")}`
              : ""}
            .
          </Text>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="xs">
            Markets
          </Title>
          <Table aria-label="Markets">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Market</Table.Th>
                <Table.Th>Time zone</Table.Th>
                <Table.Th>Consent</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {Object.entries(bundle.markets).map(([m, rule]) => (
                <Table.Tr key={m}>
                  <Table.Td>{m}</Table.Td>
                  <Table.Td>{rule.timezone ?? "—"}</Table.Td>
                  <Table.Td>
                    <Text size="xs">
                      {Object.entries(rule.consent ?? {})
                        .map(([ch, regime]) => `${ch}: ${regime.replace("_", "-")}`)
                        .join(", ")}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

function whenText(r: BundleRule): string {
  const parts = Object.entries(r.when)
    .filter(([, v]) => Array.isArray(v) && v.length > 0)
    .map(([k, v]) => `${k} ∈ {${(v as string[]).join(", ")}}`);
  return parts.length ? parts.join("; ") : "any proposal";
}

function Matrix({ bundle }: { bundle: BundleView }) {
  const speaks = (r: BundleRule, action: string, purpose: string) =>
    (!r.when.action?.length || r.when.action.includes(action)) &&
    (!r.when.purpose?.length || r.when.purpose.includes(purpose)) &&
    (!r.when.channel?.length || r.when.channel.includes(CHANNEL_OF[action] ?? ""));
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table withColumnBorders verticalSpacing="xs" aria-label="Decision-authority matrix: action by purpose">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Action</Table.Th>
            {PURPOSES.map((p) => (
              <Table.Th key={p} scope="col">
                {p}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ACTION_TYPES.map((action) => (
            <Table.Tr key={action}>
              <Table.Th scope="row">
                <Text size="sm" fw={600}>
                  {action}
                </Text>
                <Text size="xs" c="dimmed">
                  {CHANNEL_OF[action]}
                </Text>
              </Table.Th>
              {PURPOSES.map((purpose) => {
                const rules = bundle.rules.filter((r) => speaks(r, action, purpose));
                const always = rules.some((r) => !r.if && !r.when.market?.length);
                return (
                  <Table.Td key={purpose} data-cell={`${action}/${purpose}`}>
                    <Stack gap={4}>
                      {rules.map((r) => (
                        <Group key={r.id} gap={4} wrap="nowrap" align="flex-start">
                          <StatusBadge status={r.outcome} size="xs" />
                          <Text size="xs">
                            {r.reviewers.length > 0 && <strong>{r.reviewers.map((x) => x.replace("reviewer:", "")).join(" + ")} </strong>}
                            <Text span size="xs" c="dimmed">
                              {r.id}
                              {r.if ? ` — if ${r.if}` : ""}
                              {r.when.market?.length ? ` — in ${r.when.market.join(", ")}` : ""}
                            </Text>
                          </Text>
                        </Group>
                      ))}
                      {!always && (
                        <Group gap={4} wrap="nowrap">
                          <StatusBadge status={bundle.default} size="xs" />
                          <Text size="xs" c="dimmed">
                            {rules.length ? "otherwise: " : ""}default
                          </Text>
                        </Group>
                      )}
                    </Stack>
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

type CandidateResult = { kind: "dry-run"; report: DryRunReport } | { kind: "activated"; version: string; passed: number };

function Candidate({ active, onActivated }: { active: BundleView; onActivated: () => void }) {
  const { api, session } = useSession();
  const [files, setFiles] = useState<Record<string, string>>(() => ({ ...active.files }));
  const names = useMemo(() => Object.keys(files).sort(), [files]);
  const [editing, setEditing] = useState<string | null>(names.includes("authority.yaml") ? "authority.yaml" : (names[0] ?? null));
  const [busy, setBusy] = useState<"dry-run" | "activate" | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<CandidateResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [uploadNote, setUploadNote] = useState<string | null>(null);
  // The server lets only those who may change governance dry-run a candidate (a replay is real work).
  const canActivate = hasRole(session.user, "admin");
  useEffect(() => setResult(null), [files]);

  const upload = async (picked: File[]) => {
    if (picked.length === 0) return;
    const next = { ...files };
    const skipped: string[] = [];
    for (const file of picked) {
      // A folder upload names files bundle/tests/x.yaml; the bundle's own paths start below it.
      const relative = (file.webkitRelativePath || file.name).split("/").slice(-2);
      const name = relative.length === 2 && relative[0] === "tests" ? `tests/${relative[1]}` : (relative[relative.length - 1] ?? file.name);
      if (!FILE_NAME.test(name)) {
        skipped.push(file.name);
        continue;
      }
      next[name] = await file.text();
    }
    setFiles(next);
    setError(null);
    const taken = picked.length - skipped.length;
    setUploadNote(`${taken} file(s) put into the candidate${skipped.length ? `; skipped (not a bundle file): ${skipped.join(", ")}` : ""}.`);
    const first = picked.find((f) => !skipped.includes(f.name));
    if (first) setEditing(Object.keys(next).find((n) => n.endsWith(first.name)) ?? null);
  };

  const dryRun = async () => {
    setBusy("dry-run");
    setError(null);
    setResult(null);
    try {
      const report = await api.post<DryRunReport>("/v1/governance/dry-run", { files });
      setResult({ kind: "dry-run", report });
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const activate = async () => {
    setBusy("activate");
    setError(null);
    try {
      const res = await api.put<{ activated: BundleView; tests: { passed: number } }>("/v1/governance", { files });
      setResult({ kind: "activated", version: res.activated.version, passed: res.tests.passed });
      onActivated();
    } catch (err) {
      // Shown on the page (with line numbers when the bundle does not load), not in the dialog.
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const bundleErrors: BundleError[] = error?.code === "BUNDLE_INVALID" ? (error.fieldDetails as BundleError[]) : [];
  const errorsIn = (name: string) => bundleErrors.filter((e) => e.file === name);

  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <Text size="sm" mb="sm">
          The candidate starts as a copy of the active bundle. Upload changed files (they replace files of the same name; <Code>tests/*.yaml</Code> from a folder keep
          their folder) or edit a file below, then validate it with a dry run: recent decisions are replayed under both bundles and compared.
        </Text>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <FileInput
            label="Upload bundle files"
            description="YAML files: authority.yaml, contact.yaml, markets.yaml, freshness.yaml, tests/…"
            placeholder="Choose .yaml files"
            multiple
            accept=".yaml,.yml"
            clearable
            value={[]}
            onChange={(picked) => void upload(picked)}
            w={{ base: "100%", sm: 380 }}
          />
          <Button onClick={dryRun} loading={busy === "dry-run"} disabled={busy !== null || !canActivate} title={canActivate ? undefined : "Only an admin may dry-run a candidate bundle"}>
            Validate and dry run
          </Button>
          {canActivate && (
            <Button color="red" variant="light" onClick={() => setConfirming(true)} disabled={busy !== null}>
              Activate…
            </Button>
          )}
          <Button variant="default" onClick={() => { setFiles({ ...active.files }); setError(null); setUploadNote(null); }} disabled={busy !== null}>
            Reset to the active bundle
          </Button>
        </Group>
        {uploadNote && (
          <Text size="xs" c="dimmed" mt="xs" role="status">
            {uploadNote}
          </Text>
        )}
      </Paper>

      {error && bundleErrors.length > 0 && (
        <Alert color="red" title="The candidate does not load" role="alert">
          <Text size="sm" mb="xs">
            {error.message}
          </Text>
          <Table aria-label="Bundle errors" data-testid="bundle-errors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>File</Table.Th>
                <Table.Th>Line</Table.Th>
                <Table.Th>Column</Table.Th>
                <Table.Th>Field</Table.Th>
                <Table.Th>Problem</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {bundleErrors.map((e, i) => (
                <Table.Tr key={i}>
                  <Table.Td>
                    <Button size="compact-xs" variant="subtle" onClick={() => setEditing(e.file)}>
                      {e.file}
                    </Button>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={700}>
                      line {e.line}
                    </Text>
                  </Table.Td>
                  <Table.Td>{e.column}</Table.Td>
                  <Table.Td>{e.field ? <Code>{e.field}</Code> : "—"}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {bundleErrors.slice(0, 3).map((e, i) => (
            <Excerpt key={i} text={files[e.file] ?? ""} line={e.line} label={`${e.file}:${e.line}:${e.column}`} />
          ))}
        </Alert>
      )}
      {error && bundleErrors.length === 0 && <ErrorAlert error={error} />}

      {result?.kind === "activated" && (
        <Alert color="teal" title="Activated" role="status">
          Bundle <Code>{shortHash(result.version, 16)}</Code> is active from the next decision on ({result.passed} bundle test(s) passed). The activation is in the audit
          trail.
        </Alert>
      )}
      {result?.kind === "dry-run" && <DryRunView report={result.report} />}

      <Paper withBorder p="md" radius="md">
        <Group align="flex-end" mb="sm">
          <Select label="File" data={names} value={editing} onChange={setEditing} allowDeselect={false} w={260} />
          {editing && errorsIn(editing).length > 0 && (
            <Badge color="red" variant="light">
              {errorsIn(editing).length} error(s) in this file
            </Badge>
          )}
        </Group>
        {editing && files[editing] !== undefined && (
          <Textarea
            label={`Contents of ${editing}`}
            autosize
            minRows={12}
            maxRows={30}
            spellCheck={false}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12 } }}
            value={files[editing]}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setFiles((f) => ({ ...f, [editing]: value }));
            }}
          />
        )}
      </Paper>
      {confirming && (
        <ConfirmDialog opened title="Activate the candidate bundle?" confirmLabel="Activate" color="red" onClose={() => setConfirming(false)} onConfirm={activate}>
          <Text size="sm">
            Every decision from the next one on is made under the candidate. It is validated and its own tests run first; if any fails, nothing changes. The activation is audited under your name.
          </Text>
        </ConfirmDialog>
      )}
    </Stack>
  );
}

/** A few lines around `line` of a file, the line itself marked. */
function Excerpt({ text, line, label }: { text: string; line: number; label: string }) {
  const lines = text.split("\n");
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const rows: ReactNode[] = [];
  for (let n = from; n <= to; n++) {
    rows.push(
      <div key={n} className={n === line ? "yaml-line-bad" : undefined} aria-current={n === line ? "true" : undefined}>
        <span style={{ display: "inline-block", width: "3.5em", color: "var(--mantine-color-dimmed)", userSelect: "none" }}>{n}</span>
        {lines[n - 1] ?? ""}
      </div>,
    );
  }
  return (
    <Paper withBorder mt="xs" p="xs" bg="white" aria-label={`Excerpt of ${label}`}>
      <Text size="xs" fw={600} mb={4}>
        {label}
      </Text>
      <pre className="mono" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
        {rows}
      </pre>
    </Paper>
  );
}

function DryRunView({ report }: { report: DryRunReport }) {
  const outcomes = Object.entries(report.byOutcome);
  return (
    <Paper withBorder p="md" radius="md" aria-label="Dry run">
      <Title order={2} size="h4" mb="xs">
        What would change
      </Title>
      <Text size="sm" mb="sm" data-testid="dry-run-summary">
        The candidate loads. {report.replayed} recent decision(s) replayed; <strong>{report.changed}</strong> would change. Bundle tests: {report.tests.passed} passed,{" "}
        {report.tests.failed.length} failed. Candidate version <Code>{shortHash(report.candidateVersion, 12)}</Code>
        {report.candidateVersion === report.activeVersion ? " (the same as the active bundle)" : ""}.
      </Text>
      {report.tests.failed.length > 0 && (
        <Alert color="red" mb="sm" title="Bundle tests fail: it cannot be activated">
          {report.tests.failed.map((f, i) => (
            <Text key={i} size="sm">
              {f.file}: {f.name} — expected {JSON.stringify(f.expected)}, got {JSON.stringify(f.actual)}
            </Text>
          ))}
        </Alert>
      )}
      {outcomes.length > 0 && (
        <Group gap="lg" mb="sm">
          {outcomes.map(([o, n]) => (
            <Group key={o} gap={4}>
              <OutcomeBadge outcome={o} />
              <Text size="sm">
                {n.before} → <strong>{n.after}</strong>
              </Text>
            </Group>
          ))}
        </Group>
      )}
      {report.changes.length === 0 ? (
        <Empty title="No decision would change" />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="Decisions that would change">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Decision</Table.Th>
                <Table.Th>Agent → HCP</Table.Th>
                <Table.Th>Now</Table.Th>
                <Table.Th>Under the candidate</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.changes.slice(0, 200).map((c) => (
                <Table.Tr key={c.decisionId}>
                  <Table.Td>
                    <Link href={`/decisions/${encodeURIComponent(c.decisionId)}`} size="sm">
                      {formatTime(c.decidedAt, true)}
                    </Link>
                    <Text size="xs" c="dimmed">
                      {c.action}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {c.agentId} → {c.hcpId}
                  </Table.Td>
                  <Table.Td>
                    <OutcomeBadge outcome={c.before.outcome} />
                    <Text size="xs" c="dimmed">
                      {c.before.reasons.join(", ")}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <OutcomeBadge outcome={c.after.outcome} />
                    <Text size="xs" c="dimmed">
                      {c.after.reasons.join(", ")}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
