// The monthly report: the unit manager opens the month, sees the figures and the trend as
// charts, and signs it off; the committee member reads the signed report with small counts
// hidden, gets its PDF, and cannot reach any person or the unit manager's working page. The
// order: the unit manager sees its obligations on the start page and records an overdue one
// done; the committee reads the order without forms. Zero axe violations on every page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;
let server;
let browser;

async function checked(page, name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  await page.screenshot({ path: `${SHOTS}reporting-${name}.png`, fullPage: true });
}

async function signedInPage(username) {
  const page = await (await browser.newContext({ locale: 'sv-SE', acceptDownloads: true })).newPage();
  await signIn(page, server.baseUrl, username);
  return page;
}

// The figures of a table as { name: text }.
async function figures(page, selector) {
  const rows = await page.locator(`${selector} tbody tr`).all();
  const out = {};
  for (const row of rows) {
    out[(await row.locator('th').innerText()).trim()] = (await row.locator('td').first().innerText()).trim();
  }
  return out;
}

let exact;
let monthName;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the unit manager opens last month, sees the charts and signs it off', async () => {
  const page = await signedInPage('demo-enhetschef');
  await page.getByRole('link', { name: 'Granska och underteckna månadsrapporten' }).first().click();
  const heading = page.getByRole('heading', { level: 1 });
  await heading.waitFor();
  monthName = (await page.getByLabel('Månad').locator('option:checked').innerText()).trim();
  assert.match(await heading.innerText(), new RegExp(`^Månadsrapport: ${monthName} – Österåker$`));
  await page.getByText('Månaden är inte undertecknad än.').waitFor();
  exact = await figures(page, '#report-figures');
  assert.deepEqual(Object.keys(exact), [
    'Personer i målgruppen', 'SFI', 'Samhällsorientering', 'Extratjänst', 'Nystartsjobb', 'Jobbspår',
    'Tillsvidareanställning', 'Praktik', 'Har tackat nej till en insats', 'Andra aktiviteter (även studier)',
    'Skador i tillfälliga bostäder',
  ]);
  assert.ok(Number(exact['Personer i målgruppen']) > 100, 'the demo caseload is in the target group');
  const followUp = await figures(page, '#report-follow-up');
  assert.ok(Number(followUp['Hushåll mottagna under månaden']) >= Number(followUp['Av dem: första kontakt inom två dagar']));
  // Four charts of twelve months, each with its table.
  const charts = page.locator('figure.chart');
  assert.equal(await charts.count(), 4);
  assert.equal(await charts.first().locator('svg g').count(), 12);
  await charts.first().getByText('Visa som tabell').click();
  assert.equal(await charts.first().locator('tbody tr').count(), 12);
  assert.equal(
    (await charts.first().locator('tbody tr').last().locator('td').innerText()).trim(),
    exact['Personer i målgruppen'],
    "the chart's last month is the month's figure",
  );
  await checked(page, 'month');

  await page.getByLabel('Kommentar (valfri)').fill('Granskad på enhetsmötet.');
  await page.getByRole('button', { name: 'Underteckna månadsrapporten' }).click();
  await page.getByText('Månadsrapporten är undertecknad som version 1.').waitFor();
  await page.getByText(/Undertecknad som version 1 den .* av Demo Enhetschef\./).waitFor();
  // Nothing changed since: a second signature is refused with the reason, and nothing is added.
  await page.getByRole('button', { name: 'Underteckna en ny version' }).click();
  await page.getByText('Version 1 är redan undertecknad och ingenting har ändrats sedan dess.').first().waitFor();
  assert.equal(await page.locator('ol.versions > li').count(), 1);
  await checked(page, 'signed');
  await page.context().close();
});

test('the committee reads the signed report with small counts hidden, and no person', async () => {
  assert.ok(exact, 'the month was signed');
  const page = await signedInPage('demo-namnd');
  await page.getByRole('link', { name: 'Rapporter till nämnden' }).first().click();
  await page.getByRole('heading', { name: 'Undertecknade månadsrapporter' }).waitFor();
  await checked(page, 'list');
  await page.getByRole('link', { name: monthName }).click();
  await page.getByRole('heading', { name: `Månadsrapport till socialnämnden, ${monthName}` }).waitFor();
  const shown = await figures(page, '#report-table');
  assert.deepEqual(Object.keys(shown), Object.keys(exact), 'the committee gets the same figures, no follow-up');
  for (const [name, count] of Object.entries(exact)) {
    const n = Number(count);
    assert.equal(shown[name], n === 1 || n === 2 ? '<3' : count, name);
  }
  await page.getByText('Antal från 1 till 2 visas som <3').waitFor();
  await checked(page, 'committee');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Ladda ner som PDF' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^manadsrapport-0117-\d{4}-\d{2}-v1\.pdf$/);

  // No person, household or working page is open to the committee.
  for (const path of ['/reception', '/reception/persons/1', '/reception/households/1', '/reports/monthly']) {
    const response = await page.goto(`${server.baseUrl}${path}`);
    assert.equal(response.status(), 403, path);
  }
  await page.context().close();
});

test('the unit manager records an overdue obligation of the order done', async () => {
  const page = await signedInPage('demo-enhetschef');
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Beställningens åtaganden' }) });
  await section.waitFor();
  await section.getByText('2,5 heltidstjänster från 2020-03-01.').waitFor();
  // The demo leaves this year's interim summary of complaints and deviations overdue.
  const overdue = section.locator('tr.warn');
  assert.equal(await overdue.count(), 1);
  assert.match(await overdue.innerText(), /Klagomål och avvikelser vid delårsbokslut\s+\d{4}\s+\d{4}-09-30\s+Försenat \d+ dagar/);
  await overdue.getByRole('link').click();
  await page.getByRole('heading', { name: 'Beställningen – Österåker' }).waitFor();
  await checked(page, 'order');
  const row = page.locator('#obligations tr.obligation-overdue');
  await row.locator('summary').click();
  await row.getByLabel('Dokument').fill('SN 2026/201');
  await row.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Sparat.').waitFor();
  assert.equal(await page.locator('#obligations tr.obligation-overdue').count(), 0);
  await page.getByRole('cell', { name: 'SN 2026/201' }).waitFor();
  await checked(page, 'order-done');
  await page.context().close();
});

test('the committee reads the order and its obligations without changing them', async () => {
  const page = await signedInPage('demo-namnd');
  await page.getByRole('link', { name: 'Beställningen' }).first().click();
  await page.getByRole('heading', { name: 'Beställningen – Österåker' }).waitFor();
  await page.getByText('2020-03-01 – 2028-02-29').waitFor();
  assert.equal(await page.locator('form[action="/orders/fulfil"], form[action="/orders/staffing"]').count(), 0);
  await checked(page, 'order-committee');
  await page.context().close();
});
