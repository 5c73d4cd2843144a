// The regional coordinator imports a population table, shares a cost, reads one
// municipality's explanation and checks a printed table; zero axe violations on these pages.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, axeViolations, launchBrowser, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;
let server;
let browser;
let page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Användarnamn').fill('demo-samordnare');
  await page.getByLabel('Lösenord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${server.baseUrl}/`);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the coordinator imports an SCB population table', async () => {
  await page.getByRole('link', { name: 'Samfinansiering' }).click();
  await page.getByRole('heading', { level: 1, name: 'Folkmängd' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  // Statistics Sweden's CSV is ISO-8859-1.
  const csv = '"region","Folkmängd 2023"\n"05 Östergötlands län",468339\n"0586 Mjölby",27909\n"0509 Ödeshög",5251\n';
  const file = `${SHOTS}scb-2023.csv`;
  writeFileSync(file, Buffer.from(csv, 'latin1'));
  await page.getByLabel('SCB, CSV (PxWeb)').check();
  await page.getByLabel('Fil').setInputFiles(file);
  await page.getByRole('button', { name: 'Läs in' }).click();
  await page.getByText('2 kommuners folkmängd för 2023 är inläst.').waitFor();
  assert.ok(await page.getByRole('cell', { name: 'Ödeshög' }).isVisible());
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${SHOTS}cofinancing-population.png`, fullPage: true });
});

test('a bad file is refused line by line', async () => {
  const file = `${SHOTS}bad.csv`;
  writeFileSync(file, 'code,name,population\n0586,Mjölby,x\n');
  await page.getByLabel('Egen CSV: code,name,population').check();
  await page.getByLabel('År', { exact: true }).fill('2022');
  await page.getByLabel('Fil').setInputFiles(file);
  await page.getByRole('button', { name: 'Läs in' }).click();
  await page.getByText('Rad 2: folkmängden "x" är inget heltal').waitFor();
  assert.deepEqual(await axeViolations(page), []);
});

test('the cost of the post is shared and one amount explained', async () => {
  await page.getByRole('link', { name: 'Kostnad för tjänsten' }).first().click();
  await page.getByLabel('Månadslön (kr)').fill('39500');
  await page.getByLabel('Sociala avgifter med mera (procent)').fill('48');
  await page.getByLabel('Antal månader').fill('12');
  await page.getByRole('button', { name: 'Räkna' }).click();
  await page.getByRole('heading', { name: 'Kostnad: 701 520 kr' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('link', { name: 'Fördela beloppet på kommunerna' }).click();
  await page.getByLabel('Folkmängd för år').selectOption('2015');
  await page.getByRole('button', { name: 'Fördela' }).click();
  const mjolby = page.getByRole('row').filter({ hasText: 'Mjölby' });
  assert.match(await mjolby.textContent(), /41\s738\skr/);
  await mjolby.getByText('Så räknades det').click();
  await mjolby.getByText('Avrundat uppåt till 41 738 kr').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${SHOTS}cofinancing-apportion.png`, fullPage: true });
});

test('the 2018 table is checked and its rows flagged', async () => {
  await page.getByRole('link', { name: 'Granska en tryckt tabell' }).first().click();
  await page.getByLabel('Angiven total (kr)').fill('763945');
  await page.getByLabel('Tabellen').fill('code,name,population,stated_kr\n0586,Mjölby,27019,45841\n0509,Ödeshög,5343,9091\n');
  await page.getByRole('button', { name: 'Granska' }).click();
  await page.getByText('2 av 2 rader avviker').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${SHOTS}cofinancing-check.png`, fullPage: true });
});
