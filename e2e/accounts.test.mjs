// Users administer themselves in the browser: own password and sign-ins, and the administrator
// changes a user's role; every new page with zero axe violations at WCAG 2.1 AA.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_PASSWORD, axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const NEW_PASSWORD = 'en ny och lång lösenfras';

describe('accounts', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('a user changes their own password and ends another sign-in', async () => {
    const other = await browser.newContext({ locale: 'sv-SE' });
    const otherPage = await other.newPage();
    await signIn(otherPage, server.baseUrl, 'demo-namnd');

    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await signIn(page, server.baseUrl, 'demo-namnd');
    await page.getByRole('link', { name: 'Inloggad som Demo Nämndsekreterare' }).click();
    await page.waitForURL(`${server.baseUrl}/account`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Mitt konto');
    assert.deepEqual(await axeViolations(page), []);
    assert.equal(await page.getByText('Den här inloggningen').count(), 1);

    await page.getByLabel('Nuvarande lösenord').fill('inte det rätta lösenordet');
    await page.getByLabel('Nytt lösenord', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Upprepa det nya lösenordet').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Byt lösenord' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').textContent(), /Det nuvarande lösenordet stämmer inte/);
    assert.deepEqual(await axeViolations(page), [], 'the page with its error summary too');

    await page.getByLabel('Nuvarande lösenord').fill(DEMO_PASSWORD);
    await page.getByLabel('Nytt lösenord', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Upprepa det nya lösenordet').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Byt lösenord' }).click();
    await page.getByText('Ditt lösenord är bytt.').waitFor();

    await otherPage.goto(`${server.baseUrl}/`);
    assert.match(otherPage.url(), /\/login/, 'the other sign-in has ended');

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.getByLabel('Användarnamn').fill('demo-namnd');
    await page.getByLabel('Lösenord').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await context.close();
    await other.close();
  });

  test("the administrator changes a user's role", async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await signIn(page, server.baseUrl, 'demo-admin');
    await page.goto(`${server.baseUrl}/admin/users`);
    await page.getByRole('link', { name: /demo-ekonom/ }).click();
    await page.waitForURL(`${server.baseUrl}/admin/users/demo-ekonom`);
    assert.deepEqual(await axeViolations(page), []);
    await page.getByLabel('Ekonom', { exact: true }).uncheck();
    await page.getByLabel('Enhetschef').check();
    await page.getByLabel('Enhet', { exact: true }).fill('Mottagningsenheten');
    await page.getByRole('button', { name: 'Spara ändringarna' }).click();
    await page.getByText('Ändringarna för demo-ekonom är sparade.').waitFor();
    const row = page.getByRole('row', { name: /demo-ekonom/ });
    assert.match(await row.textContent(), /Enhetschef/);
    assert.doesNotMatch(await row.textContent(), /Ekonom,|, Ekonom/);

    const ekonom = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await signIn(ekonom, server.baseUrl, 'demo-ekonom');
    const nav = ekonom.getByRole('navigation', { name: 'Huvudmeny' });
    assert.equal(await nav.getByRole('link', { name: 'Mottagning' }).count(), 1, 'the new role opens reception');
    assert.equal(await nav.getByRole('link', { name: 'Ekonomi' }).count(), 0, 'the old role is gone');
    await context.close();
  });
});
