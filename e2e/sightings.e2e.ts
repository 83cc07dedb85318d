/**
 * Sightings (issue 19) in Debian's Chromium: a checkpoint officer on a phone (390x844) checks a person through the
 * fake camera playing another LFW photograph of an escaped person; the answer is "detain" with a reference and no
 * name; the investigator then sees the sighting on the map and in the list. No console errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, login, newPage, PASSWORD, shot, startServer, type E2eServer } from './harness';
import { fakeCameraArgs, writeY4m } from './fake-camera';
import { FACE_DATA } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { systemActor } from '../src/modules/access';

const face = (n: number) => join(FACE_DATA, 'images_deepfunneled', 'Alan_Greenspan', `Alan_Greenspan_${String(n).padStart(4, '0')}.jpg`);
const NAME = 'Yusuf bin Hamid al-Escapee';

let server: E2eServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custos-sightings-'));
  const video = join(dir, 'face.y4m');
  await writeY4m(face(5), video);
  server = await startServer();
  const s = server.services;
  const actor = systemActor('e2e sightings');
  await s.access.createUser(actor, { username: 'checkpoint-1', password: PASSWORD, role: 'checkpoint' });
  await s.access.createUser(actor, { username: 'investigator', password: PASSWORD, role: 'investigator' });
  const [id] = await s.registry.createMany(actor, [{ names: [{ full: NAME }], sex: 'M', birthDate: '1980', nationalities: ['IRQ'] } as never]);
  await s.custody.append(actor, { personId: id!, type: 'ADMITTED', facilityId: server.world.facilities.GHW });
  await s.biometrics.enrolFace(actor, id!, await readFile(face(1)));
  await s.custody.append(actor, { personId: id!, type: 'ESCAPED' });
  await s.settle();
  browser = await launchBrowser({ args: fakeCameraArgs(video) });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a checkpoint check on the phone, seen on the investigator map', () => {
  it('answers "detain" with a reference and no name, at 390x844', async () => {
    const { context, page, errors } = await newPage(browser, { width: 390, height: 844 });
    await login(page, server.url, 'checkpoint-1');
    await page.waitForURL(/\/checkpoint$/);
    const capture = page.getByTestId('face-capture');
    await capture.getByTestId('face-capture-video').waitFor();
    await capture.locator('[data-check=face][data-ok=true]').waitFor({ timeout: 90_000 });
    await capture.getByTestId('face-capture-take').click();
    const verdict = capture.getByTestId('face-capture-verdict');
    await verdict.waitFor({ timeout: 90_000 });
    await expect(verdict.getAttribute('data-ok')).resolves.toBe('true');
    await capture.getByTestId('face-capture-accept').click();
    await page.getByTestId('checkpoint-face-taken').waitFor();
    await page.getByTestId('checkpoint-submit').click();
    const answer = page.getByTestId('checkpoint-answer');
    await answer.waitFor({ timeout: 90_000 });
    await expect(answer.getAttribute('data-outcome')).resolves.toBe('detain');
    await expect(page.getByTestId('checkpoint-reference').textContent()).resolves.toMatch(/^CK-\d{8}-[0-9A-F]{6}$/);
    const text = (await page.textContent('body')) ?? '';
    expect(text).not.toContain('Yusuf');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
    await shot(page, '90-checkpoint-detain-390');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows the sighting on the investigator's map and list", async () => {
    await server.services.settle();
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'investigator');
    await page.goto(`${server.url}/sightings`);
    await page.getByTestId('map-facility-Rabia crossing').waitFor({ timeout: 30_000 });
    // the list's count may still be on its way when the map is drawn
    await page
      .getByTestId('sightings-count')
      .filter({ hasText: /^1 sighting$/ })
      .waitFor();
    const card = page.getByTestId('sighting').first();
    await expect(card.getAttribute('data-status')).resolves.toBe('reported');
    await expect(card.textContent()).resolves.toContain(NAME);
    await shot(page, '91-sightings-map-1024', true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
