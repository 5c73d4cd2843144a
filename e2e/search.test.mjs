// A case worker finds a household by the header's search box (a personnummer typed with and
// without its hyphen, a name without its diacritics) and pages through a list of a thousand
// households with the query kept; the list's pages have zero axe violations.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { DEMO_DAY, axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

// A thousand households of one person each, "Sökbar Familj 0001" to "… 1000", placed in 2026.
function thousandHouseholds() {
  const households = [];
  for (let i = 1; i <= 1000; i += 1) {
    const n = String(i).padStart(4, '0');
    households.push({
      ref: `S${n}`,
      placement_date: '2026-03-01',
      persons: [
        { ref: 'P1', given_name: 'Sökbar', family_name: `Familj ${n}`, birth_date: '1990-01-01', category: 'resettled' },
      ],
    });
  }
  return { format: 'etablera-reception/1', municipality_code: '0117', households };
}

describe('search', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    // The demo of a fixed day: the persons searched for are in that day's caseload.
    server = await startServer({ today: DEMO_DAY });
    const file = join(server.dir, 'thousand.json');
    writeFileSync(file, JSON.stringify(thousandHouseholds()));
    execFileSync(server.bin, ['--database-url', server.databaseUrl, 'import', 'reception', file], { stdio: 'ignore' });
    browser = await launchBrowser();
    page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await signIn(page, server.baseUrl, 'demo-handlaggare');
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  async function searchFor(text) {
    const box = page.getByRole('search').first().getByRole('searchbox', { name: 'Sök ärende' });
    await box.fill(text);
    await box.press('Enter');
    await page.waitForURL(/\/reception\?/);
  }

  test('a personnummer with or without its hyphen, and a name without diacritics', async () => {
    for (const typed of ['19881022-0015', '198810220015', '881022-0015']) {
      await searchFor(typed);
      const rows = page.locator('tbody tr');
      assert.equal(await rows.count(), 1, typed);
      assert.match(await rows.first().textContent(), /Karim Testdotter/, typed);
    }
    await searchFor('ruth latsasson');
    assert.match(await page.locator('tbody tr').first().textContent(), /Ruth Låtsasson/);
    assert.deepEqual(await axeViolations(page), []);
    await page.locator('tbody tr a').first().click();
    await page.waitForURL(/\/reception\/households\/\d+/);
  });

  test('paging through a thousand households keeps the search', async () => {
    await searchFor('sokbar familj');
    assert.match(await page.getByRole('status').first().textContent(), /1000/);
    const firstPage = await page.locator('tbody tr').count();
    assert.ok(firstPage > 0 && firstPage < 1000, 'one page, not all of them');
    await page.getByRole('link', { name: /Nästa/ }).click();
    await page.waitForURL(/page=2/);
    assert.match(page.url(), /q=sokbar/, 'the search is kept in the page link');
    assert.equal(await page.locator('tbody tr').count(), firstPage);
    assert.deepEqual(await axeViolations(page), []);
    // Sorting by reference keeps the search too, and starts from the first.
    await page.getByRole('link', { name: 'Hushåll' }).click();
    await page.waitForURL(/sort=reference/);
    assert.match(page.url(), /q=sokbar/);
    assert.match(await page.locator('tbody tr').first().textContent(), /S0001/);
  });

  test("the unit manager makes a case worker responsible, and it is among the case worker's own", async () => {
    const chef = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await signIn(chef, server.baseUrl, 'demo-enhetschef');
    await chef.goto(`${server.baseUrl}/reception?show=all&q=S0042`);
    await chef.locator('tbody tr a').first().click();
    await chef.waitForURL(/\/reception\/households\/\d+/);
    assert.match(await chef.locator('dl.facts').textContent(), /Ingen ansvarig/);
    await chef.getByLabel('Byt ansvarig handläggare').selectOption({ label: 'Demo Handläggare' });
    await chef.getByRole('button', { name: 'Spara ansvarig' }).click();
    await chef.getByText('Ansvarig handläggare är sparad.').waitFor();
    assert.match(await chef.locator('dl.facts').textContent(), /Demo Handläggare/);
    assert.deepEqual(await axeViolations(chef), []);

    await page.goto(`${server.baseUrl}/reception`);
    await page.getByLabel('Ansvarig', { exact: true }).selectOption({ label: 'Mina ärenden' });
    await page.getByRole('button', { name: 'Sök', exact: true }).last().click();
    await page.waitForURL(/responsible=mine/);
    assert.match(await page.locator('tbody').textContent(), /S0042/);
    assert.deepEqual(await axeViolations(page), []);
  });
});
