// Confirmations: a change that needs a stated reason, and an electronic signature (password re-entry
// and its meaning, 21 CFR Part 11 style).
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { Button, Group, Modal, PasswordInput, Stack, Text, Textarea, Paper } from "@mantine/core";
import { asApiError, type ApiError, type Me } from "../api.ts";
import { ErrorAlert } from "./common.tsx";

export interface ReasonDialogProps {
  opened: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  color?: string;
  onClose: () => void;
  /** Resolves when done; a thrown ApiError is shown in the dialog. */
  onConfirm: (reason: string) => Promise<void>;
}

export function ReasonDialog({ opened, title, children, confirmLabel, color = "blue", onClose, onConfirm }: ReasonDialogProps) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (opened) {
      setReason("");
      setError(null);
    }
  }, [opened]);
  const tooShort = reason.trim().length < 3;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (tooShort) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>{title}</Text>} centered size="lg">
      <form onSubmit={submit}>
        <Stack>
          {children}
          <Textarea
            label="Reason"
            description="Recorded in the audit trail with your name. At least 3 characters."
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-autofocus
          />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} type="button">
              Cancel
            </Button>
            <Button type="submit" color={color} loading={busy} disabled={tooShort}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export interface SignatureDialogProps {
  opened: boolean;
  title: string;
  signer: Me;
  meaning: "approved" | "rejected" | "reviewed";
  /** A rejection states why. */
  needsReason?: boolean;
  children?: ReactNode;
  onClose: () => void;
  onSign: (signature: { password: string; meaning: "approved" | "rejected" | "reviewed" }, reason: string) => Promise<void>;
}

export function SignatureDialog({ opened, title, signer, meaning, needsReason = false, children, onClose, onSign }: SignatureDialogProps) {
  const [password, setPassword] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (opened) {
      setPassword("");
      setReason("");
      setError(null);
    }
  }, [opened]);
  const ready = password.length > 0 && (!needsReason || reason.trim().length >= 3);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      await onSign({ password, meaning }, reason.trim());
      onClose();
    } catch (err) {
      setError(asApiError(err));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>{title}</Text>} centered size="lg">
      <form onSubmit={submit}>
        <Stack>
          {children}
          {needsReason && (
            <Textarea label="Reason for rejection" required autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
          )}
          <Paper withBorder p="sm" bg="gray.0">
            <Text size="sm" fw={600}>
              Electronic signature
            </Text>
            <Text size="sm">
              Signed by <strong>{signer.name}</strong> ({signer.username}) — meaning: <strong>{meaning}</strong>. The time of signing is recorded by
              the server.
            </Text>
            <Text size="xs" c="dimmed" mt={4}>
              By entering your password you sign this record; the signature is legally binding and cannot be changed afterwards.
            </Text>
          </Paper>
          <PasswordInput
            label="Your password"
            description="Re-enter your password to sign"
            required
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-autofocus={needsReason ? undefined : true}
          />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} type="button">
              Cancel
            </Button>
            <Button type="submit" color={meaning === "rejected" ? "red" : "teal"} loading={busy} disabled={!ready}>
              Sign: {meaning}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export interface ConfirmDialogProps {
  opened: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  color?: string;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}

/** A confirmation without a stated reason (where the API records none). */
export function ConfirmDialog({ opened, title, children, confirmLabel, color = "blue", onClose, onConfirm }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (opened) setError(null);
  }, [opened]);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>{title}</Text>} centered size="lg">
      <Stack>
        {children}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color={color} loading={busy} onClick={() => void confirm()} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
