// Every role logs in, sees its start page with zero axe violations at WCAG 2.1 AA, and logs out.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { DEMO_PASSWORD, axeViolations, launchBrowser, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;

const ROLES = [
  { username: 'demo-admin', name: 'Demo Administratör', role: 'Systemadministratör', pages: ['/admin/users', '/admin/users/new'] },
  { username: 'demo-handlaggare', name: 'Demo Handläggare', role: 'Mottagningshandläggare', pages: [] },
  { username: 'demo-enhetschef', name: 'Demo Enhetschef', role: 'Enhetschef', pages: [] },
  { username: 'demo-ekonom', name: 'Demo Ekonom', role: 'Ekonom', pages: [] },
  { username: 'demo-namnd', name: 'Demo Nämndsekreterare', role: 'Socialnämnden (beställare)', pages: [] },
  { username: 'demo-samordnare', name: 'Demo Samordnare', role: 'Regional samordnare (Länsstyrelsen)', pages: ['/cofinancing/agreements', '/cofinancing/post', '/cofinancing/agreements/new'] },
  { username: 'demo-avtalskontakt', name: 'Demo Avtalskontakt', role: 'Kommunens avtalskontakt', pages: ['/cofinancing/own'] },
  { username: 'demo-granskare', name: 'Demo Granskare', role: 'Granskare', pages: ['/audit', '/audit/verify'] },
];

describe('each role', () => {
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

  test('the login page has no accessibility violations', async () => {
    const page = await browser.newPage({ locale: 'sv-SE' });
    await page.goto(`${server.baseUrl}/login`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Logga in');
    assert.deepEqual(await axeViolations(page), []);
    await page.getByLabel('Användarnamn').fill('demo-admin');
    await page.getByLabel('Lösenord').fill('fel lösenord');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.getByText('Fel användarnamn eller lösenord.').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the page with its error summary too');
    await page.screenshot({ path: `${SHOTS}login-error.png`, fullPage: true });
    await page.close();
  });

  for (const user of ROLES) {
    test(`${user.username} logs in, sees the start page and logs out`, async () => {
      const context = await browser.newContext({ locale: 'sv-SE' });
      const page = await context.newPage();
      const errors = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      const expected403 = (text) => text.includes('status of 403');
      await page.goto(`${server.baseUrl}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel('Användarnamn').fill(user.username);
      await page.getByLabel('Lösenord').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.waitForURL(`${server.baseUrl}/`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), `Välkommen, ${user.name}`);
      assert.ok(await page.getByRole('heading', { name: user.role, exact: true }).isVisible(), `the ${user.role} card`);
      assert.deepEqual(await axeViolations(page), []);
      await page.screenshot({ path: `${SHOTS}start-${user.username}.png`, fullPage: true });

      for (const path of user.pages) {
        const response = await page.goto(`${server.baseUrl}${path}`);
        assert.equal(response.status(), 200, path);
        assert.deepEqual(await axeViolations(page), [], path);
        await page.screenshot({ path: `${SHOTS}${user.username}${path.replaceAll('/', '-')}.png`, fullPage: true });
      }
      const forbidden = await page.goto(`${server.baseUrl}${user.username === 'demo-granskare' ? '/admin/users' : '/audit'}`);
      assert.equal(forbidden.status(), 403);
      assert.ok(await page.getByRole('heading', { name: 'Du saknar behörighet' }).isVisible());

      await page.getByRole('button', { name: 'Logga ut' }).click();
      await page.getByText('Du är utloggad.').waitFor();
      const back = await page.goto(`${server.baseUrl}/`);
      assert.match(back.url(), /\/login\?next=/, 'signed out for real');
      assert.deepEqual(errors.filter((e) => !expected403(e)), [], 'no errors in the console (a CSP violation would show here)');
      await context.close();
    });
  }
});
