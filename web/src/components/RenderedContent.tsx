// Content as an HCP would read it: the server's render (the one renderer: modules and safety information
// placed, exactly the text that is approved and sent), shown character for character. Copy that repeats
// a claim's approved text is marked with the claim's id and status; the safety information is set apart
// where it stands; personalization tokens (filled at dispatch) show as labelled slots.
import { Fragment, type ReactNode } from "react";
import { Badge, Box, Group, Paper, Stack, Text } from "@mantine/core";
import type { Asset, Claim } from "../types.ts";
import { StatusBadge } from "./common.tsx";

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

type Piece = { kind: "text"; text: string } | { kind: "claim"; claimId: string; text: string } | { kind: "isi"; text: string } | { kind: "slot"; name: string };

/** The rendered text split into plain text, claim text, the safety information and token slots; every character kept. */
export function splitRendered(text: string, safetyInfo: string | null, claims: ReadonlyMap<string, Claim>): Piece[] {
  const at = safetyInfo ? text.indexOf(safetyInfo) : -1;
  if (at >= 0 && safetyInfo) {
    return [...splitTokens(text.slice(0, at), claims), { kind: "isi", text: safetyInfo }, ...splitRendered(text.slice(at + safetyInfo.length), safetyInfo, claims)];
  }
  return splitTokens(text, claims);
}

function splitTokens(text: string, claims: ReadonlyMap<string, Claim>): Piece[] {
  const pieces: Piece[] = [];
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
function markClaimText(text: string, claims: ReadonlyMap<string, Claim>): Piece[] {
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

const claimColor = (claim: Claim | undefined) => (!claim ? "red" : claim.status === "approved" ? "teal" : claim.status === "withdrawn" ? "red" : "yellow");

function ClaimMark({ claim, claimId, children }: { claim: Claim | undefined; claimId: string; children: ReactNode }) {
  const color = claimColor(claim);
  return (
    <Box
      component="mark"
      data-claim={claimId}
      title={`claim ${claimId}${claim ? ` v${claim.version}, ${claim.status}` : " (unknown)"}`}
      style={{ background: `var(--mantine-color-${color}-1)`, borderBottom: `2px solid var(--mantine-color-${color}-6)`, padding: "0 2px", borderRadius: 2 }}
    >
      {children}
      <Text component="sup" size="xs" c={`${color}.8`} fw={700} ml={2}>
        {claimId}
      </Text>
    </Box>
  );
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
                <ClaimMark key={i} claim={claims.get(p.claimId)} claimId={p.claimId}>
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
  return (
    <Stack gap="xs">
      <RenderedText subject={asset.subject} text={asset.rendered || asset.body} safetyInfo={asset.safetyInfo} claims={claims} label={`Rendered content of ${asset.title}`} />
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
            </Group>
          );
        })}
      </Group>
    </Stack>
  );
}
