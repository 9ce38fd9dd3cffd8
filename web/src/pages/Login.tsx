// Signing in: a username and password (the server issues a token for this session), or a user token.
import { useState, type FormEvent } from "react";
import { Button, Center, Paper, PasswordInput, Stack, Tabs, Text, TextInput, Title } from "@mantine/core";
import { Api, asApiError, signIn, type ApiError, type Me } from "../api.ts";
import { ErrorAlert } from "../components/common.tsx";
import type { Session } from "../session.tsx";

export function LoginPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const withPassword = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token: issued, user } = await signIn(username.trim(), password);
      onSignedIn({ token: issued, user, via: "password" });
    } catch (err) {
      setError(asApiError(err));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  const withToken = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await new Api(token.trim()).get<Me>("/v1/me");
      if (me.kind !== "user") throw new Error("this is an agent key; the console is for people — sign in with a user token");
      onSignedIn({ token: token.trim(), user: me, via: "token" });
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack gap="xs" mb="md">
          <Title order={1} size="h2">
            Steward console
          </Title>
          <Text size="sm" c="dimmed">
            For agent owners, reviewers, marketing operations and auditors.
          </Text>
        </Stack>
        <Tabs defaultValue="password" keepMounted={false} onChange={() => setError(null)}>
          <Tabs.List grow mb="md">
            <Tabs.Tab value="password">Username and password</Tabs.Tab>
            <Tabs.Tab value="token">User token</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="password">
            <form onSubmit={withPassword} aria-label="Sign in with username and password">
              <Stack>
                <TextInput label="Username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoFocus />
                <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
                <ErrorAlert error={error} title="Not signed in" />
                <Button type="submit" loading={busy} disabled={!username.trim() || !password}>
                  Sign in
                </Button>
              </Stack>
            </form>
          </Tabs.Panel>
          <Tabs.Panel value="token">
            <form onSubmit={withToken} aria-label="Sign in with a user token">
              <Stack>
                <PasswordInput
                  label="User token"
                  description="A token issued by POST /v1/users or STEWARD_ADMIN_TOKEN"
                  required
                  value={token}
                  onChange={(e) => setToken(e.currentTarget.value)}
                />
                <ErrorAlert error={error} title="Not signed in" />
                <Button type="submit" loading={busy} disabled={!token.trim()}>
                  Sign in with token
                </Button>
              </Stack>
            </form>
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Center>
  );
}
