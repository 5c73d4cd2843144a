// Single sign-on through a real OpenID provider (e2e/oidc.mjs), in the browser: the first login
// creates the user with the roles of their groups, refusals say why in Swedish and are logged,
// logout ends the provider's session too, and password login can be switched off.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CLIENT_ID, CLIENT_SECRET, LEVELS, startProvider } from './oidc.mjs';
import { axeViolations, freePort, launchBrowser, startServer } from './support.mjs';

describe('login through the municipality\'s identity provider', () => {
  let server;
  let provider;
  let browser;

  before(async () => {
    const [etableraPort, providerPort] = [await freePort(), await freePort()];
    const etablera = `http://127.0.0.1:${etableraPort}`;
    provider = await startProvider({ port: providerPort, etablera });
    const secretDir = mkdtempSync(join(tmpdir(), 'etablera-sso-'));
    const secretFile = join(secretDir, 'secret');
    writeFileSync(secretFile, `${CLIENT_SECRET}\n`);
    server = await startServer({
      port: etableraPort,
      config: `public_url = "${etablera}"
password_login = false

[sso]
issuer = "${provider.issuer}"
client_id = "${CLIENT_ID}"
client_secret_file = "${secretFile}"
scopes = ["profile", "email"]
user_claim = "sub"
provision = true
roles = "groups"
required_acr = ["${LEVELS.strong}"]
label = "Logga in med kommunens konto"

[[sso.groups]]
group = "etablera-handlaggare"
roles = ["case_worker"]
municipalities = ["0117"]
unit = "Mottagningsenheten"

[[sso.groups]]
group = "etablera-ekonomi"
roles = ["finance"]
municipalities = ["0117"]
`,
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
    await provider?.stop();
  });

  // Goes from Etablera's login page to the provider's, and logs in there.
  async function viaProvider(page, login, level = LEVELS.strong) {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByRole('link', { name: 'Logga in med kommunens konto' }).click();
    await page.getByLabel('Användare').fill(login);
    await page.getByLabel('Nivå').selectOption(level);
    await page.getByRole('button', { name: 'Logga in hos kommunen' }).click();
  }

  // The access log of the last days, as the command line exports it (CSV).
  function accessLog() {
    const out = join(server.dir, 'log.csv');
    const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const args = ['--database-url', server.databaseUrl, 'audit', 'export', '--from', day(-2), '--to', day(2), '--output', out];
    execFileSync(server.bin, args, { stdio: 'ignore' });
    return readFileSync(out, 'utf8');
  }

  test('password login is switched off: the login page shows one button, and a posted password is refused', async () => {
    const page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await page.goto(`${server.baseUrl}/login`);
    assert.equal(await page.getByLabel('Lösenord').count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Logga in med kommunens konto' }).count(), 1);
    assert.deepEqual(await axeViolations(page), []);
    const answer = await page.request.post(`${server.baseUrl}/login`, {
      form: { username: 'demo-admin', password: 'demo-etablera-2026', csrf_token: 'x' },
      headers: { origin: server.baseUrl },
    });
    assert.notEqual(answer.status(), 303);
    await page.close();
  });

  test('the first login creates the user with the roles of their groups', async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await viaProvider(page, 'anna.handlaggare');
    await page.waitForURL(`${server.baseUrl}/`);
    assert.match(await page.locator('body').innerText(), /Anna Handläggare/);
    const cases = await page.goto(`${server.baseUrl}/reception`);
    assert.equal(cases.status(), 200, 'a case worker by the group table');
    const economy = await page.goto(`${server.baseUrl}/economy`);
    assert.equal(economy.status(), 403, 'and nothing else');
    await context.close();

    const finance = await browser.newContext({ locale: 'sv-SE' });
    const other = await finance.newPage();
    await viaProvider(other, 'ebba.ekonom', LEVELS.password);
    await other.waitForURL(`${server.baseUrl}/`);
    assert.equal((await other.goto(`${server.baseUrl}/economy`)).status(), 200, 'finance: no person, any level');
    await finance.close();
  });

  test('a user whose groups give no role gets a clear page, not an empty start page', async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await viaProvider(page, 'utan.roll');
    await page.waitForURL(/\/login\/sso\/callback/);
    assert.match(await page.locator('main').innerText(), /ingen roll i Etablera/);
    assert.deepEqual(await axeViolations(page), []);
    assert.match((await page.goto(`${server.baseUrl}/`)).url(), /\/login\?next=/, 'not signed in');
    await context.close();
  });

  test('a role that sees persons needs the strong level', async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await viaProvider(page, 'anna.handlaggare', LEVELS.password);
    await page.waitForURL(/\/login\/sso\/callback/);
    assert.match(await page.locator('main').innerText(), /stark autentisering/);
    await context.close();
  });

  test('a forged state, an expired token and a token for another client are refused', async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login/sso`);
    // At the provider's login page, with the login begun; the answer comes back forged.
    await page.goto(`${server.baseUrl}/login/sso/callback?code=stulen&state=forfalskad`);
    assert.match(await page.locator('main').innerText(), /kunde inte kopplas till den här webbläsaren/);
    await context.close();

    for (const [login, message] of [['utgangen', /för gammalt/], ['fel-mottagare', /inte utfärdat till Etablera/]]) {
      const c = await browser.newContext({ locale: 'sv-SE' });
      const p = await c.newPage();
      await viaProvider(p, login);
      await p.waitForURL(/\/login\/sso\/callback/);
      assert.match(await p.locator('main').innerText(), message, login);
      await c.close();
    }
  });

  test('an existing user is matched by the login id, and once disabled in Etablera cannot log in through the provider', async () => {
    const cli = (...args) => execFileSync(server.bin, ['--database-url', server.databaseUrl, 'user', ...args], { stdio: 'ignore' });
    cli('set-login-id', 'demo-ekonom', 'befintlig');
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await viaProvider(page, 'befintlig', LEVELS.password);
    await page.waitForURL(`${server.baseUrl}/`);
    assert.match(await page.locator('body').innerText(), /Demo Ekonom/, 'the user Etablera has, not a new one');
    await context.close();

    cli('disable', 'demo-ekonom');
    const again = await browser.newContext({ locale: 'sv-SE' });
    const refused = await again.newPage();
    await viaProvider(refused, 'befintlig', LEVELS.password);
    await refused.waitForURL(/\/login\/sso\/callback/);
    assert.match(await refused.locator('main').innerText(), /avstängt/);
    await again.close();
  });

  test('logout ends Etablera\'s session and the provider\'s', async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    await viaProvider(page, 'ebba.ekonom');
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.getByRole('button', { name: 'Ja, logga ut' }).click();
    await page.waitForURL(`${server.baseUrl}/login?logged_out=1`);
    // The provider's session is gone too: a new login asks again.
    await page.getByRole('link', { name: 'Logga in med kommunens konto' }).click();
    await page.getByLabel('Användare').waitFor();
    await context.close();
  });

  test('every login, refusal and logout is in the access log with its reason', () => {
    const log = accessLog().split('\n').filter((row) => row.includes('sso_login') || row.includes(',logout,')).join('\n');
    for (const reason of ['no_role', 'level', 'state', 'expired', 'audience', 'disabled']) {
      assert.match(log, new RegExp(`login_failed,sso_login,${reason}`), reason);
    }
    assert.match(log, /,login,sso_login,/);
    assert.match(log, /,logout,user,/);
    assert.doesNotMatch(log, /anna\.handlaggare@kommun\.example/, 'no claim value in the log');
  });
});
