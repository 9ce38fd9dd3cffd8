// An agent's thresholds: its owner sets the bundle's tunables (authority.yaml `tunables:`) for it, each
// within the bundle's bounds; the server refuses a value outside them (THRESHOLD_OUT_OF_BOUNDS).
import { useEffect, useState, type FormEvent } from "react";
import { Button, Group, Modal, NumberInput, Stack, Text } from "@mantine/core";
import { asApiError, type Api, type ApiError } from "../api.ts";
import { ErrorAlert } from "./common.tsx";
import type { Agent } from "../types.ts";

export interface Tunable {
  min: number;
  max: number;
  default: number;
}

export function ThresholdsDialog({ api, agent, tunables, onClose, onSaved }: { api: Api; agent: Agent; tunables: Record<string, Tunable>; onClose: () => void; onSaved: () => void }) {
  const [values, setValues] = useState<Record<string, number>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    setValues(Object.fromEntries(Object.entries(tunables).map(([name, t]) => [name, agent.thresholds?.[name] ?? t.default])));
  }, [agent, tunables]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.put(`/v1/agents/${encodeURIComponent(agent.id)}/thresholds`, values);
      onSaved();
      onClose();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>Thresholds of {agent.name}</Text>} centered>
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm" c="dimmed">
            The governance bundle's rules read these as <code>agent.thresholds.&lt;name&gt;</code>. Each decision records the value it used.
          </Text>
          {Object.entries(tunables).map(([name, t]) => (
            <NumberInput
              key={name}
              label={name}
              description={`between ${t.min} and ${t.max}; default ${t.default}`}
              value={values[name] ?? t.default}
              min={t.min}
              max={t.max}
              step={0.01}
              decimalScale={4}
              onChange={(v) => setValues((old) => ({ ...old, [name]: typeof v === "number" ? v : Number(v) }))}
            />
          ))}
          <ErrorAlert error={error} title="Not saved" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save thresholds
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
