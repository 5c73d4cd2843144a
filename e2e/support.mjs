// Starts Etablera with demo data on a fresh database (an SQLite file, or PostgreSQL when
// E2E_POSTGRES_URL is set) and a free port, and Debian's chromium.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const DEMO_PASSWORD = 'demo-etablera-2026';

// A fresh database for one server: an SQLite file, or with E2E_POSTGRES_URL (an administrator's
// URL) a PostgreSQL database of its own, made with psql and dropped when the server stops.
function freshDatabase(dir) {
  const admin = process.env.E2E_POSTGRES_URL;
  if (!admin) {
    return { databaseUrl: `sqlite://${join(dir, 'e2e.db')}`, drop() {} };
  }
  const name = `etablera_e2e_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const psql = (sql) => execFileSync('psql', [admin, '--quiet', '--no-psqlrc', '-c', sql], { stdio: 'ignore' });
  psql(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { databaseUrl: url.toString(), drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// A day to run the demo on, for tests that name persons of the demo: its caseload is made
// relative to the day (birth dates, personnummer), so on another day those persons differ.
export const DEMO_DAY = '2026-12-06';

// A free port on 127.0.0.1, for a server whose address must be known before it starts.
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on('error', fail);
  });
}

// `config` is a settings file's TOML text; `port` a port to listen on (default: any free one).
export async function startServer({ today, config, port = 0 } = {}) {
  const bin = process.env.ETABLERA_BIN ?? resolve(import.meta.dirname, '../target/debug/etablera');
  const dir = mkdtempSync(join(tmpdir(), 'etablera-e2e-'));
  const database = freshDatabase(dir);
  const databaseUrl = database.databaseUrl;
  const dated = today ? ['--today', today] : [];
  const configured = [];
  if (config) {
    writeFileSync(join(dir, 'etablera.toml'), config);
    configured.push('--config', join(dir, 'etablera.toml'));
  }
  const args = [...dated, ...configured, '--database-url', databaseUrl, 'serve', '--demo', '--listen', `127.0.0.1:${port}`];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const baseUrl = await new Promise((ok, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`the server did not start:\n${output}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/svarar på (http:\/\/[0-9.:]+)/);
      if (match) {
        clearTimeout(timer);
        ok(match[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`the server exited with ${code}:\n${output}`)));
  });
  return {
    baseUrl,
    // For a test that adds data with the command line beside the running server.
    bin,
    databaseUrl,
    dir,
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      // The server holds connections until it exits; FORCE ends them.
      database.drop();
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

const axeSource = createRequire(import.meta.url)('axe-core').source;

// Runs axe through the DevTools protocol, so the page's Content-Security-Policy stays in force.
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// Signs in on the login page as a demo user and waits for the start page.
export async function signIn(page, baseUrl, username) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${baseUrl}/`);
}
