// Content as an HCP would read it: the server's render (the one renderer: modules and safety information
// placed, exactly the text that is approved and sent), shown character for character. An asset's claims
// are highlighted from the server's claim spans: every placed `{{claim:ID}}` module and every sentence of
// copy that restates a claim (also in its own words), marked with the claim's id and status; a
// restatement that leaves out a figure, population or qualifier of its claim is marked as incomplete.
// Other text (an action's own content) marks copy that repeats a claim's approved text. Merge fields
// (filled at dispatch) show as slots; the safety information is set apart.
import { Fragment, type ReactNode } from "react";
import { Badge, Box, Group, Paper, Stack, Text } from "@mantine/core";
import type { Asset, Claim, ClaimSpan, Finding } from "../types.ts";
import { StatusBadge } from "./common.tsx";

const SLOT = /\{\{\s*([^}]*?)\s*\}\}/g;

type Piece =
  | { kind: "text"; text: string }
  | { kind: "claim"; span: ClaimSpan; text: string; incomplete: Finding | null }
  | { kind: "isi"; text: string };

/** The rendered text cut at the claim spans (earliest first, overlaps dropped) and at the safety information. */
export function piecesOf(asset: Pick<Asset, "rendered" | "claimSpans" | "safetyInfo" | "checks">): Piece[] {
  const text = asset.rendered;
  const isiAt = asset.safetyInfo ? text.lastIndexOf(asset.safetyInfo) : -1;
  const isi = isiAt >= 0 ? { start: isiAt, end: isiAt + asset.safetyInfo!.length } : null;
  const incomplete = asset.checks.filter((f) => f.code === "CLAIM_RESTATEMENT_INCOMPLETE" && f.span?.field === "rendered");
  const cuts: ({ start: number; end: number } & ({ kind: "claim"; span: ClaimSpan } | { kind: "isi" }))[] = [];
  for (const span of [...(asset.claimSpans ?? [])].sort((a, b) => a.start - b.start)) {
    if (cuts.some((c) => span.start < c.end && span.end > c.start)) continue;
    if (isi && span.start >= isi.start && span.end <= isi.end) continue;
    cuts.push({ start: span.start, end: span.end, kind: "claim", span });
  }
  if (isi && !cuts.some((c) => isi.start < c.end && isi.end > c.start)) cuts.push({ ...isi, kind: "isi" });
  cuts.sort((a, b) => a.start - b.start);
  const pieces: Piece[] = [];
  let at = 0;
  for (const c of cuts) {
    if (c.start > at) pieces.push({ kind: "text", text: text.slice(at, c.start) });
    const piece = text.slice(c.start, c.end);
    if (c.kind === "isi") pieces.push({ kind: "isi", text: piece });
    else pieces.push({ kind: "claim", span: c.span, text: piece, incomplete: incomplete.find((f) => f.span!.start === c.start && f.claimId === c.span.claimId) ?? null });
    at = c.end;
  }
  if (at < text.length) pieces.push({ kind: "text", text: text.slice(at) });
  return pieces;
}

/** Merge fields filled at dispatch (`{{hcp.name}}`, `{{unsubscribe}}`) as slots. */
function withSlots(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(SLOT)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(
      <Badge key={m.index} variant="outline" color="gray" size="sm" tt="none" radius="sm" mx={2}>
        {m[1] || "field"}
      </Badge>,
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const claimColor = (claim: Claim | undefined) => (!claim ? "gray" : claim.status === "approved" ? "teal" : claim.status === "withdrawn" ? "red" : "yellow");

function ClaimMark({ claim, span, incomplete, children }: { claim: Claim | undefined; span: ClaimSpan; incomplete: Finding | null; children: ReactNode }) {
  const color = incomplete ? "red" : claimColor(claim);
  const what = span.kind === "module" ? "claim module" : incomplete ? "incomplete restatement of claim" : "restates claim";
  return (
    <Box
      component="mark"
      data-claim={span.claimId}
      data-kind={span.kind}
      data-incomplete={incomplete ? "true" : undefined}
      title={`${what} ${span.claimId}${claim ? ` v${claim.version}, ${claim.status}` : ""}${incomplete ? ` — ${incomplete.message}` : ""}`}
      style={{
        background: `var(--mantine-color-${color}-1)`,
        borderBottom: `2px ${span.kind === "module" ? "solid" : "dashed"} var(--mantine-color-${color}-6)`,
        padding: "0 2px",
        borderRadius: 2,
      }}
    >
      {withSlots(String(children))}
      <Text component="sup" size="xs" c={`${color}.8`} fw={700} ml={2}>
        {span.claimId}
        {span.kind === "restatement" ? (incomplete ? " (incomplete)" : " (restated)") : ""}
      </Text>
    </Box>
  );
}

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

type TextPiece = { kind: "text"; text: string } | { kind: "claim"; claimId: string; text: string } | { kind: "isi"; text: string } | { kind: "slot"; name: string };

/** The rendered text split into plain text, claim text, the safety information and token slots; every character kept. */
export function splitRendered(text: string, safetyInfo: string | null, claims: ReadonlyMap<string, Claim>): TextPiece[] {
  const at = safetyInfo ? text.indexOf(safetyInfo) : -1;
  if (at >= 0 && safetyInfo) {
    return [...splitTokens(text.slice(0, at), claims), { kind: "isi", text: safetyInfo }, ...splitRendered(text.slice(at + safetyInfo.length), safetyInfo, claims)];
  }
  return splitTokens(text, claims);
}

function splitTokens(text: string, claims: ReadonlyMap<string, Claim>): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > last) pieces.push(...markClaimText(text.slice(last, m.index), claims));
    last = m.index + m[0].length;
    pieces.push({ kind: "slot", name: m[1] ?? "" });
  }
  if (last < text.length) pieces.push(...markClaimText(text.slice(last), claims));
  return pieces;
}

/** Copy that states a claim word for word is that claim. */
function markClaimText(text: string, claims: ReadonlyMap<string, Claim>): TextPiece[] {
  const lower = text.toLowerCase();
  let best: { at: number; claim: Claim } | null = null;
  for (const claim of claims.values()) {
    const needle = claim.text.trim().toLowerCase();
    if (!needle) continue;
    const at = lower.indexOf(needle);
    if (at >= 0 && (best === null || at < best.at)) best = { at, claim };
  }
  if (!best) return text ? [{ kind: "text", text }] : [];
  const end = best.at + best.claim.text.trim().length;
  return [
    ...(best.at > 0 ? [{ kind: "text" as const, text: text.slice(0, best.at) }] : []),
    { kind: "claim" as const, claimId: best.claim.id, text: text.slice(best.at, end) },
    ...markClaimText(text.slice(end), claims),
  ];
}

/** A subject and text exactly as sent (or as they will be sent), with claims, ISI and token slots marked. */
export function RenderedText({ subject, text, safetyInfo, claims, label }: { subject: string | null | undefined; text: string; safetyInfo: string | null; claims: ReadonlyMap<string, Claim>; label: string }) {
  const pieces = splitRendered(text, safetyInfo, claims);
  return (
    <Paper withBorder p="md" radius="md" aria-label={label}>
      {subject && (
        <Text size="sm" mb="xs">
          <Text span c="dimmed">
            Subject:{" "}
          </Text>
          <strong>{subject}</strong>
        </Text>
      )}
      <Text size="sm" component="div" style={{ whiteSpace: "pre-wrap", lineHeight: 1.7 }} data-rendered-text>
        {pieces.map((p, i) => {
          switch (p.kind) {
            case "text":
              return <Fragment key={i}>{p.text}</Fragment>;
            case "claim":
              return (
                <ClaimMark key={i} claim={claims.get(p.claimId)} span={{ claimId: p.claimId, start: 0, end: 0, kind: "module" }} incomplete={null}>
                  {p.text}
                </ClaimMark>
              );
            case "isi":
              return (
                <Box key={i} component="aside" aria-label="Important safety information" my={4} pl="xs" style={{ borderLeft: "3px solid var(--mantine-color-gray-5)", display: "block" }}>
                  {p.text}
                </Box>
              );
            case "slot":
              return (
                <Badge key={i} variant="outline" color="gray" size="sm" tt="none" radius="sm" mx={2} title="filled from the HCP's profile at dispatch">
                  {`{{${p.name}}}`}
                </Badge>
              );
            default: {
              const never: never = p;
              return never;
            }
          }
        })}
      </Text>
    </Paper>
  );
}

export function RenderedContent({ asset, claims }: { asset: Asset; claims: ReadonlyMap<string, Claim> }) {
  const pieces = piecesOf(asset);
  const marked = new Set(pieces.flatMap((p) => (p.kind === "claim" ? [p.span.claimId] : [])));
  return (
    <Stack gap="xs">
      <Paper withBorder p="md" radius="md" aria-label={`Rendered content of ${asset.title}`}>
        {asset.subject && (
          <Text size="sm" mb="xs">
            <Text span c="dimmed">
              Subject:{" "}
            </Text>
            <strong>{asset.subject}</strong>
          </Text>
        )}
        <Text size="sm" component="div" style={{ whiteSpace: "pre-wrap", lineHeight: 1.7 }}>
          {pieces.map((p, i) => {
            switch (p.kind) {
              case "text":
                return <Fragment key={i}>{withSlots(p.text)}</Fragment>;
              case "claim":
                return (
                  <ClaimMark key={i} claim={claims.get(p.span.claimId)} span={p.span} incomplete={p.incomplete}>
                    {p.text}
                  </ClaimMark>
                );
              case "isi":
                return (
                  <Box key={i} component="aside" aria-label="Important safety information" mt="sm" p="xs" style={{ borderLeft: "3px solid var(--mantine-color-gray-5)" }}>
                    <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                      Important safety information
                    </Text>
                    <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                      {p.text}
                    </Text>
                  </Box>
                );
              default: {
                const never: never = p;
                return never;
              }
            }
          })}
        </Text>
      </Paper>
      <Group gap="xs" aria-label="Claims in this content">
        <Text size="xs" c="dimmed">
          Claims:
        </Text>
        {asset.claims.length === 0 && (
          <Text size="xs" c="dimmed">
            none
          </Text>
        )}
        {asset.claims.map((id) => {
          const claim = claims.get(id);
          return (
            <Group key={id} gap={4}>
              <Badge variant="dot" color={claimColor(claim)} tt="none">
                {id}
                {claim ? ` v${claim.version}` : ""}
              </Badge>
              {claim && <StatusBadge status={claim.status} size="xs" />}
              {!marked.has(id) && (
                <Text size="xs" c="orange.8">
                  not found in the copy
                </Text>
              )}
            </Group>
          );
        })}
      </Group>
    </Stack>
  );
}
