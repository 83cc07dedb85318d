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
import { AccountLanguageSwitch } from '../i18n/LanguageSwitch';
import { useTranslation } from 'react-i18next';
import { i18next } from '../i18n';
import { forgetOfflineReads } from '../offline/register';

interface NavItem {
  to: string;
  /** Its label and description are `layout:nav.<key>.label` / `.description` (a key `ns:path` names them in a feature's namespace). */
  key: string;
  needs: Permission;
}

const NAV: NavItem[] = [
  { to: '/overview', key: 'overview', needs: 'reports.read' },
  { to: '/facilities', key: 'facilities', needs: 'facilities.read' },
  { to: '/persons', key: 'persons', needs: 'persons.read' },
  { to: '/persons/new', key: 'register', needs: 'persons.write' },
  { to: '/rollcalls', key: 'rollcalls', needs: 'rollcall.run' },
  { to: '/alerts', key: 'alerts', needs: 'alerts.read' },
  { to: '/screening', key: 'screening', needs: 'screening.read' },
  { to: '/identify', key: 'identify', needs: 'biometrics.read' },
  { to: '/duplicates', key: 'duplicates', needs: 'biometrics.read' },
  { to: '/monitor', key: 'monitor', needs: 'ledger.verify' },
  { to: '/statements', key: 'statements:nav', needs: 'ledger.verify' },
  { to: '/replay', key: 'replay:nav', needs: 'reports.read' },
  { to: '/guards', key: 'guards:nav', needs: 'guards.read' },
  { to: '/confirmations', key: 'guardintegrity:nav', needs: 'custody.confirm' },
  { to: '/watchlists', key: 'watchlists', needs: 'screening.read' },
  { to: '/audit', key: 'audit', needs: 'audit.read' },
  { to: '/users', key: 'users', needs: 'users.manage' },
  { to: '/transfers', key: 'transfers:nav', needs: 'transfers.read' },
  { to: '/transfers/dashboard', key: 'transfersplan:nav.dashboard', needs: 'transfers.read' },
  { to: '/transfers/plan', key: 'transfersplan:nav.plan', needs: 'transfers.plan' },
  { to: '/operations', key: 'sensors:nav', needs: 'sensors.read' },
  { to: '/sensors', key: 'sensors:navAdmin', needs: 'sensors.read' },
  { to: '/sightings', key: 'sightings:nav.sightings', needs: 'sightings.read' },
  { to: '/checkpoint', key: 'sightings:nav.checkpoint', needs: 'sightings.check' },
  { to: '/reviews', key: 'review:nav', needs: 'reviews.read' },
  { to: '/sync', key: 'sync:nav', needs: 'sync.read' },
  { to: '/tracing', key: 'families:nav', needs: 'tracing.read' },
  { to: '/cases', key: 'cases:nav', needs: 'cases.read' },
  { to: '/reintegration', key: 'casework:nav.reintegration', needs: 'cases.read' },
  { to: '/cases/figures', key: 'casework:nav.figuresNav', needs: 'cases.figures' },
  { to: '/repatriation', key: 'repatriation:nav', needs: 'repatriation.read' },
];

/** The demo world's label (the server writes "1:27 miniature of al-Hol" or "al-Hol at full scale") in the interface's language. */
function demoLabel(label: string): string {
  const scaled = /^1:(\d+) miniature of al-Hol$/.exec(label);
  if (scaled) return i18next.t('layout:demo.miniature', { n: scaled[1]! });
  return label === 'al-Hol at full scale' ? i18next.t('layout:demo.fullScale') : label;
}

const navKey = (key: string, part: 'label' | 'description') => (key.includes(':') ? `${key}.${part}` : `nav.${key}.${part}`);

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation('layout');
  const session = useSession();
  const { path, navigate } = useRouter();
  const qc = useQueryClient();
  const [opened, { toggle, close }] = useDisclosure(false);
  const facilities = useFacilityNames(session.can('facilities.read'));
  const openAlerts = useOpenAlertCount();
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const onAlert = useCallback((a: Alert) => {
    if (a.status === 'open') setFresh((s) => new Set(s).add(a.id));
  }, []);
  const streamState = useAlertStream(onAlert);
  const health = useHealth().data;

  const scope = [
    session.facilityIds.length ? session.facilityIds.map((id) => facilities.get(id)?.name ?? t('scope.facility')).join(t('scope.separator')) : null,
    session.nationalities.length ? t('scope.nationals', { list: session.nationalities.join(t('scope.separator')) }) : null,
  ]
    .filter(Boolean)
    .join(' · ');

  async function logout() {
    // The screens stop asking first (a poll or a refresh landing after the session ended answered 401), then the
    // session ends on the server.
    const screens = { predicate: (q: { queryKey: readonly unknown[] }) => q.queryKey[0] !== 'me' };
    await qc.cancelQueries(screens);
    markSignedIn(false); // /auth/me is not asked again on this browser
    qc.setQueryData(['me'], null); // the sign-in page replaces every screen
    qc.removeQueries(screens);
    await new Promise((settle) => setTimeout(settle, 0)); // let React unmount the screens before the session ends
    await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
    setBearer(null);
    forgetOfflineReads();
    navigate('/', { replace: true });
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px={{ base: 'xs', sm: 'md' }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('menu')} />
            {/* on a phone the header keeps the menu, the user, the language and sign-out within the width */}
            <Title order={2} size="h4" c="teal.9" visibleFrom="xs">
              {t('appName')}
            </Title>
            {health?.demo && (
              // A scaled demo must never pass for the real camp, nor its 2026 clock for today.
              <Tooltip label={t('demo.tooltip', { seed: health.demo.seed })}>
                <Badge color="grape" variant="light" size="lg" maw={{ base: 120, sm: 'none' }} style={{ textTransform: 'none' }} data-testid="demo-label">
                  {t('demo.label', { label: demoLabel(health.demo.label) })}
                </Badge>
              </Tooltip>
            )}
            {health?.clock === 'scenario' && (
              <Text size="xs" c="dimmed" visibleFrom="md" data-testid="server-clock">
                {t('scenarioTime', { time: dateTime(health.now) })}
              </Text>
            )}
          </Group>
          {/* on a phone the user and scope give way (truncated), sign-out moves into the menu: nothing leaves the width */}
          <Group gap="xs" wrap="nowrap" miw={0}>
            <Stack gap={0} align="flex-end" miw={0}>
              <Text component="div" size="sm" fw={600} truncate="end" maw="100%" data-testid="whoami">
                {session.username}
                <Badge ms={6} size="sm" variant="light" data-testid="role">
                  {roleLabel(session.role)}
                </Badge>
              </Text>
              <Text size="xs" c="dimmed" truncate="end" maw="100%" title={scope || t('scope.all')} data-testid="scope">
                {scope || t('scope.all')}
              </Text>
            </Stack>
            <AccountLanguageSwitch />
            <Button variant="default" size="xs" onClick={logout} visibleFrom="sm" style={{ flexShrink: 0 }}>
              {t('signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('mainNav')} style={{ overflowY: 'auto' }}>
        {NAV.filter((n) => session.can(n.needs)).map((n, _, shown) => {
          // The most specific entry is the active one (/persons/new is "Register", not "Persons").
          const matches = (to: string) => path === to || path.startsWith(`${to}/`);
          const active = matches(n.to) && !shown.some((o) => o.to.length > n.to.length && matches(o.to));
          return (
            <NavLink
              key={n.to}
              href={n.to}
              label={t(navKey(n.key, 'label'))}
              description={t(navKey(n.key, 'description'))}
              active={active}
              aria-current={active ? 'page' : undefined}
              variant="light"
              rightSection={
                n.to === '/alerts' && openAlerts > 0 ? (
                  <Tooltip label={t('openAlerts')}>
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
        <Button variant="default" mt="md" onClick={logout} hiddenFrom="sm" data-testid="menu-sign-out">
          {t('signOut')}
        </Button>
      </AppShell.Navbar>
      <AppShell.Main>
        <LiveAlertsContext.Provider value={{ state: streamState, fresh }}>{children}</LiveAlertsContext.Provider>
      </AppShell.Main>
    </AppShell>
  );
}
