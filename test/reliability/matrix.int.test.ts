// The role x scope x operation matrix: every operation of the OpenAPI document called as users of every role (and
// facility- and nationality-scoped users), over real HTTP. The expected table below is written from the policy as the
// design states it, not read from the code under test. Then every operation again as the scoped users, aimed at
// records inside and outside their scope: no answer (list, count, search, event stream, relation, audit row, error
// message) may name a person the scope hides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createTestApp, targets, type TestApp } from '../harness';
import { validValue } from './fuzz';
import { listen, send } from './http';
import { fillPath, loadOperations, type Operation } from './openapi';
import { buildMatrixWorld, type MatrixWorld, NAMES } from './matrix-world';
import { Rng } from './prng';

const ALL = 'admin commander officer registrar screening investigator legal monitor liaison';
// one's own account: every role, the checkpoint officer's too (who sees no facility and no person)
const ME = `${ALL} checkpoint`;
const PERSONS_READ = 'admin commander officer registrar screening investigator legal liaison';
const CUSTODY_READ = 'admin commander officer registrar investigator legal liaison';
// a registrar records admissions only; the matrix sends a move
const CUSTODY_MOVE = 'admin commander officer';
const PERSONS_WRITE = 'admin registrar';
const REPORTS = 'admin commander officer investigator legal monitor liaison';
const ROLLCALL_RUN = 'admin commander officer';
const ALERTS_READ = 'admin commander officer investigator monitor legal liaison';
const ALERTS_MANAGE = 'admin commander officer';
const SCREENING_READ = 'admin screening investigator';
const SCREENING_DECIDE = 'admin screening';
const BIOMETRICS_READ = 'admin registrar officer investigator';
const BIOMETRICS_ENROL = 'admin registrar';
const FACILITIES_WRITE = 'admin commander';
const AUDIT = 'admin investigator monitor';
const TRANSFERS_READ = 'admin commander officer investigator monitor';
const TRANSFERS_PLAN = 'admin commander';
const TRANSFERS_RUN = 'admin commander officer';
// the guard force: readable only by the roles that manage it
const GUARDS_READ = 'admin commander officer';
const GUARDS_MANAGE = 'admin commander';
const GUARDS_ATTENDANCE = 'admin commander officer';
// perimeter sensors, incidents and staff reports (issue 20)
const SENSORS_READ = 'admin commander officer investigator monitor';
const SENSORS_MANAGE = 'admin commander';
const SENSORS_INGEST = 'admin commander officer';
const INCIDENTS_MANAGE = 'admin commander officer';
const STAFF_REPORTS_FILE = 'admin commander officer registrar';
// the two-person rule: a release or a correction of an escape is requested (custody.append, not a registrar's event)
// and confirmed by a second officer (custody.confirm)
const CUSTODY_CONFIRM = 'admin commander officer';
// sightings (issue 19): the checkpoint officer checks and sees nothing else
const SIGHTINGS_CHECK = 'admin investigator checkpoint';
const SIGHTINGS_READ = 'admin commander investigator';
const SIGHTINGS_DECIDE = 'admin investigator';
const SIGHTINGS_RECAPTURE = 'admin commander officer';
const NOTICES_READ = 'admin commander investigator legal';
const NOTICES_DRAFT = 'admin investigator legal';
const NOTICES_APPROVE = 'admin commander legal';
const REVIEWS_READ = 'admin commander investigator legal monitor';
const REVIEWS_WRITE = 'admin commander investigator';
const REVIEWS_APPROVE = 'admin commander';
// repatriation (issue 23, part B): a liaison reads and acts for their own state; the handover is the detaining side's
const REPATRIATION_READ = 'admin commander legal liaison';
const REPATRIATION_WRITE = 'admin legal liaison';
const REPATRIATION_HANDOVER = 'admin commander legal';
// cases, families and children (issue 23 part C): a monitor reads the family view without names
const FAMILIES_READ = 'admin commander officer registrar legal monitor liaison';
const FAMILIES_DECIDE = 'admin commander legal';
const TRACING_READ = 'admin commander registrar legal monitor';
const TRACING_WRITE = 'admin registrar legal';
// cases (issue 23 part A, cases-legal): a legal officer writes, commanders read, monitors see figures only
const CASES_READ = 'admin commander legal';
const CASES_WRITE = 'admin legal';
const CASES_FIGURES = 'admin commander legal monitor';

/** Which roles may call each operation (a scoped user of the role too, on a record inside the scope). */
const EXPECTED: Record<string, string> = {
  'GET /api/v1/auth/me': ME,
  'PATCH /api/v1/auth/me/preferences': ME,
  'POST /api/v1/auth/password': ME,
  'GET /api/v1/users': 'admin',
  'POST /api/v1/users': 'admin',
  'PATCH /api/v1/users/{id}': 'admin',
  'POST /api/v1/users/{id}/reset-password': 'admin',
  'POST /api/v1/users/{id}/disable': 'admin',
  'POST /api/v1/users/{id}/enable': 'admin',
  'GET /api/v1/audit': AUDIT,
  'GET /api/v1/audit/verify': AUDIT,
  'POST /api/v1/facilities': FACILITIES_WRITE,
  'GET /api/v1/facilities': ALL,
  'GET /api/v1/facilities/{id}': ALL,
  'POST /api/v1/facilities/{id}/units': FACILITIES_WRITE,
  'GET /api/v1/facilities/{id}/events': CUSTODY_READ,
  'POST /api/v1/persons': PERSONS_WRITE,
  'POST /api/v1/persons/duplicates': PERSONS_WRITE,
  'GET /api/v1/persons': PERSONS_READ,
  'GET /api/v1/persons/{id}': PERSONS_READ,
  'PATCH /api/v1/persons/{id}': PERSONS_WRITE,
  'POST /api/v1/persons/{id}/names': PERSONS_WRITE,
  'POST /api/v1/persons/{id}/documents': PERSONS_WRITE,
  'POST /api/v1/persons/{id}/nationalities': PERSONS_WRITE,
  'POST /api/v1/persons/{id}/relations': PERSONS_WRITE,
  'POST /api/v1/persons/{id}/relations/{relationId}/end': PERSONS_WRITE,
  'POST /api/v1/households': PERSONS_WRITE,
  'GET /api/v1/households/{id}': PERSONS_READ,
  'POST /api/v1/persons/{id}/events': CUSTODY_MOVE,
  'GET /api/v1/persons/{id}/events': CUSTODY_READ,
  // what the caller may record now: custody.append, so a registrar too (offered the admission only)
  'GET /api/v1/persons/{id}/events/allowed': 'admin commander officer registrar',
  'POST /api/v1/events/batch': CUSTODY_MOVE,
  'POST /api/v1/persons/{id}/events/requests': CUSTODY_MOVE,
  'GET /api/v1/custody/confirmations': CUSTODY_CONFIRM,
  'GET /api/v1/custody/confirmations/{id}': CUSTODY_CONFIRM,
  'POST /api/v1/custody/confirmations/{id}/confirm': CUSTODY_CONFIRM,
  'POST /api/v1/custody/confirmations/{id}/reject': CUSTODY_CONFIRM,
  'GET /api/v1/ledger/verify': 'admin commander investigator monitor',
  // signed custody statements and the export for monitors (issue 21); an inclusion proof names a person's event
  'GET /api/v1/statements': 'admin commander investigator monitor',
  'GET /api/v1/statements/latest': 'admin commander investigator monitor',
  'GET /api/v1/statements/{id}': 'admin commander investigator monitor',
  'POST /api/v1/statements': 'admin commander',
  'GET /api/v1/ledger/export': 'admin commander investigator monitor',
  'GET /api/v1/ledger/events/{id}/inclusion-proof': 'admin investigator legal',
  // sites and headquarters (issue 22): how far replication stands, no personal data
  'GET /api/v1/sync/status': 'admin commander monitor',
  'GET /api/v1/sync/identity-cases': BIOMETRICS_READ,
  'GET /api/v1/sync/identity-cases/{id}': BIOMETRICS_READ,
  'POST /api/v1/sync/identity-cases/{id}/decide': BIOMETRICS_ENROL,
  // --- cases-legal (issue 23 part A) ---
  'GET /api/v1/cases/legal': CASES_READ,
  'POST /api/v1/cases/legal': CASES_WRITE,
  'GET /api/v1/cases/legal/summary': CASES_FIGURES,
  'GET /api/v1/cases/legal/{id}': CASES_READ,
  'GET /api/v1/cases/legal/{id}/dossier': CASES_READ,
  'POST /api/v1/cases/legal/{id}/status': CASES_WRITE,
  'POST /api/v1/cases/legal/{id}/charges': CASES_WRITE,
  'POST /api/v1/cases/legal/{id}/hearings': CASES_WRITE,
  'POST /api/v1/cases/legal/{id}/reviews': CASES_WRITE,
  'PUT /api/v1/cases/legal/{id}/next-review': CASES_WRITE,
  'POST /api/v1/cases/legal/{id}/evidence': CASES_WRITE,
  'GET /api/v1/cases/reintegration': CASES_READ,
  'GET /api/v1/cases/reintegration/{id}': CASES_READ,
  'PUT /api/v1/cases/reintegration/{id}/plan': CASES_WRITE,
  'POST /api/v1/cases/reintegration/{id}/checkins': CASES_WRITE,
  'POST /api/v1/cases/reintegration/{id}/outcomes': CASES_WRITE,
  'GET /api/v1/cases/figures/stasis': CASES_FIGURES,
  'GET /api/v1/cases/figures/reintegration': CASES_FIGURES,
  // --- end cases-legal ---
  // after-action reviews (issue 21): monitors read them with persons as pseudonyms
  'GET /api/v1/reviews/timeline': REVIEWS_READ,
  'GET /api/v1/reviews/escapes': REVIEWS_READ,
  'GET /api/v1/reviews/findings': REVIEWS_READ,
  'GET /api/v1/reviews': REVIEWS_READ,
  'POST /api/v1/reviews': REVIEWS_WRITE,
  'GET /api/v1/reviews/{id}': REVIEWS_READ,
  'GET /api/v1/reviews/{id}/timeline': REVIEWS_READ,
  'PATCH /api/v1/reviews/{id}': REVIEWS_WRITE,
  'POST /api/v1/reviews/{id}/refresh': REVIEWS_WRITE,
  'POST /api/v1/reviews/{id}/submit': REVIEWS_WRITE,
  'POST /api/v1/reviews/{id}/return': REVIEWS_APPROVE,
  'POST /api/v1/reviews/{id}/approve': REVIEWS_APPROVE,
  'GET /api/v1/reviews/{id}/export.json': REVIEWS_READ,
  'GET /api/v1/reviews/{id}/export.html': REVIEWS_READ,
  'GET /api/v1/reports/status': REPORTS,
  'GET /api/v1/reports/delta': REPORTS,
  'GET /api/v1/reports/figures': REPORTS,
  'POST /api/v1/rollcalls': ROLLCALL_RUN,
  'GET /api/v1/rollcalls': REPORTS,
  // a roll call's figures cover every nationality: no view for a liaison, whose scope is nationalities
  'GET /api/v1/rollcalls/{id}': 'admin commander officer investigator legal monitor',
  'POST /api/v1/rollcalls/{id}/marks': ROLLCALL_RUN,
  'POST /api/v1/rollcalls/{id}/close': ROLLCALL_RUN,
  'POST /api/v1/rollcalls/{id}/cancel': ROLLCALL_RUN,
  'PUT /api/v1/facilities/{id}/rollcall-schedule': FACILITIES_WRITE,
  'GET /api/v1/facilities/{id}/rollcall-schedule': ALL,
  'GET /api/v1/alerts': ALERTS_READ,
  'GET /api/v1/alerts/stream': ALERTS_READ,
  'GET /api/v1/alerts/{id}': ALERTS_READ,
  'POST /api/v1/alerts/{id}/acknowledge': ALERTS_MANAGE,
  'POST /api/v1/alerts/{id}/resolve': ALERTS_MANAGE,
  'GET /api/v1/facilities/{id}/alert-rules': ALERTS_READ,
  // thresholds: not the officer on duty, whose own block they watch
  'PUT /api/v1/facilities/{id}/alert-rules': FACILITIES_WRITE,
  'POST /api/v1/watchlists/import': SCREENING_DECIDE,
  'GET /api/v1/watchlists': SCREENING_READ,
  'GET /api/v1/watchlists/versions/{id}': SCREENING_READ,
  'GET /api/v1/screening/hits': SCREENING_READ,
  'GET /api/v1/screening/hits/{id}': SCREENING_READ,
  'POST /api/v1/screening/hits/{id}/confirm': SCREENING_DECIDE,
  'POST /api/v1/screening/hits/{id}/dismiss': SCREENING_DECIDE,
  'POST /api/v1/screening/persons/{id}/screen': SCREENING_DECIDE,
  'POST /api/v1/persons/{id}/biometrics/face': BIOMETRICS_ENROL,
  'POST /api/v1/persons/{id}/biometrics/fingerprints/{position}': BIOMETRICS_ENROL,
  'GET /api/v1/persons/{id}/biometrics': BIOMETRICS_READ,
  'DELETE /api/v1/persons/{id}/biometrics/{templateId}': BIOMETRICS_ENROL,
  'POST /api/v1/biometrics/verify': BIOMETRICS_READ,
  'POST /api/v1/biometrics/identify': BIOMETRICS_READ,
  'GET /api/v1/biometrics/verifications/{id}': BIOMETRICS_READ,
  'POST /api/v1/biometrics/verifications/{id}/decision': BIOMETRICS_READ,
  'GET /api/v1/biometrics/duplicates': BIOMETRICS_READ,
  'GET /api/v1/biometrics/duplicates/{id}': BIOMETRICS_READ,
  'POST /api/v1/biometrics/duplicates/{id}/decide': BIOMETRICS_ENROL,
  'GET /api/v1/biometrics/status': BIOMETRICS_READ,
  // record photos are read by those who may read the record; set and erased by those who enrol biometrics
  'POST /api/v1/biometrics/face/quality': BIOMETRICS_READ,
  'GET /api/v1/persons/{id}/photo': PERSONS_READ,
  'PUT /api/v1/persons/{id}/photo': BIOMETRICS_ENROL,
  'DELETE /api/v1/persons/{id}/photo': BIOMETRICS_ENROL,
  'POST /api/v1/persons/photos': PERSONS_READ,
  'PUT /api/v1/persons/{id}/biometrics/fingerprints/{position}/exception': BIOMETRICS_ENROL,
  'DELETE /api/v1/persons/{id}/biometrics/fingerprints/{position}/exception': BIOMETRICS_ENROL,
  'POST /api/v1/guards/staff': GUARDS_MANAGE,
  'GET /api/v1/guards/staff': GUARDS_READ,
  'PATCH /api/v1/guards/staff/{id}': GUARDS_MANAGE,
  'POST /api/v1/guards/posts': GUARDS_MANAGE,
  'GET /api/v1/guards/facilities/{id}/posts': GUARDS_READ,
  'POST /api/v1/guards/shifts': GUARDS_MANAGE,
  'GET /api/v1/guards/facilities/{id}/roster': GUARDS_READ,
  'POST /api/v1/guards/facilities/{id}/roster/import': GUARDS_MANAGE,
  'POST /api/v1/guards/attendance/check-in': GUARDS_ATTENDANCE,
  'POST /api/v1/guards/attendance/check-out': GUARDS_ATTENDANCE,
  'GET /api/v1/guards/overview': GUARDS_READ,
  'GET /api/v1/guards/facilities/{id}/board': GUARDS_READ,
  'GET /api/v1/guards/facilities/{id}/ratio-history': GUARDS_READ,
  'GET /api/v1/guards/ratio-heatmap': GUARDS_READ,
  'GET /api/v1/guards/facilities/{id}/threshold': GUARDS_READ,
  'PUT /api/v1/guards/facilities/{id}/threshold': GUARDS_MANAGE,
  'GET /api/v1/guards/facilities/{id}/custodian': GUARDS_READ,
  'POST /api/v1/guards/facilities/{id}/custodian': GUARDS_MANAGE,
  'POST /api/v1/guards/facilities/{id}/custodian/withdraw': GUARDS_MANAGE,
  'POST /api/v1/guards/facilities/{id}/handovers': GUARDS_MANAGE,
  'GET /api/v1/guards/handovers/{id}': GUARDS_READ,
  'POST /api/v1/guards/handovers/{id}/sign': GUARDS_MANAGE,
  'GET /api/v1/guards/handovers/{id}/verify': GUARDS_READ,
  'POST /api/v1/guards/patrol-routes': GUARDS_MANAGE,
  'PATCH /api/v1/guards/patrol-routes/{id}': GUARDS_MANAGE,
  'GET /api/v1/guards/facilities/{id}/patrol-routes': GUARDS_READ,
  'GET /api/v1/guards/facilities/{id}/patrols': GUARDS_READ,
  'POST /api/v1/guards/patrol-rounds': GUARDS_ATTENDANCE,
  'POST /api/v1/guards/patrol-rounds/{id}/scans': GUARDS_ATTENDANCE,
  'GET /api/v1/guards/staff/{id}/face': GUARDS_READ,
  'POST /api/v1/guards/staff/{id}/face': GUARDS_MANAGE,
  'DELETE /api/v1/guards/staff/{id}/face': GUARDS_MANAGE,
  'POST /api/v1/guards/face/verify': GUARDS_ATTENDANCE,
  'POST /api/v1/guards/face/quality': GUARDS_READ,
  'POST /api/v1/transfers/operations': TRANSFERS_PLAN,
  'GET /api/v1/transfers/operations': TRANSFERS_READ,
  'GET /api/v1/transfers/operations/{id}': TRANSFERS_READ,
  'GET /api/v1/transfers/operations/{id}/movements': TRANSFERS_READ,
  'POST /api/v1/transfers/operations/{id}/movements': TRANSFERS_PLAN,
  'POST /api/v1/transfers/operations/{id}/plan': TRANSFERS_PLAN,
  'GET /api/v1/transfers/movements/{id}': TRANSFERS_READ,
  'POST /api/v1/transfers/movements/{id}/persons': TRANSFERS_PLAN,
  'POST /api/v1/transfers/movements/{id}/approve': TRANSFERS_PLAN,
  'POST /api/v1/transfers/movements/{id}/cancel': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/board': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/unboard': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/depart': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/arrive': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/receipt': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/resolve': TRANSFERS_RUN,
  'GET /api/v1/transfers/movements/{id}/handover': TRANSFERS_READ,
  'POST /api/v1/sensors': SENSORS_MANAGE,
  'GET /api/v1/sensors': SENSORS_READ,
  'PATCH /api/v1/sensors/{id}': SENSORS_MANAGE,
  'POST /api/v1/sensors/{id}/decommission': SENSORS_MANAGE,
  'POST /api/v1/sensors/webhook': SENSORS_INGEST,
  'GET /api/v1/sensors/dead-letters': SENSORS_MANAGE,
  'GET /api/v1/sensors/facilities/{id}/operations': SENSORS_READ,
  'GET /api/v1/incidents': SENSORS_READ,
  'GET /api/v1/incidents/{id}': SENSORS_READ,
  'POST /api/v1/incidents/{id}/status': INCIDENTS_MANAGE,
  'POST /api/v1/incidents/{id}/actions': INCIDENTS_MANAGE,
  'POST /api/v1/incidents/{id}/evidence': INCIDENTS_MANAGE,
  'POST /api/v1/incidents/{id}/headcount': INCIDENTS_MANAGE,
  'POST /api/v1/staff-reports': STAFF_REPORTS_FILE,
  'GET /api/v1/staff-reports': SENSORS_READ,
  'PATCH /api/v1/staff-reports/{id}': INCIDENTS_MANAGE,
  'POST /api/v1/transfers/movements/{id}/arrival/identify': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/arrival/checks/{checkId}/decision': TRANSFERS_RUN,
  'GET /api/v1/transfers/movements/{id}/arrival': TRANSFERS_READ,
  'POST /api/v1/transfers/movements/{id}/arrival/close': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/divert': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/lodge': TRANSFERS_RUN,
  'POST /api/v1/transfers/movements/{id}/collect': TRANSFERS_RUN,
  'GET /api/v1/transfers/movements/{id}/stops': TRANSFERS_READ,
  'GET /api/v1/transfers/movements/{id}/printable': TRANSFERS_READ,
  'GET /api/v1/transfers/movements/{id}/discrepancies': TRANSFERS_READ,
  'POST /api/v1/transfers/movements/{id}/discrepancies/resolve': TRANSFERS_RUN,
  'GET /api/v1/transfers/operations/{id}/discrepancies': TRANSFERS_READ,
  'GET /api/v1/transfers/operations/{id}/plans/{planId}/unplaced': TRANSFERS_PLAN,
  'POST /api/v1/sightings/checks': SIGHTINGS_CHECK,
  'GET /api/v1/sightings/checks': SIGHTINGS_READ,
  'POST /api/v1/sightings/face-quality': SIGHTINGS_CHECK,
  'GET /api/v1/sightings/wanted': SIGHTINGS_READ,
  'GET /api/v1/sightings/figures': SIGHTINGS_READ,
  'GET /api/v1/sightings': SIGHTINGS_READ,
  'POST /api/v1/sightings': SIGHTINGS_DECIDE,
  'GET /api/v1/sightings/{id}': SIGHTINGS_READ,
  'POST /api/v1/sightings/{id}/confirm': SIGHTINGS_DECIDE,
  'POST /api/v1/sightings/{id}/reject': SIGHTINGS_DECIDE,
  'POST /api/v1/sightings/{id}/recapture': SIGHTINGS_RECAPTURE,
  'POST /api/v1/sightings/notices': NOTICES_DRAFT,
  'GET /api/v1/sightings/notices': NOTICES_READ,
  'GET /api/v1/sightings/notices/{id}': NOTICES_READ,
  'POST /api/v1/sightings/notices/{id}/approve': NOTICES_APPROVE,
  'POST /api/v1/sightings/notices/{id}/export': NOTICES_DRAFT,
  // ---- repatriation (issue 23, part B) ----
  'GET /api/v1/repatriation/requests': REPATRIATION_READ,
  'POST /api/v1/repatriation/requests': REPATRIATION_WRITE,
  'GET /api/v1/repatriation/figures': REPATRIATION_READ,
  'GET /api/v1/repatriation/requests/{id}': REPATRIATION_READ,
  'POST /api/v1/repatriation/requests/{id}/steps': REPATRIATION_WRITE,
  'POST /api/v1/repatriation/requests/{id}/nationality': REPATRIATION_WRITE,
  'POST /api/v1/repatriation/requests/{id}/evidence': REPATRIATION_WRITE,
  'POST /api/v1/repatriation/requests/{id}/handover': REPATRIATION_HANDOVER,
  'GET /api/v1/families/separated-children': FAMILIES_READ,
  'GET /api/v1/families/{id}': FAMILIES_READ,
  'POST /api/v1/families/{id}/best-interests': FAMILIES_DECIDE,
  'GET /api/v1/tracing-requests': TRACING_READ,
  'POST /api/v1/tracing-requests': TRACING_WRITE,
  'GET /api/v1/tracing-requests/{id}': TRACING_READ,
  'POST /api/v1/tracing-requests/{id}/matches': TRACING_WRITE,
  'POST /api/v1/tracing-requests/{id}/matches/{matchId}/decision': TRACING_WRITE,
  'POST /api/v1/tracing-requests/{id}/close': TRACING_WRITE,
  'POST /api/v1/tracing-requests/{id}/withdraw-consent': TRACING_WRITE,
};
/** Operations for accounts without a facility or nationality scope only: a scoped user of an allowed role gets 403. */
const UNSCOPED_ONLY = new Set(['GET /api/v1/sync/identity-cases', 'GET /api/v1/sync/identity-cases/{id}', 'POST /api/v1/sync/identity-cases/{id}/decide']);
/** Not in the matrix: open to anyone (health, login), or ending the caller's own session (logout, tested in access). */
const UNMATRIXED = ['GET /api/health', 'POST /api/v1/auth/login', 'POST /api/v1/auth/logout'];

/** What each scoped user must never see: the persons outside the scope. */
const HIDDEN: Record<string, ('a1' | 'a2' | 'b1' | 'b2')[]> = {
  officer: ['b1', 'b2'],
  'registrar@A': ['b1', 'b2'],
  'commander@A': ['b1', 'b2'],
  'investigator@A': ['b1', 'b2'],
  liaison: ['a1', 'b1'],
};

const roleOf = (user: string) => user.split('@')[0]!;

describe.each(await targets())('the authorisation matrix on %s', (target) => {
  let app: TestApp;
  let base: string;
  let ops: Operation[];
  let w: MatrixWorld;
  let alertIn: Record<'A' | 'B', string>;

  beforeAll(async () => {
    app = await createTestApp(target);
    w = await buildMatrixWorld(app);
    ops = await loadOperations(app.http);
    base = await listen(app.http);
    const all = await app.services.alerts.list(
      { userId: null, username: 'system', role: 'admin', facilityIds: [], nationalities: [], purpose: 'test' },
      { limit: 50 },
    );
    alertIn = { A: all.find((a) => a.facilityId === w.facilityA)!.id, B: all.find((a) => a.facilityId === w.facilityB)!.id };
  });
  afterAll(async () => app?.close());

  /** A request for the operation aimed at side A (inside every scope: a2 is French and held in A) or side B (outside). */
  function requestFor(op: Operation, side: 'A' | 'B', rng: Rng) {
    const person = side === 'A' ? w.persons.a2 : w.persons.b1;
    const facility = side === 'A' ? w.facilityA : w.facilityB;
    const unit = side === 'A' ? w.unitA : w.unitB;
    const ids: Record<string, string> = { persons: person, facilities: facility, rollcalls: side === 'A' ? w.rollcallA : w.rollcallB };
    const segment = op.path.split('/{id}')[0]!.split('/').pop()!;
    const pathValues: Record<string, string> = {
      id: segment === 'screen' ? person : (ids[segment] ?? (segment === 'alerts' ? alertIn[side] : segment === 'households' ? w.household : rng.uuid())),
      position: '2',
      templateId: rng.uuid(),
      relationId: rng.uuid(),
      matchId: rng.uuid(),
    };
    const known = { persons: [person], facilities: [facility], units: [unit], households: [w.household] };
    const query = op.parameters
      .filter((p) => p.in === 'query' && p.required)
      .map((p) => `${p.name}=${encodeURIComponent(String(validValue(p.schema, rng, known, op.path, p.name)))}`);
    if (op.key === 'GET /api/v1/alerts/stream') query.push('snapshot=1');
    if (op.key === 'GET /api/v1/persons') query.push(`q=${encodeURIComponent(side === 'A' ? NAMES.a2 : NAMES.b1)}`);
    const suffix = randomBytes(3).toString('hex');
    const bodies: Record<string, unknown> = {
      'POST /api/v1/users': { username: `mx-${suffix}`, password: 'matrix password 2026', role: 'monitor' },
      'POST /api/v1/facilities': { code: `MX${suffix}`, name: 'Matrix annex', kind: 'camp' },
      'POST /api/v1/facilities/{id}/units': { code: `U${suffix}`, name: 'Matrix block' },
      // confirmed as new: every role enrols a newcomer of the same name, and the duplicate warning is not what this tests
      'POST /api/v1/persons': {
        names: [{ full: `Matrix Newcomer ${suffix}` }],
        sex: 'F',
        nationalities: ['FRA'],
        facilityId: facility,
        confirmNew: { reason: 'matrix check' },
      },
      'POST /api/v1/persons/duplicates': { names: [{ full: `Matrix Newcomer ${suffix}` }], sex: 'F', nationalities: ['FRA'], facilityId: facility },
      'PATCH /api/v1/persons/{id}': { placeOfBirth: 'Raqqa' },
      'POST /api/v1/persons/{id}/names': { full: `Umm Matrix ${suffix}`, kind: 'kunya' },
      'POST /api/v1/persons/{id}/documents': { type: 'camp_card', number: `MX-${suffix}` },
      'POST /api/v1/persons/{id}/nationalities': { country: side === 'A' ? 'FRA' : 'IRQ' },
      'POST /api/v1/persons/{id}/relations': { kind: 'sibling_of', personId: w.persons.a1 },
      'POST /api/v1/persons/{id}/relations/{relationId}/end': { reason: 'matrix check' },
      'POST /api/v1/households': { label: `Matrix ${suffix}`, facilityId: facility },
      'POST /api/v1/persons/{id}/events': { type: 'MOVED', facilityId: facility, unitId: unit },
      'POST /api/v1/events/batch': { events: [{ personId: person, type: 'MOVED', facilityId: facility, unitId: unit }] },
      'POST /api/v1/rollcalls': { facilityId: facility },
      'POST /api/v1/guards/staff': { badge: `MX-${suffix}-${rng.uuid().slice(0, 8)}`, fullName: 'Matrix Guard', organisation: 'sdf', facilityId: facility },
      'POST /api/v1/guards/posts': { facilityId: facility, code: `MX-${suffix}-${rng.uuid().slice(0, 8)}`, name: 'Matrix gate', kind: 'gate', minStaff: 1 },
      'POST /api/v1/guards/patrol-routes': {
        facilityId: facility,
        code: `MX-${suffix}-${rng.uuid().slice(0, 8)}`,
        name: 'Matrix round',
        checkpoints: [{ tagId: `MX-${suffix}-${rng.uuid().slice(0, 8)}`, name: 'Matrix checkpoint' }],
      },
      'POST /api/v1/staff-reports': { facilityId: facility, type: 'riot', severity: 'high', summary: 'Matrix check', unitIds: [unit] },
      'POST /api/v1/sensors': { facilityId: facility, code: `MX-${suffix}`, name: 'Matrix fence', kind: 'fence_vibration', sector: 'north', x: 10, y: 10 },
      'POST /api/v1/rollcalls/{id}/marks': { marks: [{ personId: person, result: 'present' }] },
      'POST /api/v1/rollcalls/{id}/cancel': { reason: 'matrix check' },
      'POST /api/v1/alerts/{id}/acknowledge': {},
      'POST /api/v1/alerts/{id}/resolve': { note: 'matrix check' },
      'PATCH /api/v1/auth/me/preferences': { locale: 'ar' },
      'POST /api/v1/sightings/checks': { place: 'Matrix checkpoint', document: { number: `MX${suffix}1` } },
      'POST /api/v1/sightings': { personId: person, place: 'Matrix road' },
      'POST /api/v1/sightings/{id}/recapture': { facilityId: facility },
      // a2 is French (inside every scope on side A); b1 is outside the liaison's
      'POST /api/v1/repatriation/requests': { personId: person, state: 'FRA' },
      'POST /api/v1/auth/password': { currentPassword: 'not the password', newPassword: 'a new password of 2026' },
    };
    let body: string | Buffer | undefined;
    const headers: Record<string, string> = {};
    const json = op.body?.content['application/json'];
    if (op.key in bodies || json) {
      body = JSON.stringify(op.key in bodies ? bodies[op.key] : validValue(json, rng, known, op.path));
      headers['content-type'] = 'application/json';
    } else if (op.body) {
      body = Buffer.from('not an image');
      headers['content-type'] = Object.keys(op.body.content)[0]!;
    }
    return { method: op.method, url: fillPath(op.path, pathValues) + (query.length ? `?${query.join('&')}` : ''), headers, body };
  }

  it('has an expectation for every operation of the OpenAPI document', () => {
    const missing = ops.map((o) => o.key).filter((k) => !(k in EXPECTED) && !UNMATRIXED.includes(k));
    expect(missing).toEqual([]);
  });

  // in slices of the operations, each a test of its own, so that none runs long
  const SLICES = 8;
  const slice = (i: number) => ops.filter((op, k) => !UNMATRIXED.includes(op.key) && k % SLICES === i);

  it.each([0, 1, 2, 3, 4, 5, 6, 7])('answers every operation, for every user, as the policy says (slice %i)', async (i) => {
    const rng = new Rng(41 + i);
    const wrong: string[] = [];
    for (const op of slice(i)) {
      const allowed = EXPECTED[op.key]!.split(' ');
      const calls = [['anonymous', ''] as const, ...Object.entries(w.users)].map(async ([user, token]) => {
        const req = requestFor(op, 'A', rng);
        const headers = token ? { ...req.headers, authorization: `Bearer ${token}` } : req.headers;
        const res = await send(base, { ...req, headers }, { streamMs: 100 });
        if (user === 'anonymous') return res.status === 401 ? undefined : `${op.key} anonymous: ${res.status}`;
        // the scoped users are those with persons hidden from them
        const may = allowed.includes(roleOf(user)) && !(UNSCOPED_ONLY.has(op.key) && user in HIDDEN);
        const ok = may ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === 403;
        return ok ? undefined : `${op.key} as ${user}: ${res.status} (expected ${may ? 'allowed' : '403'}) ${res.text.slice(0, 160)}`;
      });
      for (const problem of await Promise.all(calls)) if (problem) wrong.push(problem);
    }
    expect(wrong).toEqual([]);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7])('never shows a scoped user the names or ids of persons outside the scope (slice %i)', async (i) => {
    const rng = new Rng(42 + i);
    const leaks: string[] = [];
    for (const op of slice(i)) {
      const calls = Object.entries(HIDDEN).flatMap(([user, hidden]) =>
        (['A', 'B'] as const).map(async (side) => {
          const req = requestFor(op, side, rng);
          const res = await send(base, { ...req, headers: { ...req.headers, authorization: `Bearer ${w.users[user]!}` } }, { streamMs: 150 });
          const found: string[] = [];
          if (res.status >= 500) found.push(`${op.key} as ${user} (${side}): ${res.status}`);
          const asked = `${req.url} ${req.body?.toString() ?? ''}`;
          const text = res.text.toLowerCase();
          for (const key of hidden) {
            const name = NAMES[key];
            const id = w.persons[key];
            if (text.includes(name.toLowerCase()) || text.includes(name.split(' ')[0]!.toLowerCase())) {
              found.push(`${op.key} as ${user} (${side}) ${res.status}: names ${key} in ${res.text.slice(0, 200)}`);
            }
            // an id the caller sent may come back (it tells nothing new); any other is a leak
            if (!asked.includes(id) && text.includes(id)) found.push(`${op.key} as ${user} (${side}) ${res.status}: id of ${key} in ${res.text.slice(0, 200)}`);
          }
          return found;
        }),
      );
      for (const found of await Promise.all(calls)) leaks.push(...found);
    }
    expect(leaks).toEqual([]);
  });
});
