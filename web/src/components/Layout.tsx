import { useCallback, useState, type ReactNode } from 'react';
import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { api, setBearer, type Permission } from '../lib/api';
import { useRouter } from '../lib/router';
import { markSignedIn, useSession } from '../lib/session';
import { useFacilityNames, useHealth } from '../lib/queries';
import { dateTime, roleLabel } from '../lib/format';
import { LiveAlertsContext, useAlertStream, useOpenAlertCount } from '../features/alerts/alerts.queries';
import type { Alert } from '../lib/api';
import { LanguageSwitch } from '../i18n/LanguageSwitch';

interface NavItem {
  to: string;
  label: string;
  needs: Permission;
  description: string;
}

const NAV: NavItem[] = [
  { to: '/overview', label: 'Overview', needs: 'reports.read', description: 'Map, population, Delta' },
  { to: '/facilities', label: 'Facilities', needs: 'facilities.read', description: 'Units and custody events' },
  { to: '/persons', label: 'Persons', needs: 'persons.read', description: 'Search and records' },
  { to: '/persons/new', label: 'Register', needs: 'persons.write', description: 'Enrol a person' },
  { to: '/rollcalls', label: 'Roll call', needs: 'rollcall.run', description: 'Count a block' },
  { to: '/alerts', label: 'Alerts', needs: 'alerts.read', description: 'Live inbox' },
  { to: '/screening', label: 'Screening', needs: 'screening.read', description: 'Watchlist review' },
  { to: '/duplicates', label: 'Duplicates', needs: 'biometrics.read', description: 'Same person twice?' },
  { to: '/monitor', label: 'Monitor', needs: 'ledger.verify', description: 'Ledger and counts' },
];

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { path, navigate } = useRouter();
  const qc = useQueryClient();
  const [opened, { toggle, close }] = useDisclosure(false);
  const facilities = useFacilityNames();
  const openAlerts = useOpenAlertCount();
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const onAlert = useCallback((a: Alert) => {
    if (a.status === 'open') setFresh((s) => new Set(s).add(a.id));
  }, []);
  const streamState = useAlertStream(onAlert);
  const health = useHealth().data;

  const scope = [
    session.facilityIds.length ? session.facilityIds.map((id) => facilities.get(id)?.name ?? 'facility').join(', ') : null,
    session.nationalities.length ? `${session.nationalities.join(', ')} nationals` : null,
  ]
    .filter(Boolean)
    .join(' · ');

  async function logout() {
    await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
    markSignedIn(false);
    setBearer(null);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    qc.setQueryData(['me'], null);
    navigate('/', { replace: true });
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={2} size="h4" c="teal.9">
              Custos
            </Title>
            {health?.demo && (
              // A scaled demo must never pass for the real camp, nor its 2026 clock for today.
              <Tooltip label={`A demo world (seed ${health.demo.seed}), replayed through the real ledger; its clock runs on from the scenario's time`}>
                <Badge color="grape" variant="light" size="lg" style={{ textTransform: 'none' }} data-testid="demo-label">
                  Demo: {health.demo.label}
                </Badge>
              </Tooltip>
            )}
            {health?.clock === 'scenario' && (
              <Text size="xs" c="dimmed" visibleFrom="md" data-testid="server-clock">
                scenario time {dateTime(health.now)}
              </Text>
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Stack gap={0} align="flex-end">
              <Text component="div" size="sm" fw={600} data-testid="whoami">
                {session.username}
                <Badge ml={6} size="sm" variant="light" data-testid="role">
                  {roleLabel(session.role)}
                </Badge>
              </Text>
              <Text size="xs" c="dimmed" data-testid="scope">
                {scope || 'All facilities and nationalities'}
              </Text>
            </Stack>
            <LanguageSwitch />
            <Button variant="default" size="xs" onClick={logout}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {NAV.filter((n) => session.can(n.needs)).map((n, _, shown) => {
          // The most specific entry is the active one (/persons/new is "Register", not "Persons").
          const matches = (to: string) => path === to || path.startsWith(`${to}/`);
          const active = matches(n.to) && !shown.some((o) => o.to.length > n.to.length && matches(o.to));
          return (
            <NavLink
              key={n.to}
              href={n.to}
              label={n.label}
              description={n.description}
              active={active}
              aria-current={active ? 'page' : undefined}
              variant="light"
              rightSection={
                n.to === '/alerts' && openAlerts > 0 ? (
                  <Tooltip label="Open alerts">
                    <Badge color="red" size="sm" circle={openAlerts < 10} data-testid="nav-alert-count">
                      {openAlerts}
                    </Badge>
                  </Tooltip>
                ) : undefined
              }
              onClick={(e) => {
                if (e.metaKey || e.ctrlKey) return;
                e.preventDefault();
                navigate(n.to);
                close();
              }}
            />
          );
        })}
      </AppShell.Navbar>
      <AppShell.Main>
        <LiveAlertsContext.Provider value={{ state: streamState, fresh }}>{children}</LiveAlertsContext.Provider>
      </AppShell.Main>
    </AppShell>
  );
}
