// The regional coordinator imports a population table, generates the year's invoices, opens one
// municipality's explanation, records a withdrawal and sees the scenario; shares a cost and
// checks a printed table. Zero axe violations on these pages.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;
let server;
let browser;
let page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await signIn(page, server.baseUrl, 'demo-samordnare');
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
  const csv = [
    '"region","Folkmängd 2023"', '"05 Östergötlands län",470000',
    '"0509 Ödeshög",5200', '"0512 Ydre",3700', '"0513 Kinda",9900', '"0560 Boxholm",5500', '"0561 Åtvidaberg",11700',
    '"0562 Finspång",21800', '"0563 Valdemarsvik",7700', '"0580 Linköping",166000', '"0581 Norrköping",145000',
    '"0582 Söderköping",14800', '"0583 Motala",44000', '"0584 Vadstena",7400', '"0586 Mjölby",28000',
  ].join('\n');
  const file = `${SHOTS}scb-2023.csv`;
  writeFileSync(file, Buffer.from(csv, 'latin1'));
  await page.getByLabel('SCB, CSV (PxWeb)').check();
  await page.getByLabel('Fil').setInputFiles(file);
  await page.getByRole('button', { name: 'Läs in' }).click();
  await page.getByText('13 kommuners folkmängd för 2023 är inläst.').waitFor();
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

test('the year\'s invoices are generated and one is explained', async () => {
  await page.getByRole('link', { name: 'Fakturor', exact: true }).first().click();
  await page.getByLabel('År').selectOption('2024');
  await page.getByRole('button', { name: 'Visa' }).click();
  await page.getByRole('button', { name: 'Ta fram fakturorna för 2024' }).click();
  await page.getByText('13 nya fakturor för 2024.').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${SHOTS}cofinancing-invoices.png`, fullPage: true });
  await page.getByRole('link', { name: '2024-0586-1' }).click();
  await page.getByRole('heading', { name: 'Faktura 2024-0586-1' }).waitFor();
  await page.getByText('Delas av 13 kommuner efter folkmängd 2023').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${SHOTS}cofinancing-invoice.png`, fullPage: true });
});

test('a withdrawal is previewed with its scenario and recorded', async () => {
  await page.getByRole('link', { name: '0586 Mjölby' }).click();
  await page.getByRole('heading', { name: 'Uppsägning', exact: true }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByLabel('Uppsägningsdag').fill('2024-06-20');
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await page.getByText('Avtalet upphör 2024-08-20.').waitFor();
  await page.getByRole('heading', { name: 'Om tjänsten fortsätter 2025 utan kommunen' }).waitFor();
  assert.ok(await page.getByRole('cell', { name: '0583 Motala' }).isVisible(), 'the scenario lists the others');
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${SHOTS}cofinancing-withdrawal.png`, fullPage: true });
  await page.getByLabel('Diarienummer för beslutet').fill('KS/2024:165');
  await page.getByRole('button', { name: 'Registrera uppsägningen' }).click();
  await page.getByText('Uppsägningen är registrerad.').waitFor();
  await page.getByText('Uppsagt 2024-06-20, upphör 2024-08-20').waitFor();
  assert.deepEqual(await axeViolations(page), []);
});

test('vacancies and the start page', async () => {
  await page.getByRole('link', { name: 'Vakanser' }).first().click();
  await page.getByLabel('Första vakanta dag').fill('2024-03-10');
  await page.getByLabel('Sista vakanta dag').fill('2024-05-20');
  await page.getByRole('button', { name: 'Registrera vakansen' }).click();
  await page.getByText('Vakansen är registrerad.').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('link', { name: 'Start', exact: true }).click();
  await page.getByRole('heading', { name: 'Kommande datum' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${SHOTS}cofinancing-start.png`, fullPage: true });
});

test('the post\'s payment details and a municipality\'s invoicing address are kept; a payment file is read', async () => {
  await page.goto(`${server.baseUrl}/cofinancing/post`);
  await page.getByRole('heading', { name: 'Betalningsuppgifter och adress' }).waitFor();
  await page.getByLabel('Plusgiro').check();
  await page.getByLabel('Nummer', { exact: true }).fill('90 20 03-4');
  await page.getByRole('button', { name: 'Spara betalningsuppgifterna' }).click();
  await page.getByRole('link', { name: 'Plusgironumrets kontrollsiffra stämmer inte.' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'the form with its error summary');
  await page.getByLabel('Nummer', { exact: true }).fill('90 20 03-3');
  await page.getByRole('button', { name: 'Spara betalningsuppgifterna' }).click();
  await page.getByText('Plusgiro 902003-3').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${SHOTS}cofinancing-post.png`, fullPage: true });

  await page.goto(`${server.baseUrl}/cofinancing/agreements`);
  await page.getByRole('link', { name: /Motala/ }).first().click();
  await page.getByRole('heading', { name: 'Kommunens fakturaadress' }).waitFor();
  await page.getByLabel('Postnummer').fill('591 86');
  await page.getByRole('button', { name: 'Spara fakturaadressen' }).click();
  await page.getByRole('heading', { name: 'Kommunens fakturaadress' }).waitFor();
  assert.equal(await page.getByLabel('Postnummer').inputValue(), '591 86');
  assert.deepEqual(await axeViolations(page), []);

  await page.goto(`${server.baseUrl}/cofinancing/invoices/payments`);
  await page.getByLabel('Fil från Bankgirot (BgMax)').setInputFiles({
    name: 'fel.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('inte en BgMax-fil\n'),
  });
  await page.getByRole('button', { name: 'Läs in betalningarna' }).click();
  await page.getByText('första raden ska börja med 01BGMAX').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'the refusal');
  await page.screenshot({ path: `${SHOTS}cofinancing-payments.png`, fullPage: true });
});
