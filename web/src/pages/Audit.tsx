// The tamper-evident audit trail: browse the hash-chained records, run the verification, see the head.
import { Fragment, useCallback, useEffect, useState } from "react";
import { Alert, Button, Code, CopyButton, Group, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { asApiError, type ApiError } from "../api.ts";
import { useSession } from "../session.tsx";
import { Empty, ErrorAlert, JsonBlock, Loading, PageHeader, Tag } from "../components/common.tsx";
import { newestAudit, type AuditPage as Page } from "../audit.ts";
import { formatTime, shortHash } from "../format.ts";
import type { AuditRecord, Verification } from "../types.ts";

const PAGE = 100;

export function AuditPage() {
  const { api } = useSession();
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [atHead, setAtHead] = useState(true);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [filter, setFilter] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (how: "newest" | { after: number }) => {
      setLoading(true);
      setError(null);
      try {
        if (how === "newest") {
          setRecords(await newestAudit(api, PAGE));
          setAtHead(true);
        } else {
          const page = await api.get<Page>(`/v1/audit?after=${how.after}&limit=${PAGE}`);
          setRecords(page.records);
          setAtHead(page.next === null);
        }
      } catch (err) {
        setError(asApiError(err));
      } finally {
        setLoading(false);
      }
    },
    [api],
  );
  useEffect(() => void load("newest"), [load]);

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerification(await api.get<Verification>("/v1/audit/verify"));
    } catch (err) {
      setVerifyError(asApiError(err));
    } finally {
      setVerifying(false);
    }
  };

  const first = records?.[0]?.seq ?? 1;
  const last = records?.[records.length - 1]?.seq ?? 0;
  const needle = filter.trim().toLowerCase();
  const shown = (records ?? []).filter((r) => !needle || `${r.type} ${r.actor} ${r.subject}`.toLowerCase().includes(needle));
  const newestFirst = [...shown].reverse();

  return (
    <>
      <PageHeader
        title="Audit"
        description="Every decision, review, policy change, halt and content event, in a hash chain: each record's hash covers the one before it. Verification finds any record edited, removed or moved."
        actions={
          <Button onClick={verify} loading={verifying}>
            Verify the chain
          </Button>
        }
      />
      <ErrorAlert error={verifyError} />
      {verification && (
        <Alert
          mb="md"
          color={verification.ok ? "teal" : "red"}
          title={verification.ok ? "The audit trail is intact" : "The audit trail is broken"}
          role="status"
          data-testid="verification"
        >
          <Stack gap={4}>
            <Text size="sm">
              {verification.entries} record(s) verified{verification.ok ? "; every hash matches and the head matches its anchor." : "."}
            </Text>
            {!verification.ok && (
              <Text size="sm" fw={600}>
                First bad record: {verification.firstBadSeq ?? "—"} {verification.problem ? `— ${verification.problem}` : ""}
              </Text>
            )}
            <Group gap="xs" wrap="nowrap">
              <Text size="sm">Head hash:</Text>
              <Code style={{ wordBreak: "break-all" }} data-testid="head-hash">
                {verification.headHash ?? "—"}
              </Code>
              {verification.headHash && (
                <CopyButton value={verification.headHash}>
                  {({ copied, copy }) => (
                    <Button size="compact-xs" variant="subtle" onClick={copy}>
                      {copied ? "Copied" : "Copy"}
                    </Button>
                  )}
                </CopyButton>
              )}
            </Group>
            {verification.anchor && (
              <Text size="xs" c="dimmed">
                Anchored outside the database at seq {verification.anchor.seq}
                {verification.anchor.location ? ` in ${verification.anchor.location}` : ""}.
              </Text>
            )}
          </Stack>
        </Alert>
      )}
      <Paper withBorder radius="md">
        <Group justify="space-between" p="sm" wrap="wrap">
          <TextInput
            label="Filter this page"
            placeholder="type, actor or subject, e.g. agent.halted"
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
            w={{ base: "100%", sm: 320 }}
          />
          <Group gap="xs" align="flex-end">
            <Button variant="default" size="xs" onClick={() => void load({ after: 0 })} disabled={loading || first <= 1}>
              Oldest
            </Button>
            <Button variant="default" size="xs" onClick={() => void load({ after: Math.max(0, first - 1 - PAGE) })} disabled={loading || first <= 1}>
              Older
            </Button>
            <Button variant="default" size="xs" onClick={() => void load({ after: last })} disabled={loading || atHead}>
              Newer
            </Button>
            <Button variant="default" size="xs" onClick={() => void load("newest")} disabled={loading}>
              Newest
            </Button>
          </Group>
        </Group>
        <ErrorAlert error={error} />
        {records === null && loading && <Loading label="Loading the audit trail" />}
        {records && (
          <Text size="xs" c="dimmed" px="sm" pb="xs">
            Records {first}–{last}
            {atHead ? " (the newest)" : ""}, newest first{needle ? `; ${shown.length} match the filter` : ""}.
          </Text>
        )}
        {records && shown.length === 0 && <Empty title="No records">{needle ? "Nothing on this page matches the filter." : "The trail is empty."}</Empty>}
        {shown.length > 0 && (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs" aria-label="Audit records">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Seq</Table.Th>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Hash</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">Details</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {newestFirst.map((r) => (
                  <Fragment key={r.seq}>
                    <Table.Tr data-seq={r.seq} className={verification && !verification.ok && verification.firstBadSeq === r.seq ? "yaml-line-bad" : undefined}>
                      <Table.Td className="mono">{r.seq}</Table.Td>
                      <Table.Td className="nowrap">{formatTime(r.at)}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{r.actor}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Tag color={r.type.includes("halt") || r.type.includes("withdraw") ? "red" : "indigo"}>{r.type}</Tag>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" className="mono" maw={360} style={{ wordBreak: "break-all" }}>
                          {r.subject}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Code title={r.hash}>{shortHash(r.hash, 10)}</Code>
                      </Table.Td>
                      <Table.Td>
                        <Button size="compact-xs" variant="subtle" onClick={() => setOpen(open === r.seq ? null : r.seq)} aria-expanded={open === r.seq} aria-label={`Details of record ${r.seq}`}>
                          {open === r.seq ? "Hide" : "Details"}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                    {open === r.seq && (
                      <Table.Tr>
                        <Table.Td colSpan={7}>
                          <Stack gap={4}>
                            <Text size="xs">
                              prevHash <Code>{r.prevHash}</Code>
                            </Text>
                            <Text size="xs">
                              hash <Code>{r.hash}</Code>
                            </Text>
                            <JsonBlock value={r.data} label={`Data of record ${r.seq}`} />
                          </Stack>
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}
