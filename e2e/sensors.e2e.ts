import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemActor } from '../src/modules/access';
import { launchBrowser, login, newPage, settled, shot, startServer, type E2eServer } from './harness';

let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const hol = server.world.facilities.HOL;
  const block = server.world.units['P1-B1']!;
  for (const [code, kind, x] of [
    ['N-F1', 'fence_vibration', 150],
    ['N-F2', 'fence_vibration', 450],
    ['N-C1', 'camera_line', 750],
  ] as const) {
    await server.services.sensors.create(systemActor('e2e'), {
      facilityId: hol,
      code,
      name: code,
      kind,
      sector: 'north',
      unitIds: [block],
      x,
      y: 60,
      heartbeatSeconds: 300,
    });
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the operations room in Chromium', () => {
  it('shows a breach as one incident as it happens, and the officer acknowledges it there', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1024, height: 768 });
    await login(page, server.url, 'officer');
    await page.goto(`${server.url}/operations`);
    await page.getByTestId('ops-sectors').waitFor();
    await settled(page);
    await expect(page.getByText('No live incident.').isVisible()).resolves.toBe(true);

    // the fence is cut while the screen is open (the same batch the MQTT consumer stores)
    const msg = (sensor: string, id: string, type: string) => ({
      source: 'webhook' as const,
      topic: null,
      address: { site: 'HOL', sensor, channel: 'event' as const },
      payload: { id, type, value: { intensity: 0.9 } },
    });
    const receipt = await server.services.sensors.ingest([
      msg('N-F1', 'e2e-1', 'vibration'),
      msg('N-F2', 'e2e-2', 'cut'),
      msg('N-C1', 'e2e-3', 'line_crossing'),
    ]);
    expect(receipt.incidentsOpened).toHaveLength(1);
    const card = page.getByTestId(`incident-${receipt.incidentsOpened[0]}`);
    await card.waitFor({ timeout: 15_000 });
    await expect(card.getAttribute('data-status')).resolves.toBe('open');
    await expect(page.getByTestId('sensor-N-F2').getAttribute('data-state')).resolves.toBe('alarm');
    await card.getByTestId('incident-next').click();
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('acknowledged');
    await shot(page, '70-operations-room-1024', true);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, '71-operations-room-390', true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('places a sensor on the map, files a staff report and shows the dead letters with their reasons', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1280, height: 900 });
    await login(page, server.url, 'commander');
    await page.goto(`${server.url}/sensors`);
    await page.getByTestId('sensors-table').waitFor();
    await settled(page);
    await page.getByTestId('place-code').fill('S-F9');
    await page.getByTestId('place-sector').fill('south');
    await page.getByTestId('place-map').click({ position: { x: 60, y: 200 } });
    await page.getByTestId('place-submit').click();
    await expect.poll(async () => page.getByTestId('sensors-table').textContent(), { timeout: 10_000 }).toContain('S-F9');
    // placed in the facility the screen shows (the first of the list), in sector south
    const placed = (await server.services.sensors.list(systemActor('e2e'), { sector: 'south', limit: 10, offset: 0 })).rows;
    expect(placed.map((s) => s.code)).toEqual(['S-F9']);
    expect(placed[0]!.y).toBeGreaterThan(placed[0]!.x); // clicked low on the left of the map
    // moved to another sector, then taken out of service with a reason: still listed, its state says so
    await page.locator('[data-testid=sensor-edit][data-code="S-F9"]').click();
    const editor = page.getByTestId('sensor-editor');
    await editor.getByLabel('Sector').fill('south-west');
    await editor.getByTestId('sensor-save').click();
    await expect.poll(async () => (await server.services.sensors.list(systemActor('e2e'), { sector: 'south-west', limit: 10, offset: 0 })).rows.length).toBe(1);
    await page.locator('[data-testid=sensor-edit][data-code="S-F9"]').click();
    await page.getByTestId('sensor-decommission-reason').fill('Fence section rebuilt');
    await page.getByTestId('sensor-decommission').click();
    await expect.poll(async () => page.getByTestId('sensors-table').textContent(), { timeout: 10_000 }).toContain('Decommissioned');

    await page.getByTestId('tab-reports').click();
    await page.getByTestId('reports-table').waitFor();
    await page.getByTestId('report-summary').fill('Hisbah members threatened a family in block B1');
    await page.getByTestId('report-submit').click();
    await expect.poll(async () => page.getByTestId('reports-count').textContent(), { timeout: 10_000 }).toContain('1 staff incident report');
    await expect(page.getByTestId('reports-table').textContent()).resolves.toContain('Hisbah members threatened');
    // the follow-up and its status, recorded from the list
    await page.getByTestId('report-edit').first().click();
    await page.getByTestId('report-follow-up-text').fill('Family moved to phase 3; block B1 patrolled nightly');
    await page.getByTestId('report-status').click();
    await page.getByRole('option', { name: 'Follow-up' }).click();
    await page.getByTestId('report-save').click();
    await expect
      .poll(async () => page.getByTestId('reports-table').textContent(), { timeout: 10_000 })
      .toContain('Follow-up: Family moved to phase 3; block B1 patrolled nightly');

    await server.services.sensors.ingest([
      { source: 'mqtt', topic: 'custos/HOL/sensors/N-F1/event', address: { site: 'HOL', sensor: 'N-F1', channel: 'event' }, payload: Buffer.from('{not json') },
      {
        source: 'mqtt',
        topic: 'custos/HOL/sensors/X-9/event',
        address: { site: 'HOL', sensor: 'X-9', channel: 'event' },
        payload: Buffer.from('{"id":"1","type":"cut"}'),
      },
    ]);
    await page.getByTestId('tab-dead').click();
    await expect.poll(async () => page.getByTestId('dead-count').textContent(), { timeout: 10_000 }).toContain('2 dead letters');
    const reasons = await page.getByTestId('dead-reasons').textContent();
    expect(reasons).toContain('Not JSON: 1');
    expect(reasons).toContain('Unknown sensor: 1');
    await shot(page, '72-sensors-dead-letters-1280', true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
