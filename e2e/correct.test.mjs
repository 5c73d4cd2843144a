// A case worker corrects a person's details and sees the change in the person's history; the
// page, with its form open and after saving, has zero axe violations.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_DAY, axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

describe('correct a person', () => {
  let server;
  let browser;

  before(async () => {
    // The demo of a fixed day: Karim Testdotter and Ruth Låtsasson are persons of that day's caseload.
    server = await startServer({ today: DEMO_DAY });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('a misspelt name is corrected and the history shows who changed what', async () => {
    const page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await signIn(page, server.baseUrl, 'demo-handlaggare');
    await page.goto(`${server.baseUrl}/reception?show=all&q=198810220015`);
    await page.locator('tbody tr a').first().click();
    await page.getByRole('link', { name: 'Karim Testdotter' }).click();
    await page.waitForURL(/\/reception\/persons\/\d+/);
    await page.getByText('Ändra personuppgifter').click();
    const given = page.locator('#person-edit-given_name');
    assert.equal(await given.inputValue(), 'Karim');
    assert.deepEqual(await axeViolations(page), [], 'with the form open');
    await given.fill('Kareem');
    await page.locator('#person-edit-languages').fill('arabiska, engelska');
    await page.getByRole('button', { name: 'Spara ändringarna' }).click();
    await page.getByText('Personuppgifterna är ändrade.').waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Kareem Testdotter');
    const history = page.locator('section[aria-labelledby="history-heading"]');
    assert.match(await history.textContent(), /Demo Handläggare.*Förnamn.*Karim.*Kareem/s);
    assert.match(await history.textContent(), /Språk/);
    assert.deepEqual(await axeViolations(page), []);
  });

  test('registering someone already registered warns with a link, and can go ahead on purpose', async () => {
    const page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await signIn(page, server.baseUrl, 'demo-handlaggare');
    await page.goto(`${server.baseUrl}/reception/households/new`);
    await page.getByLabel('Anvisningsdatum').fill(DEMO_DAY);
    // Ruth Låtsasson, born 1998-06-13, is in the demo; typed without the diacritics.
    await page.getByLabel('Förnamn').fill('Ruth');
    await page.getByLabel('Efternamn').fill('Latsasson');
    await page.getByLabel('Födelsedatum').fill('1998-06-13');
    await page.getByRole('button', { name: 'Registrera anvisningen' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').textContent(), /Det finns redan en person med samma namn och födelsedatum/);
    assert.equal(await page.getByRole('link', { name: /Ruth Låtsasson \(1998-06-13\)/ }).count(), 1);
    assert.deepEqual(await axeViolations(page), []);
    await page.getByLabel('Det är en annan person – registrera ändå').check();
    await page.getByRole('button', { name: 'Registrera anvisningen' }).click();
    await page.waitForURL(/\/reception\/households\/\d+\?saved=placement/);
  });
});
