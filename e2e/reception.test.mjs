// The case worker's day: overdue first contacts on the start page; registering a placement,
// arrival and first contact; temporary housing with its checklist and a damage; plans for two
// adults, one on 50 % parental leave; a declined offer. Zero axe violations on every page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;
let server;
let browser;
let page;

async function checked(name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  await page.screenshot({ path: `${SHOTS}reception-${name}.png`, fullPage: true });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await signIn(page, server.baseUrl, 'demo-handlaggare');
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('overdue first contacts are on the start page', async () => {
  await page.getByRole('heading', { name: 'Dagens arbete' }).waitFor();
  const table = page.getByRole('table', { name: 'Första kontakt' });
  assert.match(await table.innerText(), /Försenad – skulle tagits senast/);
  // The server looks for overdue first contacts when it starts, and tells the unit.
  await page.getByRole('link', { name: /Första kontakten är försenad för hushåll D\d+/ }).waitFor();
  await checked('start');
});

test('a bad personnummer is refused with the reason and nothing is saved', async () => {
  await page.getByRole('link', { name: 'Registrera anvisning' }).first().click();
  await page.getByLabel('Förnamn').fill('Amira');
  await page.getByLabel('Efternamn').fill('Provdotter');
  await page.getByLabel('Födelsedatum').fill('1990-01-01');
  await page.getByLabel('Personnummer eller samordningsnummer').fill('19900101-2384');
  await page.getByRole('button', { name: 'Registrera anvisningen' }).click();
  await page.getByRole('alert').getByText('Kontrollsiffran stämmer inte').waitFor();
  assert.equal(await page.getByLabel('Förnamn').inputValue(), 'Amira', 'the input is kept');
  await checked('placement-error');
});

test('the case worker registers a placement, the arrival and the first contact', async () => {
  await page.getByLabel('Personnummer eller samordningsnummer').fill('19900101-2385');
  await page.getByLabel('Dossiernummer (Migrationsverket)').fill('77-123456');
  await page.getByLabel('Språk').fill('arabiska, engelska');
  await page.getByLabel('Behöver tolk').check();
  await page.getByRole('button', { name: 'Registrera anvisningen' }).click();
  await page.getByText('Anvisningen är registrerad.').waitFor();

  await page.locator('summary', { hasText: 'Lägg till en person' }).click();
  const form = page.locator('form[action$="/persons"]');
  await form.getByLabel('Förnamn').fill('Yosef');
  await form.getByLabel('Efternamn').fill('Provdotter');
  await form.getByLabel('Födelsedatum').fill('1988-04-12');
  await form.getByRole('button', { name: 'Lägg till en person' }).click();
  await page.getByText('Personen är tillagd.').waitFor();

  await page.getByRole('button', { name: 'Registrera mottagandet' }).click();
  await page.getByText('Mottagandet är registrerat och standarduppgifterna skapade.').waitFor();
  assert.ok(await page.getByRole('cell', { name: 'Boka hälsoundersökning', exact: true }).isVisible());

  await page.getByLabel('Hur kontakten togs').fill('Hembesök med tolk');
  await page.getByRole('button', { name: 'Registrera första kontakt' }).click();
  await page.getByText('Första kontakten är registrerad.').waitFor();
  assert.match(await page.locator('#first-contact-heading + p').innerText(), /Tagen i tid/);
  await checked('household');
});

test('the case worker adds the temporary home with its checklist and records a damage', async () => {
  const form = page.locator('form[action$="/housing"]');
  await form.getByLabel('Adress').fill('Provgatan 3, 184 30 Åkersberga');
  await form.getByLabel('Hyresvärd').fill('Demobostäder');
  await form.getByLabel('Hyra per månad').fill('6 900');
  for (const item of ['Sängar', 'Sängkläder', 'Bord', 'Stolar', 'Att laga mat med', 'Mat för första dagen']) {
    await form.getByLabel(item, { exact: true }).check();
  }
  await form.getByRole('button', { name: 'Lägg till tillfällig bostad' }).click();
  await page.getByText('Bostaden är sparad.').waitFor();
  assert.ok(await page.getByText('Ja, allt på checklistan finns').isVisible());

  await page.locator('summary', { hasText: 'Registrera en skada' }).click();
  const damage = page.locator('form[action$="/damages"]');
  await damage.getByLabel('Vad som skadades').fill('Trasig garderobsdörr');
  await damage.getByLabel('Kostnad').fill('1 200');
  await damage.getByRole('button', { name: 'Registrera en skada' }).click();
  await page.getByText('Skadan är registrerad.').waitFor();
  assert.ok(await page.getByRole('cell', { name: 'Trasig garderobsdörr' }).isVisible());
  await checked('housing');
});

async function addActivity(type, hours, extent) {
  await page.locator('summary', { hasText: 'Lägg till en aktivitet' }).click();
  const form = page.locator('form[action$="/activities"]');
  await form.getByLabel('Aktivitet').selectOption({ label: type });
  if (hours !== undefined) await form.getByLabel('Timmar per vecka').fill(String(hours));
  if (extent !== undefined) await form.getByLabel('Omfattning i procent').fill(String(extent));
  await form.getByRole('button', { name: 'Lägg till en aktivitet' }).click();
  await page.getByText('Sparat.').waitFor();
}

test('plans for two adults, one on half-time parental leave, and a declined offer', async () => {
  const household = page.url();
  await page.getByRole('link', { name: 'Amira Provdotter' }).click();
  await addActivity('SFI', 15);
  assert.match(await page.getByText(/Planerat \d+ timmar/).innerText(), /Planerat 15 timmar per vecka av målet 40 timmar/);
  assert.ok(await page.getByText('Under heltidsmålet').isVisible());
  await addActivity('Praktik', 25);
  assert.ok(await page.getByText('Planen når heltidsmålet.').isVisible());

  await page.locator('summary', { hasText: 'Registrera att personen tackat nej' }).click();
  const decline = page.locator('form[action$="/declines"]');
  await decline.getByLabel('Erbjuden aktivitet').selectOption({ label: 'Jobbspår' });
  await decline.getByLabel('Skäl').fill('Vill först bli klar med SFI');
  await decline.getByRole('button', { name: 'Registrera att personen tackat nej' }).click();
  await page.getByText('Sparat.').waitFor();
  assert.ok(await page.getByRole('cell', { name: 'Vill först bli klar med SFI' }).isVisible());
  await checked('person-full-time');

  await page.goto(household);
  await page.getByRole('link', { name: 'Yosef Provdotter' }).click();
  await addActivity('Föräldraledighet (ledighet)', undefined, 50);
  await addActivity('SFI', 20);
  assert.match(await page.getByText(/Planerat \d+ timmar/).innerText(), /Planerat 20 timmar per vecka av målet 20 timmar/);
  assert.ok(await page.getByText('Målet är sänkt med 50 %').isVisible());
  assert.ok(await page.getByText('Planen når heltidsmålet.').isVisible());
  await checked('person-parental-leave');
});

test('a wrong input in each form is explained in Swedish and saves nothing', async () => {
  await page.getByRole('link', { name: 'Mottagning', exact: true }).click();
  await page.getByRole('row', { name: /Amira Provdotter/ }).getByRole('link').click();
  const household = page.url();
  const refused = async (name, message) => {
    await page.getByRole('alert').getByText(message).waitFor();
    await checked(`error-${name}`);
    await page.goto(household);
  };

  await page.locator('summary', { hasText: 'Lägg till en uppgift' }).click();
  await page.locator('form[action$="/tasks"]').getByRole('button', { name: 'Lägg till en uppgift' }).click();
  await refused('task', 'Skriv sista dagen som ÅÅÅÅ-MM-DD');

  await page.locator('summary', { hasText: 'Registrera en skada' }).click();
  const damage = page.locator('form[action$="/damages"]');
  await damage.getByLabel('Vad som skadades').fill('Sönderslagen lampa');
  await damage.getByLabel('Kostnad').fill('mycket');
  await damage.getByRole('button', { name: 'Registrera en skada' }).click();
  await refused('damage', 'Skriv kostnaden i kronor');
  assert.equal(await page.getByRole('cell', { name: 'Sönderslagen lampa' }).count(), 0, 'nothing saved');

  await page.getByRole('button', { name: 'Spara anteckningen' }).click();
  await refused('note', 'Skriv anteckningen.');

  await page.getByRole('link', { name: 'Amira Provdotter' }).click();
  const person = page.url();
  await page.locator('summary', { hasText: 'Lägg till en aktivitet' }).click();
  const activity = page.locator('form[action$="/activities"]');
  await activity.getByLabel('Timmar per vecka').fill('45');
  await activity.getByRole('button', { name: 'Lägg till en aktivitet' }).click();
  await page.getByRole('alert').getByText('Timmar per vecka ska vara mellan 0 och 40.').waitFor();
  assert.equal(await page.getByLabel('Timmar per vecka').inputValue(), '45', 'the input is kept');
  await checked('error-activity');

  await page.goto(person);
  await page.locator('summary', { hasText: 'Skriv ut ur målgruppen' }).click();
  await page.locator('form[action$="/exit"]').getByLabel('Utskriven från').fill('2020-01-01');
  await page.locator('form[action$="/exit"]').getByRole('button', { name: 'Skriv ut ur målgruppen' }).click();
  await page.getByRole('alert').getByText('Utskrivningsdatumet kan inte vara före mottagningsdatumet.').waitFor();
  await checked('error-exit');
});

test('the list shows the new household with its first contact made', async () => {
  await page.getByRole('link', { name: 'Mottagning', exact: true }).click();
  const row = page.getByRole('row', { name: /Amira Provdotter/ });
  assert.match(await row.innerText(), /Tagen i tid/);
  await checked('list');
});

test('the administrator adds an activity type to the catalogue', async () => {
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await signIn(page, server.baseUrl, 'demo-admin');
  await page.getByRole('link', { name: 'Aktivitetstyper' }).first().click();
  await page.getByLabel('Kod').fill('yrkessvenska');
  await page.getByLabel('Namn').fill('Yrkessvenska');
  await page.getByRole('button', { name: 'Lägg till en typ' }).click();
  await page.getByText('Aktivitetstypen är tillagd.').waitFor();
  assert.ok(await page.getByRole('cell', { name: 'Yrkessvenska', exact: true }).isVisible());
  await checked('catalogue');
});
