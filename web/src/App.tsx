import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Center, Loader } from '@mantine/core';
import { api, ApiError, setBearer, setUnauthorizedHandler, type Me, type Permission } from './lib/api';
import { matchPath, useRouter } from './lib/router';
import { hasSignedIn, markSignedIn, SessionProvider, useSession } from './lib/session';
import { Layout } from './components/Layout';
import { LoginPage } from './routes/LoginPage';
import { ChangePasswordPage } from './routes/ChangePasswordPage';
import { Forbidden, NotFound } from './components/Problems';
import { useTranslation } from 'react-i18next';
import { useAccountLanguage } from './i18n/LanguageSwitch';
import { forgetOfflineReads } from './offline/register';

const OverviewPage = lazy(() => import('./routes/OverviewPage'));
const FacilitiesPage = lazy(() => import('./routes/FacilitiesPage'));
const FacilityPage = lazy(() => import('./routes/FacilityPage'));
const PersonsPage = lazy(() => import('./routes/PersonsPage'));
const PersonPage = lazy(() => import('./routes/PersonPage'));
const EnrolPage = lazy(() => import('./routes/EnrolPage'));
const PersonEditPage = lazy(() => import('./routes/PersonEditPage'));
const RollcallsPage = lazy(() => import('./routes/RollcallsPage'));
const RollcallPage = lazy(() => import('./routes/RollcallPage'));
const AlertsPage = lazy(() => import('./routes/AlertsPage'));
const MonitorPage = lazy(() => import('./routes/MonitorPage'));
const ScreeningPage = lazy(() => import('./routes/ScreeningPage'));
const DuplicatesPage = lazy(() => import('./routes/DuplicatesPage'));
const DuplicateCasePage = lazy(() => import('./routes/DuplicateCasePage'));
const IdentifyPage = lazy(() => import('./routes/IdentifyPage'));
const GuardsPage = lazy(() => import('./features/guards/GuardsPage'));
const GateCheckInPage = lazy(() => import('./features/guards/GateCheckInPage'));
const PatrolsPage = lazy(() => import('./features/guards/PatrolsPage'));
const PatrolScanPage = lazy(() => import('./features/guards/PatrolScanPage'));
const GuardsHeatmapPage = lazy(() => import('./features/guards/GuardsHeatmapPage'));
const GuardStaffPage = lazy(() => import('./features/guards/GuardStaffPage'));
const ConfirmationsPage = lazy(() => import('./features/integrity/ConfirmationsPage'));
const HandoverStartPage = lazy(() => import('./features/integrity/HandoverPage').then((m) => ({ default: m.HandoverStartPage })));
const HandoverPage = lazy(() => import('./features/integrity/HandoverPage').then((m) => ({ default: m.HandoverPage })));
const UsersPage = lazy(() => import('./routes/UsersPage'));
const WatchlistsPage = lazy(() => import('./routes/WatchlistsPage'));
const AuditPage = lazy(() => import('./routes/AuditPage'));
const FacilitySettingsPage = lazy(() => import('./routes/FacilitySettingsPage'));
const TransfersPage = lazy(() => import('./features/transfers/TransfersPage'));
const ArrivalPage = lazy(() => import('./features/transfers/ArrivalPage'));
const ArrivalPrintPage = lazy(() => import('./features/transfers/ArrivalPrintPage'));
const OperationPlannerPage = lazy(() => import('./features/transfers/OperationPlannerPage'));
const OperationDashboardPage = lazy(() => import('./features/transfers/OperationDashboardPage'));
const BoardingTabletPage = lazy(() => import('./features/transfers/BoardingTabletPage'));
const OperationsPage = lazy(() => import('./features/sensors/OperationsPage'));
const SensorsAdminPage = lazy(() => import('./features/sensors/SensorsAdminPage'));
const CheckpointPage = lazy(() => import('./features/sightings/CheckpointPage'));
const SightingsPage = lazy(() => import('./features/sightings/SightingsPage'));
const CasesPage = lazy(() => import('./features/cases/CasesPage'));
const CasePage = lazy(() => import('./features/cases/CasePage'));
const CaseFiguresPage = lazy(() => import('./features/cases/CaseFiguresPage'));
const ReintegrationListPage = lazy(() => import('./features/cases/ReintegrationListPage'));
const ReintegrationCasePage = lazy(() => import('./features/cases/ReintegrationCasePage'));
// ---- repatriation (issue 23, part B) ----
const RepatriationDashboardPage = lazy(() => import('./features/cases/RepatriationDashboardPage'));
const RepatriationListPage = lazy(() => import('./features/cases/RepatriationListPage'));
const RepatriationRequestPage = lazy(() => import('./features/cases/RepatriationRequestPage'));
const ReviewsPage = lazy(() => import('./features/reviews/ReviewsPage'));
const ReviewPage = lazy(() => import('./features/reviews/ReviewPage'));
const StatementsPage = lazy(() => import('./features/statements/StatementsPage'));
const ReplayPage = lazy(() => import('./features/replay/ReplayPage'));
const SyncPage = lazy(() => import('./features/sync/SyncPage'));
const IdentityCasesPage = lazy(() => import('./features/sync/IdentityCasesPage'));
const IdentityCasePage = lazy(() => import('./features/sync/IdentityCasePage'));
const FamilyViewPage = lazy(() => import('./features/cases/FamilyViewPage'));
const FamilyTracingPage = lazy(() => import('./features/cases/FamilyTracingPage'));
const FamilyTracingRequestPage = lazy(() => import('./features/cases/FamilyTracingRequestPage'));

interface RouteDef {
  pattern: string;
  needs: Permission[];
  render: (params: Record<string, string>) => ReactNode;
}

/** Every screen with the permissions it needs: the menu shows only these, and a typed-in URL is refused the same way. */
export const ROUTES: RouteDef[] = [
  { pattern: '/', needs: [], render: () => <Home /> },
  { pattern: '/overview', needs: ['reports.read'], render: () => <OverviewPage /> },
  { pattern: '/facilities', needs: ['facilities.read'], render: () => <FacilitiesPage /> },
  { pattern: '/facilities/:id', needs: ['facilities.read'], render: (p) => <FacilityPage id={p.id!} /> },
  { pattern: '/persons', needs: ['persons.read'], render: () => <PersonsPage /> },
  { pattern: '/persons/new', needs: ['persons.write'], render: () => <EnrolPage /> },
  { pattern: '/persons/:id', needs: ['persons.read'], render: (p) => <PersonPage id={p.id!} /> },
  { pattern: '/persons/:id/edit', needs: ['persons.read', 'persons.write'], render: (p) => <PersonEditPage id={p.id!} /> },
  { pattern: '/rollcalls', needs: ['rollcall.run'], render: () => <RollcallsPage /> },
  { pattern: '/rollcalls/:id', needs: ['rollcall.run'], render: (p) => <RollcallPage id={p.id!} /> },
  { pattern: '/alerts', needs: ['alerts.read'], render: () => <AlertsPage /> },
  { pattern: '/screening', needs: ['screening.read'], render: () => <ScreeningPage /> },
  { pattern: '/duplicates', needs: ['biometrics.read', 'persons.read'], render: () => <DuplicatesPage /> },
  { pattern: '/duplicates/:id', needs: ['biometrics.read', 'persons.read'], render: (p) => <DuplicateCasePage id={p.id!} /> },
  { pattern: '/monitor', needs: ['ledger.verify'], render: () => <MonitorPage /> },
  { pattern: '/identify', needs: ['biometrics.read'], render: () => <IdentifyPage /> },
  { pattern: '/guards', needs: ['guards.read'], render: () => <GuardsPage /> },
  { pattern: '/guards/gate', needs: ['guards.read', 'guards.attendance'], render: () => <GateCheckInPage /> },
  { pattern: '/guards/patrols', needs: ['guards.read'], render: () => <PatrolsPage /> },
  { pattern: '/guards/patrols/scan', needs: ['guards.read', 'guards.attendance'], render: () => <PatrolScanPage /> },
  { pattern: '/guards/heatmap', needs: ['guards.read'], render: () => <GuardsHeatmapPage /> },
  { pattern: '/guards/staff', needs: ['guards.read'], render: () => <GuardStaffPage /> },
  { pattern: '/confirmations', needs: ['custody.confirm'], render: () => <ConfirmationsPage /> },
  { pattern: '/guards/handover', needs: ['guards.read', 'guards.manage'], render: () => <HandoverStartPage /> },
  { pattern: '/guards/handovers/:id', needs: ['guards.read'], render: (p) => <HandoverPage id={p.id!} /> },
  { pattern: '/facilities/:id/settings', needs: ['facilities.read'], render: (p) => <FacilitySettingsPage id={p.id!} /> },
  { pattern: '/users', needs: ['users.manage'], render: () => <UsersPage /> },
  { pattern: '/watchlists', needs: ['screening.read'], render: () => <WatchlistsPage /> },
  { pattern: '/audit', needs: ['audit.read'], render: () => <AuditPage /> },
  { pattern: '/transfers', needs: ['transfers.read'], render: () => <TransfersPage /> },
  { pattern: '/transfers/movements/:id/arrival', needs: ['transfers.read'], render: (p) => <ArrivalPage id={p.id!} /> },
  { pattern: '/transfers/movements/:id/print', needs: ['transfers.read'], render: (p) => <ArrivalPrintPage id={p.id!} /> },
  { pattern: '/transfers/plan', needs: ['transfers.read'], render: () => <OperationPlannerPage /> },
  { pattern: '/transfers/dashboard', needs: ['transfers.read'], render: () => <OperationDashboardPage /> },
  { pattern: '/transfers/board/:id', needs: ['transfers.read', 'transfers.run'], render: (p) => <BoardingTabletPage id={p.id!} /> },
  { pattern: '/operations', needs: ['sensors.read'], render: () => <OperationsPage /> },
  { pattern: '/sensors', needs: ['sensors.read'], render: () => <SensorsAdminPage /> },
  { pattern: '/checkpoint', needs: ['sightings.check'], render: () => <CheckpointPage /> },
  { pattern: '/sightings', needs: ['sightings.read'], render: () => <SightingsPage /> },
  { pattern: '/reviews', needs: ['reviews.read'], render: () => <ReviewsPage /> },
  { pattern: '/reviews/:id', needs: ['reviews.read'], render: (p) => <ReviewPage id={p.id!} /> },
  { pattern: '/statements', needs: ['ledger.verify'], render: () => <StatementsPage /> },
  { pattern: '/replay', needs: ['reports.read'], render: () => <ReplayPage /> },
  { pattern: '/sync', needs: ['sync.read'], render: () => <SyncPage /> },
  { pattern: '/sync/identity-cases', needs: ['biometrics.read'], render: () => <IdentityCasesPage /> },
  { pattern: '/sync/identity-cases/:id', needs: ['biometrics.read'], render: (p) => <IdentityCasePage id={p.id!} /> },
  { pattern: '/families/:id', needs: ['families.read'], render: (p) => <FamilyViewPage id={p.id!} /> },
  { pattern: '/tracing', needs: ['tracing.read'], render: () => <FamilyTracingPage /> },
  { pattern: '/tracing/:id', needs: ['tracing.read'], render: (p) => <FamilyTracingRequestPage id={p.id!} /> },
  { pattern: '/cases', needs: ['cases.read'], render: () => <CasesPage /> },
  { pattern: '/cases/figures', needs: ['cases.figures'], render: () => <CaseFiguresPage /> },
  { pattern: '/cases/:id', needs: ['cases.read'], render: (p) => <CasePage id={p.id!} /> },
  { pattern: '/reintegration', needs: ['cases.read'], render: () => <ReintegrationListPage /> },
  { pattern: '/reintegration/:id', needs: ['cases.read'], render: (p) => <ReintegrationCasePage id={p.id!} /> },
  // ---- repatriation (issue 23, part B) ----
  { pattern: '/repatriation', needs: ['repatriation.read'], render: () => <RepatriationDashboardPage /> },
  { pattern: '/repatriation/requests', needs: ['repatriation.read'], render: () => <RepatriationListPage /> },
  { pattern: '/repatriation/requests/:id', needs: ['repatriation.read'], render: (p) => <RepatriationRequestPage id={p.id!} /> },
];

/** The first screen a role lands on. */
function Home() {
  const s = useSession();
  const { navigate } = useRouter();
  useEffect(() => {
    const to = s.can('reports.read')
      ? '/overview'
      : s.can('sightings.check') && !s.can('facilities.read')
        ? '/checkpoint'
        : s.can('screening.decide')
          ? '/screening'
          : s.can('persons.read')
            ? '/persons'
            : '/facilities';
    navigate(to, { replace: true });
  }, [s, navigate]);
  return null;
}

function Routed() {
  const { path } = useRouter();
  const session = useSession();
  for (const r of ROUTES) {
    const params = matchPath(r.pattern, path);
    if (!params) continue;
    if (!r.needs.every((p) => session.can(p))) return <Forbidden />;
    return r.render(params);
  }
  return <NotFound />;
}

export function App() {
  // Subscribed to the language: a switch renders the whole app again in the new language.
  const { t } = useTranslation('common');
  const qc = useQueryClient();
  const { path, navigate } = useRouter();
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me | null> => {
      // Without a sign-in on this browser there is no session to ask about (and no 401 in the console).
      if (!hasSignedIn()) return null;
      try {
        return await api<Me>('/auth/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          markSignedIn(false);
          return null;
        }
        throw e;
      }
    },
    retry: false,
    staleTime: 60_000,
  });
  useEffect(() => {
    setUnauthorizedHandler(() => {
      markSignedIn(false);
      forgetOfflineReads(); // the session ended: the reads the service worker kept for it go too
      qc.setQueryData(['me'], null);
    });
  }, [qc]);

  useAccountLanguage(me.data?.locale);

  const unauthenticated = me.data === null;
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('loading')} />
      </Center>
    );
  }
  if (unauthenticated || !me.data) {
    return (
      <LoginPage
        error={me.error}
        onLoggedIn={async () => {
          markSignedIn(true);
          await qc.resetQueries({ queryKey: ['me'] });
          if (path === '/login') navigate('/', { replace: true });
        }}
      />
    );
  }
  if (me.data.mustChangePassword) {
    return (
      <ChangePasswordPage
        username={me.data.username}
        onChanged={() => qc.resetQueries({ queryKey: ['me'] })}
        onSignOut={async () => {
          await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
          markSignedIn(false);
          setBearer(null);
          qc.setQueryData(['me'], null);
        }}
      />
    );
  }
  return (
    <SessionProvider me={me.data}>
      <Layout>
        <Suspense
          fallback={
            <Center h={300}>
              <Loader aria-label={t('loading')} />
            </Center>
          }
        >
          <Routed />
        </Suspense>
      </Layout>
    </SessionProvider>
  );
}
