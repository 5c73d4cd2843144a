// Documents: the finance officer attaches a receipt to a cost, a file that is not a document is
// refused by its contents, the receipt is downloaded as it was sent, and the auditor finds the
// download in the access log. Zero axe violations on the cost's page.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { axeViolations, launchBrowser, signIn, startServer } from './support.mjs';

const SHOTS = new URL('./test-results/', import.meta.url).pathname;
// A scanned receipt: a PDF is known by its first bytes, whatever its name.
const RECEIPT = Buffer.from('%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe('documents', () => {
  let server;
  let browser;
  let page;

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

  test('a receipt is attached to a cost and downloaded, and the download is in the access log', async () => {
    await page.goto(`${server.baseUrl}/economy`);
    // The first cost of the list opens by its supplier.
    const first = page.locator('table tbody tr').first().locator('a[href^="/economy/costs/"]');
    const costPath = await first.getAttribute('href');
    await first.click();
    await page.getByRole('heading', { name: 'Handlingar' }).waitFor();
    await page.getByText('Inga handlingar är bifogade.').waitFor();

    // A program named like a receipt is refused, and nothing is kept.
    await page.locator('summary', { hasText: 'Bifoga en handling' }).click();
    await page.getByLabel('Fil').setInputFiles({ name: 'kvitto.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 a program') });
    await page.getByLabel('Beskrivning (valfri)').fill('Kvitto, möbler');
    await page.getByRole('button', { name: 'Bifoga' }).click();
    await page.getByRole('alert').getByText(/Filen är inte en PDF, en bild eller ett kontorsdokument/).waitFor();
    assert.equal(await page.getByLabel('Beskrivning (valfri)').inputValue(), 'Kvitto, möbler', 'the description is kept');
    await page.getByText('Inga handlingar är bifogade.').waitFor();

    await page.getByLabel('Fil').setInputFiles({ name: 'kvitto 1001.pdf', mimeType: 'application/pdf', buffer: RECEIPT });
    await page.getByRole('button', { name: 'Bifoga' }).click();
    await page.getByText('Handlingen är bifogad.').waitFor();
    assert.ok(page.url().includes(`${costPath}?saved=document`));
    const link = page.getByRole('link', { name: 'Kvitto, möbler' });
    await link.waitFor();
    assert.deepEqual(await axeViolations(page), [], 'axe on the cost with its receipt');
    await page.screenshot({ path: `${SHOTS}documents-cost.png`, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'kvitto 1001.pdf');
    assert.deepEqual(readFileSync(await download.path()), RECEIPT, 'the receipt as it was sent');
    const documentId = (await link.getAttribute('href')).split('/').pop();

    // The auditor sees who downloaded it.
    const auditor = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
    await signIn(auditor, server.baseUrl, 'demo-granskare');
    await auditor.goto(`${server.baseUrl}/audit`);
    await auditor.getByLabel('Typ av post').selectOption({ label: 'Handling' });
    await auditor.getByLabel('Händelse').selectOption({ label: 'Läsning' });
    await auditor.getByRole('button', { name: 'Visa' }).click();
    const row = auditor.locator('tbody tr').filter({ hasText: 'demo-ekonom' }).first();
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`Läsning\\s+Handling ${documentId}\\b`));
    await auditor.close();
  });
});
