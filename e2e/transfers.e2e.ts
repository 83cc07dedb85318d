/**
 * A flight in the browser (issue 18): the planner approves a small manifest, the boarding tablet verifies the first
 * detainee 1:1 through the tablet's camera (a fake camera playing a real LFW face, ../shared/data/faces/lfw-dev) and
 * boards him, a supervisor boards the second with an override and its reason (on a phone, 390x844), the flight
 * departs (the sender signs), the receiving side counts the arrival and signs the receipt, and the operation's
 * dashboard shows the figures the API gives. No console errors.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/modules/access';
import { FACE_DATA } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { fakeCameraArgs, writeY4m } from './fake-camera';
import { apiAs, launchBrowser, login, newPage, PASSWORD, shot, startServer, type E2eServer } from './harness';

const face = (person: string, n: number) => join(FACE_DATA, 'images_deepfunneled', person, `${person}_${String(n).padStart(4, '0')}.jpg`);

let server: E2eServer;
let browser: Browser;
let cameraDir: string;
let greenspan: string;
let bolton: string;
let operationId: string;
let movementId: string;

beforeAll(async () => {
  if (!existsSync(face('Alan_Greenspan', 1))) throw new Error(`The LFW development set is missing under ${FACE_DATA}`);
  server = await startServer();
  const admin = systemActor('e2e transfers');
  const s = server.services;
  const ghw = server.world.facilities.GHW;
  const irq = await s.facilities.create(admin, { code: 'IRQ-RCV', name: 'Iraqi receiving facility', kind: 'receiving_authority', country: 'IRQ' });
  // two detainees at Ghwayran, created in this order (the manifest lists them by id: Greenspan comes first)
  const ids = await s.registry.createMany(admin, [
    { names: [{ full: 'Alan Greenspan' }], sex: 'M', birthDate: '1956', nationalities: ['IRQ'], facilityId: ghw },
    { names: [{ full: 'John Bolton' }], sex: 'M', birthDate: '1958', nationalities: ['IRQ'], facilityId: ghw },
  ] as never);
  [greenspan, bolton] = ids as [string, string];
  await s.custody.appendMany(
    admin,
    ids.map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId: ghw, unitId: server.world.units['GHW-W1'] })),
  );
  await s.biometrics.enrolFace(admin, greenspan, await readFile(face('Alan_Greenspan', 1)));
  await s.biometrics.enrolFace(admin, bolton, await readFile(face('John_Bolton', 3)));
  // the officer at the door: a custodian of Ghwayran and of the receiving facility
  await s.access.createUser(admin, { username: 'gate-officer', password: PASSWORD, role: 'officer', facilityIds: [ghw, irq.id] });
  const op = await s.transfers.createOperation(admin, { name: 'E2E airlift' });
  operationId = op.id;
  const m = await s.transfers.createMovement(admin, op.id, {
    code: 'AL-E2E',
    kind: 'flight',
    carrier: 'Iraqi Air Force',
    vehicle: 'YI-977',
    capacity: 10,
    escorts: 2,
    fromFacilityId: ghw,
    toFacilityId: irq.id,
    transitLimitMinutes: 600,
  });
  movementId = m.id;
  await s.transfers.plan(admin, op.id, {
    criteria: { facilityId: ghw, personIds: ids },
    constraints: { escortRatio: null, together: [ids], apart: [] },
    holds: [],
  });
  // the tablet's camera plays another photo of Greenspan
  cameraDir = mkdtempSync(join(tmpdir(), 'custos-transfers-'));
  const video = join(cameraDir, 'greenspan.y4m');
  await writeY4m(face('Alan_Greenspan', 5), video);
  browser = await launchBrowser({ args: fakeCameraArgs(video) });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (cameraDir) rmSync(cameraDir, { recursive: true, force: true });
});

/** A face probe through the tablet's camera: the live guidance passes, a photo is taken, the engine accepts it. */
async function cameraProbe(scope: Locator, testId: string): Promise<void> {
  const capture = scope.getByTestId(`${testId}-camera`);
  await capture.getByTestId(`${testId}-camera-video`).waitFor();
  await capture.locator('[data-check=face][data-ok=true]').waitFor({ timeout: 60_000 });
  await capture.getByTestId(`${testId}-camera-take`).click();
  const verdict = capture.getByTestId(`${testId}-camera-verdict`);
  await verdict.waitFor({ timeout: 60_000 });
  await expect(verdict.getAttribute('data-ok')).resolves.toBe('true');
  await capture.getByTestId(`${testId}-camera-accept`).click();
  await scope.getByTestId(`${testId}-taken`).waitFor();
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, 'sideways scrolling').toBeLessThanOrEqual(width);
}

interface Movement {
  status: string;
  countOn: number | null;
  countOff: number | null;
  byStatus: Record<string, number>;
  manifestHash: string | null;
}

describe('a flight boarded with biometric checks and received at the other end', () => {
  it('approves, boards (camera 1:1, then a supervisor override on a phone), departs, receives; the dashboard agrees', async () => {
    // the commander approves the manifest on the planner, with its capacity
    const cmd = await newPage(browser);
    await login(cmd.page, server.url, 'commander');
    await cmd.page.goto(`${server.url}/transfers/plan`);
    await cmd.page.getByTestId('plan-movement-AL-E2E').waitFor();
    await expect(cmd.page.getByTestId('plan-movement-AL-E2E').textContent()).resolves.toContain('2 of 10 places');
    await cmd.page.getByTestId('approve-AL-E2E').click();
    await cmd.page.getByTestId('board-link-AL-E2E').waitFor();

    // the officer's boarding tablet: Greenspan first, verified through the camera, boarded citing the verification
    const gate = await newPage(browser);
    const page = gate.page;
    await login(page, server.url, 'gate-officer');
    await page.goto(`${server.url}/transfers/board/${movementId}`);
    const next = page.getByTestId('board-next');
    await page.locator(`[data-testid=board-next][data-person="${greenspan}"]`).waitFor();
    await expect(page.getByTestId('board-count').getAttribute('data-boarded')).resolves.toBe('0');
    await cameraProbe(next, 'board-probe');
    await page.getByTestId('board-verify').click();
    await page.locator('[data-testid=verification-result][data-result=match]').waitFor({ timeout: 90_000 });
    await shot(page, '80-transfers-board-verified-1024');
    await page.getByTestId('board-go').click();
    await page.getByTestId('board-done').waitFor();
    await page.locator('[data-testid=board-count][data-boarded="1"]').waitFor();
    // Bolton next: an officer cannot board without a passed check
    await page.locator(`[data-testid=board-next][data-person="${bolton}"]`).waitFor();
    await expect(page.getByTestId('board-override').isDisabled()).resolves.toBe(true);

    // the commander on a phone: Bolton's check skipped, boarded with an override and its reason, then departure
    const c = cmd.page;
    await c.setViewportSize({ width: 390, height: 844 });
    await c.goto(`${server.url}/transfers/board/${movementId}`);
    await c.locator(`[data-testid=board-next][data-person="${bolton}"]`).waitFor();
    await c.getByTestId('board-no-biometrics').waitFor();
    await c.getByTestId('board-override-reason').fill('Camera failed at the door; prison card GHW-0002 and the escort commander identified him');
    await c.getByTestId('board-override').click();
    await c.locator('[data-testid=board-count][data-boarded="2"]').waitFor();
    // the officer's tablet follows live
    await page.locator('[data-testid=board-count][data-boarded="2"]').waitFor();
    await noSidewaysScroll(c);
    await shot(c, '81-transfers-board-override-390', true);
    await c.getByTestId('board-depart').click();
    await c.getByText('Departed', { exact: true }).first().waitFor();
    const departed = await apiAs<{ movement: Movement; moves: { personId: string; verificationId: string | null; overrideReason: string | null }[] }>(
      c,
      `/transfers/movements/${movementId}`,
    );
    expect(departed.movement).toMatchObject({ status: 'departed', countOn: 2 });
    expect(departed.moves.find((x) => x.personId === greenspan)?.verificationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(departed.moves.find((x) => x.personId === bolton)?.overrideReason).toContain('prison card GHW-0002');

    // the receiving side (the officer, custodian there, on the transfers screen): the count off, the receipt signed
    await page.goto(`${server.url}/transfers`);
    await page.getByRole('cell', { name: 'AL-E2E' }).click();
    await page.getByRole('button', { name: 'Count arrival' }).click();
    await page.getByRole('button', { name: 'Sign receipt' }).click();
    await page.getByRole('cell', { name: 'Received' }).first().waitFor();
    const [received] = await apiAs<Movement[]>(page, `/transfers/operations/${operationId}/movements`);
    expect(received).toMatchObject({ status: 'received', countOn: 2, countOff: 2, byStatus: { completed: 2 } });

    // the dashboard: its figures are the API's
    await page.goto(`${server.url}/transfers/dashboard`);
    const op = await apiAs<{ movements: number; byStatus: Record<string, number>; discrepancies: number }>(page, `/transfers/operations/${operationId}`);
    await page.locator(`[data-testid=dash-moved][data-value="${(op.byStatus.completed ?? 0) + (op.byStatus.received ?? 0)}"]`).waitFor();
    await page.locator('[data-testid=dash-flown][data-value="1"]').waitFor();
    await expect(page.getByTestId('dash-moved').getAttribute('data-value')).resolves.toBe('2');
    await expect(page.getByTestId('dash-discrepancies').getAttribute('data-value')).resolves.toBe(String(op.discrepancies));
    await shot(page, '82-transfers-dashboard-1024', true);

    expect(gate.errors).toEqual([]);
    expect(cmd.errors).toEqual([]);
    await gate.context.close();
    await cmd.context.close();
  });
});
