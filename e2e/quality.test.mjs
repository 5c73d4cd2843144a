// Complaints and deviations: the case worker registers a serious deviation (a wrong input first,
// explained and kept), the committee member finds the notification on the start page and reads
// the summary written for it, without the description or the household; the unit manager
// closes it and sees the closing's summary.
// Zero axe violations on every page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;
let server;
let browser;
let caseUrl;

async function checked(page, name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  await page.screenshot({ path: `${SHOTS}quality-${name}.png`, fullPage: true });
}

async function signedInPage(username) {
  const page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await signIn(page, server.baseUrl, username);
  return page;
}

function today() {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the case worker registers a serious deviation', async () => {
  const page = await signedInPage('demo-handlaggare');
  await page.getByRole('link', { name: 'Avvikelser', exact: true }).click();
  await page.getByRole('heading', { name: 'Klagomål och avvikelser', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Registrera klagomål eller avvikelse' }).click();
  await page.getByRole('heading', { name: 'Registrera klagomål eller avvikelse' }).waitFor();
  await checked(page, 'new');

  await page.getByLabel('Avvikelse', { exact: true }).check();
  await page.getByLabel('Inkom eller upptäcktes').fill('i förrgår');
  await page.getByLabel('Område').selectOption({ label: 'Bostad' });
  await page.getByLabel('Vad det gäller').fill('Bostaden saknade sängar när familjen kom.');
  await page.getByLabel('Allvarlig', { exact: true }).check();
  await page.getByRole('button', { name: 'Registrera' }).click();
  await page.getByText('Skriv dagen det kom in som ÅÅÅÅ-MM-DD, till exempel 2024-02-01.').first().waitFor();
  await page.getByText('Välj hur det kom in.').first().waitFor();
  await page.getByText(/Skriv en sammanfattning till nämnden/).first().waitFor();
  assert.equal(await page.getByLabel('Vad det gäller').inputValue(), 'Bostaden saknade sängar när familjen kom.');
  await checked(page, 'new-errors');

  await page.getByLabel('Inkom eller upptäcktes').fill(today());
  await page.getByLabel('Hur det kom in').selectOption({ label: 'Upptäckt av personalen' });
  await page.getByLabel('Hushåll som berörs (valfritt)').fill('D101');
  await page.getByLabel('Sammanfattning till nämnden (krävs när ärendet är allvarligt)').fill('En bostad för ett kvotflyktingshushåll saknade sängar vid ankomsten.');
  await page.getByRole('button', { name: 'Registrera' }).click();
  await page.getByText('Ärendet är sparat.').waitFor();
  await page.getByText(/Underrättad .*: 1 av nämndens ledamöter i Etablera, i applikationen/).waitFor();
  caseUrl = new URL(page.url()).pathname;
  await checked(page, 'saved');
  await page.context().close();
});

test('the committee member is told at once and reads the case without its household', async () => {
  assert.ok(caseUrl, 'the case was registered');
  const id = caseUrl.split('/').pop();
  const page = await signedInPage('demo-namnd');
  const notice = page.getByRole('link', { name: `Ett allvarligt klagomål eller en allvarlig avvikelse har registrerats (Ä${id})` });
  await notice.waitFor();
  await checked(page, 'committee-start');
  await notice.click();
  await page.getByRole('heading', { name: `Avvikelse Ä${id}` }).waitFor();
  await page.getByText('En bostad för ett kvotflyktingshushåll saknade sängar vid ankomsten.').waitFor();
  assert.equal(await page.getByText('Bostaden saknade sängar när familjen kom.').count(), 0, "not the unit's description");
  assert.equal(await page.getByText('D101').count(), 0, 'no household for the committee');
  await checked(page, 'committee-case');
  const response = await page.goto(`${server.baseUrl}${caseUrl}`);
  assert.equal(response.status(), 403, "the unit's page is not the committee's");
  await page.context().close();
});

// The housing row of this year's summary: complaints, deviations, serious, closed, open.
async function housingRow(page) {
  await page.goto(`${server.baseUrl}/reports/closings?closing=annual`);
  const cells = await page.getByRole('row', { name: /^Bostad/ }).locator('td').allInnerTexts();
  return cells.map(Number);
}

test('the unit manager closes the case and sees it in the annual summary', async () => {
  const page = await signedInPage('demo-enhetschef');
  const before = await housingRow(page);
  await page.goto(`${server.baseUrl}${caseUrl}`);
  await page.getByLabel('Vidtagna åtgärder').fill('Sängar levererade samma kväll; checklistan ses över.');
  await page.getByLabel('Avslutat den (lämna tomt så länge ärendet pågår)').fill(today());
  await page.getByRole('button', { name: 'Spara ändringar' }).click();
  await page.getByText('Ärendet är sparat.').waitFor();
  const after = await housingRow(page);
  const [complaints, deviations, serious, closed, open] = before;
  assert.deepEqual(after, [complaints, deviations, serious, closed + 1, open - 1], 'closed, no longer open');
  assert.ok(deviations >= 1 && serious >= 1, 'the serious deviation is counted');
  await checked(page, 'closings');
  await page.context().close();
});
