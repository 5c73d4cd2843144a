// The data-protection lifecycle in the browser: the administrator culls the records due, the
// unit manager takes out a register extract and reviews a month of the access log; every page
// with zero axe violations at WCAG 2.1 AA.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;

describe('records', () => {
  let server;
  let browser;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('the administrator sees what is due by number and culls it', async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await signIn(page, server.baseUrl, 'demo-admin');
    await page.getByRole('link', { name: 'Gallring' }).first().click();
    await page.waitForURL(/\/admin\/culling/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Gallring');
    assert.match(await page.getByRole('status').first().textContent(), /akter att gallra 6, varav 2 som inte får gallras än/);
    assert.equal(await page.getByText('Väntar: en aktivitet har inget slutdatum').count(), 2);
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${SHOTS}culling.png`, fullPage: true });
    await page.getByRole('button', { name: 'Gallra nu' }).click();
    await page.getByText('Gallrade hushåll: 4').waitFor();
    assert.match(await page.getByRole('status').nth(1).textContent(), /akter att gallra 2, varav 2/);
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  test('the unit manager takes out a register extract and reviews last month', async () => {
    const context = await browser.newContext({ locale: 'sv-SE', acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, server.baseUrl, 'demo-enhetschef');
    await page.goto(`${server.baseUrl}/reception`);
    await page.locator('main table a[href^="/reception/households/"]').first().click();
    await page.locator('main a[href^="/reception/persons/"]').first().click();
    await page.getByRole('heading', { name: 'Registerutdrag' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Registerutdrag (PDF)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^registerutdrag-\d+\.pdf$/);

    // The demo's reads are all of today: last month has none to pick, and is signed at once.
    await page.getByRole('link', { name: 'Logguppföljning' }).first().click();
    await page.waitForURL(/\/audit\/reviews$/);
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole('button', { name: 'Börja följa upp månaden' }).click();
    await page.waitForURL(/\/audit\/reviews\/\d+/);
    assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /Logguppföljning \d{4}-\d{2}, 0117 Österåker/);
    await page.getByText('Alla läsningar är granskade.').waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole('button', { name: 'Signera' }).click();
    await page.getByText('Skriv en sammanfattning av uppföljningen').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the page with its error too');
    await page.getByLabel('Sammanfattning').fill('Inga läsningar valdes ut.');
    await page.getByRole('button', { name: 'Signera' }).click();
    await page.getByText(/Signerad \d{4}-\d{2}-\d{2} \d{2}:\d{2} av Demo Enhetschef/).waitFor();
    await page.screenshot({ path: `${SHOTS}review.png`, fullPage: true });
    await page.getByRole('link', { name: 'Alla uppföljningar' }).click();
    await page.getByText(/Signerad .* av Demo Enhetschef/).waitFor();
    await context.close();
  });
});
