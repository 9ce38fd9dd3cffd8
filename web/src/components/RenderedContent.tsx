// An asset as an HCP would read it, its claims highlighted: `{{claim:ID}}` modules and copy that repeats a
// claim's approved text are marked with the claim's id and status; the safety information is set apart.
import { Fragment, type ReactNode } from "react";
import { Badge, Box, Group, Paper, Stack, Text } from "@mantine/core";
import type { Asset, Claim } from "../types.ts";
import { StatusBadge } from "./common.tsx";

const PLACEHOLDER = /\{\{\s*(claim:([A-Za-z0-9][A-Za-z0-9._:-]*?)(?:@(\d+))?|isi|[^}]*)\s*\}\}/g;

type Piece = { kind: "text"; text: string } | { kind: "claim"; claimId: string; text: string } | { kind: "isi" } | { kind: "slot"; name: string };

/** The copy split into plain text, claim modules, the ISI slot and merge fields filled at dispatch. */
export function splitBody(body: string, claims: ReadonlyMap<string, Claim>): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of body.matchAll(PLACEHOLDER)) {
    if (m.index > last) pieces.push(...markClaimText(body.slice(last, m.index), claims));
    last = m.index + m[0].length;
    if (m[2]) pieces.push({ kind: "claim", claimId: m[2], text: claims.get(m[2])?.text ?? `[claim ${m[2]}]` });
    else if (m[1] === "isi") pieces.push({ kind: "isi" });
    else pieces.push({ kind: "slot", name: (m[1] ?? "").trim() });
  }
  if (last < body.length) pieces.push(...markClaimText(body.slice(last), claims));
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

export function RenderedContent({ asset, claims }: { asset: Asset; claims: ReadonlyMap<string, Claim> }) {
  const pieces = splitBody(asset.body, claims);
  const isiPlaced = pieces.some((p) => p.kind === "isi");
  const isi = asset.safetyInfo ? (
    <Box component="aside" aria-label="Important safety information" mt="sm" p="xs" style={{ borderLeft: "3px solid var(--mantine-color-gray-5)" }}>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed">
        Important safety information
      </Text>
      <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
        {asset.safetyInfo}
      </Text>
    </Box>
  ) : null;
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
                return <Fragment key={i}>{p.text}</Fragment>;
              case "claim":
                return (
                  <ClaimMark key={i} claim={claims.get(p.claimId)} claimId={p.claimId}>
                    {p.text}
                  </ClaimMark>
                );
              case "isi":
                return <Fragment key={i}>{isi}</Fragment>;
              case "slot":
                return (
                  <Badge key={i} variant="outline" color="gray" size="sm" tt="none" radius="sm" mx={2}>
                    {p.name || "field"}
                  </Badge>
                );
              default: {
                const never: never = p;
                return never;
              }
            }
          })}
        </Text>
        {!isiPlaced && isi}
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
            </Group>
          );
        })}
      </Group>
    </Stack>
  );
}
