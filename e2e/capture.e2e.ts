/**
 * Capture at the point of contact (issue 16, items 1 and 8) in Debian's Chromium with a fake camera: the camera plays a
 * y4m written here from a shared LFW face (read in place from ../shared/data/faces). A registrar enrols a person, goes
 * on to the face capture, sees the live guidance and the face engine's verdict, enrols the face through the camera,
 * and the record shows the photo. The same face enrolled on a second record is found as a likely duplicate and shown
 * side by side with a link to its case in the duplicates queue. No console errors, no sideways scrolling, at 1024x768
 * and 390x844.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, launchBrowser, login, newPage, shot, startServer, type E2eServer } from './harness';
import { fakeCameraArgs, writeY4m } from './fake-camera';

const FACE = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/faces/lfw-dev/images_deepfunneled/Alan_Greenspan/Alan_Greenspan_0001.jpg');

let server: E2eServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custos-capture-'));
  const video = join(dir, 'face.y4m');
  await writeY4m(FACE, video);
  server = await startServer();
  browser = await launchBrowser({
    args: fakeCameraArgs(video),
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function noSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
}

/** Through the camera: the guidance runs, a photo is taken, the engine accepts it, the face is enrolled. */
async function enrolThroughCamera(page: Page, tag: string): Promise<void> {
  const capture = page.getByTestId('face-capture');
  await capture.getByTestId('face-capture-video').waitFor();
  // The engine's live verdict on a frame: one face, centred (the fake camera plays a centred portrait).
  await capture.locator('[data-check=face][data-ok=true]').waitFor({ timeout: 60_000 });
  await capture.locator('[data-check=centred][data-ok=true]').waitFor();
  await capture.locator('[data-check=lit][data-ok=true]').waitFor();
  await shot(page, `60-capture-live-${tag}`);
  await capture.getByTestId('face-capture-take').click();
  await capture.getByTestId('face-capture-still').waitFor();
  const verdict = capture.getByTestId('face-capture-verdict');
  await verdict.waitFor({ timeout: 60_000 });
  await expect(verdict.getAttribute('data-ok')).resolves.toBe('true');
  await shot(page, `61-capture-verdict-${tag}`);
  await capture.getByTestId('face-capture-accept').click();
  await page.getByTestId('enrolment-result').waitFor({ timeout: 60_000 });
}

describe('face capture through the camera', () => {
  let first: string;

  it('enrols a person, then the face through the camera; the record shows the photo (1024x768)', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'registrar');
    await page.goto(`${server.url}/persons/new`);
    await page.getByTestId('name-0-full').fill('فاطمة حسن العلي');
    await page.getByTestId('sex').getByText('Female', { exact: true }).click();
    await page.getByTestId('birth-year').fill('1990');
    await page.getByTestId('enrol-submit').click();
    // Enrolment goes on to the capture of the face on the new record.
    await page.waitForURL(/\/persons\/[0-9a-f-]{36}\?purpose=registration&capture=face$/);
    first = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByTestId('person-no-photo').waitFor();
    await page.getByTestId('capture-next-open').click();
    await enrolThroughCamera(page, '1024');
    await page.getByTestId('person-photo').waitFor();
    await expect(page.getByTestId('face-status').textContent()).resolves.toMatch(/enrolled, quality \d+/);
    await expect(page.getByTestId('duplicate-found').count()).resolves.toBe(0);
    await noSidewaysScroll(page);
    await shot(page, '62-record-photo-1024', true);

    const bio = await apiAs<{ photo: { source: string; templateId: string } | null; templates: { modality: string; id: string }[] }>(
      page,
      `/persons/${first}/biometrics?purpose=registration`,
    );
    expect(bio.photo).toMatchObject({ source: 'face_enrolment', templateId: bio.templates.find((t) => t.modality === 'face')!.id });
    // The photo shown is the API's (a JPEG from the record's photo, as a data: URL).
    const src = await page.getByTestId('person-photo').getAttribute('src');
    expect(src).toMatch(/^data:image\/jpeg;base64,/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('finds the same face on a second record as a likely duplicate, side by side with its case, and decides it (390x844)', async () => {
    const { context, page, errors } = await newPage(browser, { width: 390, height: 844 });
    await login(page, server.url, 'registrar');
    await page.goto(`${server.url}/persons/new`);
    await page.getByTestId('name-0-full').fill('Fatima Hassan al-Ali');
    await page.getByTestId('sex').getByText('Female', { exact: true }).click();
    await page.getByTestId('birth-year').fill('1990');
    await page.getByTestId('enrol-submit').click();
    // The registry's own name check may ask first (the same name in the other script): a new registration.
    const record = /\/persons\/[0-9a-f-]{36}\?purpose=registration&capture=face$/;
    const warned = await Promise.race([
      page.waitForURL(record).then(() => false),
      page
        .getByTestId('duplicate-warning')
        .waitFor()
        .then(() => true),
    ]);
    if (warned) {
      await page.getByTestId('duplicate-reason').fill('a new arrival; the face check follows');
      await page.getByTestId('duplicate-confirm-new').click();
      await page.waitForURL(record);
    }
    const second = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByTestId('capture-next-open').click();
    await enrolThroughCamera(page, '390');
    const found = page.getByTestId('duplicate-found');
    await found.waitFor();
    const sides = found.getByTestId('duplicate-side');
    await expect(sides.count()).resolves.toBe(2);
    await expect(sides.nth(0).getAttribute('data-person-id')).resolves.toBe(second);
    await expect(sides.nth(1).getAttribute('data-person-id')).resolves.toBe(first);
    await sides.nth(1).getByText('فاطمة حسن العلي').waitFor();
    await sides.nth(1).locator('img').waitFor();
    const href = await found.getByTestId('duplicate-case-link').getAttribute('href');
    const cases = await apiAs<{ id: string; newPersonId: string; existingPersonId: string }[]>(page, `/biometrics/duplicates?personId=${second}`);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ newPersonId: second, existingPersonId: first });
    expect(href).toBe(`/duplicates/${cases[0]!.id}`);
    await page.getByTestId('person-photo').waitFor();
    await noSidewaysScroll(page);
    await shot(page, '63-duplicate-390', true);

    // the case decided on the phone: different persons, with a reason
    await found.getByTestId('duplicate-case-link').click();
    await page.waitForURL(new RegExp(`/duplicates/${cases[0]!.id}$`));
    await page.getByTestId('case-decision-choice').getByText('Different persons', { exact: true }).click();
    await page.getByTestId('case-reason').fill('Sisters: different fathers on the family books');
    await page.getByTestId('case-decide-submit').click();
    await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('Different persons');
    expect((await apiAs<{ status: string }>(page, `/biometrics/duplicates/${cases[0]!.id}`)).status).toBe('different_persons');
    await noSidewaysScroll(page);
    expect(errors).toEqual([]);
    await context.close();
  });
});
