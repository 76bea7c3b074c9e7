// Drives `mobileid-kit serve` in Debian's Chromium: a saved change shows up without a
// manual reload (and how long that takes is printed), a broken project.toml shows its
// error with file and line over the page, fixing it takes the overlay away, and paths
// outside the kit are 404. Every file it edits is restored byte for byte at the end.
// Usage: node serve.mjs ADDR PROJECT_DIR ; exits 1 on any failure.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

const [addr, project] = process.argv.slice(2);
const [host, port] = addr.split(':');
const instructions = join(project, 'instructions.en.md');
const toml = join(project, 'project.toml');
const original = { [instructions]: readFileSync(instructions), [toml]: readFileSync(toml) };
let failed = 0;
const fail = (what) => { failed += 1; console.log(`FAIL: ${what}`); };

// A request with its path exactly as written (a browser would normalise `..` away).
const status = (path) => new Promise((resolve, reject) => {
  const req = request({ host, port, path, method: 'GET' }, (res) => { res.resume(); resolve(res.statusCode); });
  req.on('error', reject);
  req.end();
});

// Polls the page until `test` holds of its text, across the reloads; returns the ms it took.
async function until(page, test, what, arg) {
  const started = performance.now();
  while (performance.now() - started < 10000) {
    try {
      if (await page.evaluate(test, arg)) return performance.now() - started;
    } catch { /* the page is reloading */ }
    await new Promise((r) => setTimeout(r, 5));
  }
  fail(`${what} (not within 10 s)`);
  return NaN;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await (await browser.newContext()).newPage();
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) refused.push(m.text()); });
  await page.goto(`http://${addr}/en/`);
  const times = [];
  for (let i = 1; i <= 5; i += 1) {
    const line = `Saved change number ${i} for the preview test.`;
    await new Promise((r) => setTimeout(r, 150));
    writeFileSync(instructions, Buffer.concat([original[instructions], Buffer.from(`\n${line}\n`)]));
    times.push(await until(page, (l) => document.body.innerText.includes(l), `the page shows change ${i}`, line));
  }
  times.sort((a, b) => a - b);
  console.log(`saved change → page shows it: median ${times[2].toFixed(0)} ms, slowest ${times[4].toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);

  writeFileSync(toml, original[toml].toString().replace('id = "acme-hq"', 'id = "ACME HQ"'));
  await until(page, () => {
    const o = document.getElementById('mobileid-kit-problems');
    return o && o.innerText.includes('error[E001]') && o.innerText.includes('project.toml:4:6');
  }, 'the overlay shows E001 at project.toml:4:6');
  writeFileSync(toml, original[toml]);
  await until(page, () => !document.getElementById('mobileid-kit-problems') && document.body.innerText.includes('Saved change number 5'), 'the overlay goes once fixed');
  if (refused.length) fail(`the page's policy refused something: ${refused.join(' | ')}`);

  for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/project.toml', '/ledger.csv', '/instructions.en.md/../project.toml']) {
    const got = await status(path);
    if (got !== 404) fail(`${path} answered ${got}`);
  }
  await page.goto(`http://${addr}/_preview/`, { waitUntil: 'domcontentloaded' });
  const frames = await page.locator('iframe').count();
  if (frames < 4) fail(`the preview shows ${frames} frames`);
} finally {
  writeFileSync(instructions, original[instructions]);
  writeFileSync(toml, original[toml]);
  await browser.close();
}
console.log(failed ? `${failed} failure(s)` : 'serve: live reload, overlay and 404s as expected');
process.exit(failed ? 1 : 0);
