// The console's frame: sign-in, then the pages this person's roles open, in a responsive shell.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ComponentType } from "react";
import { AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text, Title, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Api, type Me } from "./api.ts";
import { hasRole, loadSession, saveSession, SessionContext, useSession, type Session } from "./session.tsx";
import { navigate, useLocation } from "./router.tsx";
import { Loading, Empty } from "./components/common.tsx";
import { REVIEWER_ROLES, type Role } from "./types.ts";
import { LoginPage } from "./pages/Login.tsx";
import { PortfolioPage } from "./pages/Portfolio.tsx";
import { ReviewsPage } from "./pages/Reviews.tsx";
import { DecisionsPage } from "./pages/Decisions.tsx";
import { DecisionPage } from "./pages/Decision.tsx";
import { ContentPage } from "./pages/Content.tsx";
import { GovernancePage } from "./pages/Governance.tsx";
import { AuditPage } from "./pages/Audit.tsx";
import { HcpsPage } from "./pages/Hcps.tsx";

// The charts carry recharts; they load with the page that draws them.
const DataPage = lazy(() => import("./pages/Data.tsx").then((m) => ({ default: m.DataPage })));

interface PageDef {
  path: string;
  label: string;
  /** Roles that open it; empty: every signed-in person. */
  roles: Role[];
  component: ComponentType;
}

const PAGES: PageDef[] = [
  { path: "/portfolio", label: "Portfolio", roles: [], component: PortfolioPage },
  { path: "/reviews", label: "Reviews", roles: [...REVIEWER_ROLES], component: ReviewsPage },
  { path: "/decisions", label: "Decisions", roles: [], component: DecisionsPage },
  { path: "/content", label: "Content", roles: [], component: ContentPage },
  { path: "/hcps", label: "HCPs", roles: [], component: HcpsPage },
  { path: "/data", label: "Data and metrics", roles: [], component: DataPage },
  { path: "/governance", label: "Governance", roles: [], component: GovernancePage },
  { path: "/audit", label: "Audit", roles: ["auditor"], component: AuditPage },
];

const canOpen = (user: Me, page: PageDef) => page.roles.length === 0 || hasRole(user, ...page.roles);

/** Where a person lands: their own work first. */
function homeOf(user: Me): string {
  if (!user.roles.includes("admin")) {
    if (user.roles.some((r) => r.startsWith("reviewer:"))) return "/reviews";
    if (user.roles.includes("auditor")) return "/audit";
  }
  return "/portfolio";
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const signOut = useCallback(() => {
    setSession((current) => {
      if (current?.via === "password") {
        // The token this sign-in issued stops working; failing that, it is forgotten here anyway.
        void new Api(current.token).delete("/v1/sessions/current").catch(() => undefined);
      }
      saveSession(null);
      return null;
    });
    // The next person starts from their own home page, not from where this one left off.
    navigate("/", { replace: true });
  }, []);
  const api = useMemo(() => (session ? new Api(session.token, signOut) : null), [session, signOut]);

  // A remembered session is checked once: the token may have been revoked meanwhile.
  useEffect(() => {
    if (!api) return;
    api.get<Me>("/v1/me").catch(() => undefined);
  }, [api]);

  const signedIn = (s: Session) => {
    saveSession(s);
    setSession(s);
    const path = window.location.pathname;
    if (path === "/" || path === "/login") navigate(homeOf(s.user), { replace: true });
  };

  if (!session || !api) return <LoginPage onSignedIn={signedIn} />;
  return (
    <SessionContext.Provider value={{ session, api, signOut }}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { path } = useLocation();
  const ctx = useSession();
  const user = ctx.session.user;
  const pages = PAGES.filter((p) => canOpen(user, p));

  useEffect(() => {
    if (path === "/" || path === "/login") navigate(homeOf(user), { replace: true });
  }, [path, user]);
  useEffect(() => close(), [path, close]);

  const page = PAGES.find((p) => path === p.path || path.startsWith(p.path + "/"));
  const isDecision = path.startsWith("/decisions/") && path.length > "/decisions/".length;
  let content;
  if (!page) content = <Empty title="No such page">This address is not a page of the console.</Empty>;
  else if (!canOpen(user, page)) content = <Empty title="Not for your roles">{page.label} needs one of: {page.roles.join(", ")}.</Empty>;
  else if (isDecision) content = <DecisionPage id={decodeURIComponent(path.slice("/decisions/".length))} />;
  else {
    const Page = page.component;
    content = <Page />;
  }
  useEffect(() => {
    document.title = `${page?.label ?? "Steward"} · Steward console`;
  }, [page]);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? "Close navigation" : "Open navigation"} />
            <Title order={2} size="h4">
              Steward
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="xs">
              console
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Tooltip label={user.roles.join(", ")}>
              <Group gap={6} wrap="nowrap" aria-label={`Signed in as ${user.name}, roles ${user.roles.join(", ")}`}>
                <Text size="sm" fw={600} visibleFrom="xs">
                  {user.name}
                </Text>
                <Badge variant="light" size="sm" tt="none" visibleFrom="md">
                  {user.roles.length === 1 ? user.roles[0] : `${user.roles.length} roles`}
                </Badge>
              </Group>
            </Tooltip>
            <Button variant="default" size="xs" onClick={ctx.signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Console pages">
        <ScrollArea>
          <nav>
            {pages.map((p) => (
              <NavLink
                key={p.path}
                href={p.path}
                label={p.label}
                active={path === p.path || path.startsWith(p.path + "/")}
                aria-current={path === p.path ? "page" : undefined}
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey) return;
                  e.preventDefault();
                  navigate(p.path);
                }}
              />
            ))}
          </nav>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>{content}</Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
