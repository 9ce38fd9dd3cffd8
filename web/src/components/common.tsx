// Small pieces every page uses: badges in the product's words, errors as the API states them, headers.
import type { ReactNode } from "react";
import { Alert, Badge, Box, Center, Code, Group, List, Loader, Stack, Text, Title } from "@mantine/core";
import type { ApiError } from "../api.ts";
import { humanize } from "../format.ts";

/** A badge shows its whole word, never an ellipsis: a squeezed table cell grows instead. */
const WHOLE = { root: { overflow: "visible", flexShrink: 0, minWidth: "fit-content" }, label: { overflow: "visible" } } as const;

const OUTCOME_COLOR: Record<string, string> = { allowed: "teal", scheduled: "blue", pending_review: "orange", rejected: "red" };

export function OutcomeBadge({ outcome, size = "sm" }: { outcome: string; size?: "xs" | "sm" | "md" }) {
  return (
    <Badge color={OUTCOME_COLOR[outcome] ?? "gray"} variant="light" size={size} styles={WHOLE}>
      {humanize(outcome)}
    </Badge>
  );
}

export const outcomeColor = (outcome: string) => OUTCOME_COLOR[outcome] ?? "gray";

const STATUS_COLOR: Record<string, string> = {
  active: "teal", paused: "yellow", halted: "red",
  approved: "teal", draft: "gray", submitted: "blue", in_review: "blue", rejected: "red", withdrawn: "red", expired: "orange", changes_requested: "yellow",
  open: "orange", cancelled: "gray",
  pass: "teal", fail: "red", hold: "orange", skipped: "gray",
  error: "red", warning: "yellow", info: "blue",
  autonomous: "teal", confirm: "orange", forbidden: "red",
};

export function StatusBadge({ status, size = "sm" }: { status: string; size?: "xs" | "sm" | "md" | "lg" }) {
  return (
    <Badge color={STATUS_COLOR[status] ?? "gray"} variant={status === "halted" || status === "withdrawn" ? "filled" : "light"} size={size} styles={WHOLE}>
      {humanize(status)}
    </Badge>
  );
}

/** A short label (an event type, a claim id) in a badge that shows it whole. */
export function Tag({ children, color = "indigo", variant = "light" }: { children: ReactNode; color?: string; variant?: "light" | "filled" | "outline" | "dot" }) {
  return (
    <Badge color={color} variant={variant} tt="none" styles={WHOLE}>
      {children}
    </Badge>
  );
}

export function ReasonCode({ code, ruleId }: { code: string; ruleId?: string | undefined }) {
  const blocking = !["AUTHORITY_AUTONOMOUS", "AUTHORITY_CONFIRM"].includes(code);
  return (
    <Box
      component="span"
      className="mono"
      title={ruleId ? `rule ${ruleId}` : undefined}
      px={6}
      py={1}
      style={{
        display: "inline-block",
        border: `1px solid var(--mantine-color-${blocking ? "dark-4" : "gray-4"})`,
        borderRadius: 4,
        color: blocking ? "var(--mantine-color-dark-7)" : "var(--mantine-color-gray-7)",
        fontWeight: blocking ? 700 : 500,
        whiteSpace: "nowrap",
        lineHeight: 1.5,
      }}
    >
      {code}
      {ruleId ? <span style={{ fontWeight: 400 }}> · {ruleId}</span> : null}
    </Box>
  );
}

export function ErrorAlert({ error, title }: { error: ApiError | undefined | null; title?: string }) {
  if (!error) return null;
  const details = error.fieldDetails;
  return (
    <Alert color="red" title={title ?? `${error.code}${error.status ? ` (${error.status})` : ""}`} role="alert">
      <Text size="sm">{error.message}</Text>
      {details.length > 0 && (
        <List size="sm" mt="xs">
          {details.map((d, i) => (
            <List.Item key={i}>
              {d.file ? `${d.file}:${d.line ?? "?"}:${d.column ?? "?"} ` : ""}
              {d.field ? <Code>{d.field}</Code> : null} {d.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="md" wrap="wrap" gap="sm">
      <Box maw={760}>
        <Title order={1} size="h2">
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm" mt={4}>
            {description}
          </Text>
        )}
      </Box>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

export function Loading({ label = "Loading" }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="xs">
        <Loader size="sm" />
        <Text size="sm" c="dimmed">
          {label}…
        </Text>
      </Group>
    </Center>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack gap={4} py="lg" px="md" align="center" ta="center">
      <Text fw={600}>{title}</Text>
      {children && (
        <Text size="sm" c="dimmed" maw={560}>
          {children}
        </Text>
      )}
    </Stack>
  );
}

export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  return (
    <Code block aria-label={label} style={{ whiteSpace: "pre-wrap", wordBreak: "break-word", maxHeight: 360, overflow: "auto" }}>
      {JSON.stringify(value, null, 2)}
    </Code>
  );
}

/** A label and a value in a definition list. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} component="dt">
        {label}
      </Text>
      <Box component="dd" m={0} fz="sm">
        {children}
      </Box>
    </Box>
  );
}
