// Incomplete birth dates: a quota refugee whose samordningsnummer leaves her month and day
// unknown (19900060-2384) is registered as Skatteverket wrote it (1990-00-00), shown so, and
// claimed with that number. Zero axe violations on the pages she is on.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;
const NUMBER = '19900060-2384';

function today() {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}

describe('incomplete birth dates', () => {
  let server;
  let browser;
  let caseWorker;
  let finance;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
    caseWorker = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await signIn(caseWorker, server.baseUrl, 'demo-handlaggare');
    finance = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await signIn(finance, server.baseUrl, 'demo-ekonom');
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('a samordningsnummer with month 00 is registered and shown as written', async () => {
    const page = caseWorker;
    await page.getByRole('link', { name: 'Registrera anvisning' }).first().click();
    await page.getByLabel('Förnamn').fill('Hawa');
    await page.getByLabel('Efternamn').fill('Provdotter');
    // A whole date that the number does not carry is refused, with what to write instead.
    await page.getByLabel('Födelsedatum').fill('1990-06-15');
    await page.getByLabel('Personnummer eller samordningsnummer').fill(NUMBER);
    await page.getByLabel('Kategori').selectOption({ label: 'Kvotflykting' });
    await page.getByLabel('Mottagningsdatum', { exact: true }).fill(today());
    await page.getByRole('button', { name: 'Registrera anvisningen' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Födelsedatum').fill('1990-00-00');
    await page.getByRole('button', { name: 'Registrera anvisningen' }).click();
    await page.getByText('Anvisningen är registrerad.').waitFor();
    const persons = page.getByRole('table').filter({ hasText: 'Hawa Provdotter' });
    assert.match(await persons.innerText(), /1990-00-00/);
    await page.getByRole('link', { name: 'Hawa Provdotter' }).click();
    const facts = await page.locator('dl.facts').innerText();
    assert.match(facts, /1990-00-00 \(\d+ år, åldern räknad från 1990-12-31\)/);
    assert.match(facts, new RegExp(NUMBER));
    assert.deepEqual(await axeViolations(page), [], 'axe on the person');
    await page.screenshot({ path: `${SHOTS}incomplete-person.png`, fullPage: true });
  });

  test('and claimed with her samordningsnummer', async () => {
    const page = finance;
    await page.getByRole('link', { name: 'Ekonomi' }).click();
    // The household is found by her number.
    await page.getByLabel('Hushåll', { exact: true }).fill(NUMBER);
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByRole('heading', { name: /^Ny kostnad för / }).waitFor();
    await page.getByLabel('Kategori').selectOption({ label: 'Kläder' });
    await page.getByLabel('Datum').fill(today());
    await page.getByLabel('Leverantör').fill('Klädbutiken');
    await page.getByLabel('Belopp exklusive moms').fill('1 500');
    await page.getByRole('button', { name: 'Spara kostnad' }).click();
    await page.getByText(/Kostnaden är sparad\./).waitFor();

    await page.getByRole('link', { name: 'Ansökningar', exact: true }).click();
    const prepare = page.locator('details', { has: page.locator('summary', { hasText: 'Förbered ansökan' }) });
    if ((await prepare.getAttribute('open')) === null) await prepare.locator('summary').click();
    await page.getByLabel('Period från').fill(today());
    await page.getByLabel('Period till').fill(today());
    await page.getByRole('button', { name: 'Förbered ansökan' }).click();
    await page.getByText('Utkastet är sparat.').waitFor();
    const row = page.getByRole('row').filter({ hasText: NUMBER });
    await row.waitFor();
    assert.match(await row.innerText(), /Hawa Provdotter/);
    assert.deepEqual(await axeViolations(page), [], 'axe on the claim');
  });
});
