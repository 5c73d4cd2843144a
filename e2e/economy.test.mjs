// The finance officer's work: initial costs for a quota family of five with the cap warning for
// home equipment over 9 000 kr, a claim prepared, exported and decided, the grant's account,
// the SIE export; the committee sees the grant in sums only. Zero axe violations on every page.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;
let server;
let browser;
let page;

async function checked(name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  await page.screenshot({ path: `${SHOTS}economy-${name}.png`, fullPage: true });
}

// Amounts are written with no-break spaces (9 000 kr); tests read them with plain ones.
const plain = (text) => text.replace(/\u00a0/g, ' ');

function today() {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'sv-SE', acceptDownloads: true })).newPage();
  await signIn(page, server.baseUrl, 'demo-ekonom');
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the start page shows money at risk', async () => {
  await page.getByRole('heading', { name: 'Pengar som kan gå förlorade' }).waitFor();
  await checked('start');
});

test('costs for a quota family of five, with the cap warning for home equipment', async () => {
  await page.getByRole('link', { name: 'Ekonomi' }).click();
  await page.getByRole('heading', { name: 'Kostnader', level: 1 }).waitFor();
  await checked('costs');
  // D101 is the demo's quota family of five, received ten days ago.
  await page.getByLabel('Hushåll', { exact: true }).fill('Ingen Sådan');
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  // A household that does not exist is said beside the field, and the list stays.
  await page.locator('#household-reference-error').getByText('Det finns inget hushåll med referensen Ingen Sådan bland dina hushåll.').waitFor();
  // Part of a reference finds several, offered to choose from.
  await page.getByLabel('Hushåll', { exact: true }).fill('D10');
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.locator('#household-reference-error').getByText(/hushåll passar sökningen/).waitFor();
  await checked('costs-choices');
  await page.getByRole('list', { name: 'Hushåll som passar sökningen' }).getByRole('link', { name: 'D101', exact: true }).click();
  await page.getByRole('heading', { name: 'Ny kostnad för D101' }).waitFor();
  assert.equal(await page.getByLabel('Vem kostnaden gäller').locator('option').count(), 6, 'the household and its five');

  await page.getByLabel('Kategori').selectOption({ label: 'Hemutrustning' });
  await page.getByLabel('Datum').fill(today());
  await page.getByLabel('Leverantör').fill('Möbelhuset i Åkersberga');
  await page.getByLabel('Moms i kronor').fill('2 375');
  await page.getByLabel('Belopp exklusive moms').fill('9 500');
  // The assessment comes as the amount is typed (htmx), before anything is saved.
  const warning = page.locator('#cost-warning');
  await warning.waitFor();
  assert.match(plain(await warning.innerText()), /^500 kr är över taket för hemutrustning \(9 000 kr för hushållet\)/);
  assert.equal(plain(await page.locator('#cost-reimbursable').innerText()), '9 000 kr');
  await checked('cost-warning');
  await page.getByRole('button', { name: 'Spara kostnad' }).click();
  await page.getByText(/Kostnaden är sparad\. Ersättningsbart: 9\s000\skr; över taket: 500\skr\./).waitFor();

  for (const [category, amount] of [['Mat första dagen', '1 000'], ['Kläder', '7 000'], ['Resa från flygplatsen', '1 850']]) {
    await page.getByLabel('Kategori').selectOption({ label: category });
    await page.getByLabel('Datum').fill(today());
    await page.getByLabel('Leverantör').fill('Leverantören AB');
    await page.getByLabel('Belopp exklusive moms').fill(amount);
    await page.getByRole('button', { name: 'Spara kostnad' }).click();
    await page.getByText(/Kostnaden är sparad\./).waitFor();
  }
  await checked('costs-saved');
});

test('a bad amount is explained, the input kept and nothing saved', async () => {
  await page.getByLabel('Belopp exklusive moms').fill('nio tusen');
  await page.getByLabel('Leverantör').fill('Möbelhuset');
  await page.getByRole('button', { name: 'Spara kostnad' }).click();
  await page.getByRole('alert').getByText('Skriv beloppet i kronor').waitFor();
  assert.equal(await page.getByLabel('Belopp exklusive moms').inputValue(), 'nio tusen');
  await checked('cost-error');
});

test('the claim is prepared, exported and decided', async () => {
  await page.getByRole('link', { name: 'Ansökningar', exact: true }).click();
  // The form is folded away once there are claims (the demo has some).
  const prepare = page.locator('details', { has: page.locator('summary', { hasText: 'Förbered ansökan' }) });
  if ((await prepare.getAttribute('open')) === null) await prepare.locator('summary').click();
  await page.getByLabel('Period från').fill(today());
  await page.getByLabel('Period till').fill(today());
  await page.getByRole('button', { name: 'Förbered ansökan' }).click();
  await page.getByText('Utkastet är sparat.').waitFor();
  const rows = page.getByRole('table').first();
  assert.match(await rows.innerText(), /Hemutrustning/);
  // 9 000 (the cap) + 1 000 + 7 000 + 1 850 kr.
  assert.equal(plain(await page.locator('#claim-total').innerText()), '18 850');
  await checked('claim-draft');

  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Ladda ner som Excel (XLSX)' }).click()]);
  assert.match(xlsx.suggestedFilename(), /^ansokan-\d+\.xlsx$/);
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Ladda ner som PDF' }).click()]);
  assert.ok(readFileSync(await pdf.path()).subarray(0, 5).equals(Buffer.from('%PDF-')), 'a PDF');

  await page.getByLabel('Händelse', { exact: true }).selectOption({ label: 'Inskickad till Migrationsverket' });
  await page.getByRole('button', { name: 'Spara händelsen' }).click();
  await page.getByText('Ansökan är uppdaterad.').waitFor();
  await page.getByLabel('Händelse', { exact: true }).selectOption({ label: 'Beslut' });
  await page.getByLabel('Beviljat belopp').fill('18 000');
  await page.getByLabel('Beslutets referens').fill('MIG 1.3.2-2026-0001');
  await page.getByRole('button', { name: 'Spara händelsen' }).click();
  await page.getByText('Ansökan är uppdaterad.').waitFor();
  assert.match(plain(await page.locator('dl.facts').innerText()), /Ej beviljat \(belastar anslaget\)\s*850 kr/);
  await checked('claim-decided');
});

test('the grant account shows what was charged and what is left', async () => {
  await page.getByRole('link', { name: 'Anslaget', exact: true }).click();
  await page.getByRole('heading', { name: /Anslaget \d{4}/ }).waitFor();
  assert.equal(plain(await page.locator('#value-amount').innerText()), '100 000 kr');
  assert.ok(await page.getByRole('cell', { name: 'Ej beviljat av Migrationsverket' }).first().isVisible());
  await checked('grant');
  await page.getByRole('link', { name: 'Bokföring (SIE)' }).click();
  await checked('sie');
  const [sie] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner SIE-filen' }).click()]);
  const file = readFileSync(await sie.path(), 'latin1');
  assert.match(file, /#SIETYP 4/);
  // Last month by default; this month holds the costs recorded above.
  assert.doesNotMatch(file, /#TRANS 5410 \{1 "1410"\} 9500\.00/);
  await page.getByLabel('Månad', { exact: true }).fill(today().slice(0, 7));
  const [current] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner SIE-filen' }).click()]);
  const text = readFileSync(await current.path(), 'latin1');
  assert.match(text, /#TRANS 5410 \{1 "1410"\} 9500\.00/, 'the home equipment on its account and cost centre');
  assert.match(text, /#TRANS 5410 \{1 "1411"\} 500\.00/, 'what is over the cap moved to the grant');
});

test('the expected standard reimbursements per person', async () => {
  await page.getByRole('link', { name: 'Förväntade schabloner' }).click();
  await page.getByRole('heading', { name: 'Förväntade schabloner' }).waitFor();
  await checked('standard');
});

test('the committee sees the grant in sums and no person', async () => {
  const committee = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await signIn(committee, server.baseUrl, 'demo-namnd');
  await committee.getByRole('link', { name: 'Anslaget' }).first().click();
  await committee.getByRole('heading', { name: /Anslaget \d{4}/ }).waitFor();
  const text = await committee.locator('main').innerText();
  assert.doesNotMatch(text, /D101|Kostnad \d+/);
  assert.deepEqual(await axeViolations(committee), []);
  await committee.screenshot({ path: `${SHOTS}economy-committee.png`, fullPage: true });
  const refused = await committee.goto(`${server.baseUrl}/economy/claims`);
  assert.equal(refused.status(), 403);
});
