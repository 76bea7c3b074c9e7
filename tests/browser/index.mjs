// Drives the multi-project index page DIR/index.html in Debian's Chromium. Without script,
// every kit link is visible and the search field is not shown. With script, nothing is
// logged as an error and the page's policy refuses nothing (a deliberate refusal at the end
// proves that refusals are seen); the search field is visible and labelled; typing QUERY
// leaves visible exactly the kits whose name or id contains each of its words, hides the
// groups left without one and changes the live region; a string matching nothing says so in
// the live region; clearing the field shows every kit again.
// Usage: node index.mjs INDEX.html QUERY ; exits 1 on any failure.
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [file, query] = process.argv.slice(2);
if (!file || !query) {
  console.log('usage: node index.mjs INDEX.html QUERY');
  process.exit(2);
}
const url = pathToFileURL(file).href;
const nothing = 'zq-matches-no-kit-xj';
let failed = 0;
const fail = (what) => { failed += 1; console.log(`FAIL: ${what}`); };

// Case and accents aside, as one would search: "koln" finds "Köln".
const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
const words = (s) => fold(s).split(/\s+/).filter(Boolean);

// Each kit link: its name (the link's text), its id (the folder it points to), its group.
const kitsOf = (page) => page.evaluate(() => [...document.querySelectorAll('main a[href]')].map((a) => {
  const section = a.closest('section');
  const heading = section && section.querySelector('h2');
  return {
    name: a.textContent.trim(),
    id: decodeURIComponent(a.getAttribute('href').replace(/\/?index\.html$/, '')),
    group: section ? [...document.querySelectorAll('main section')].indexOf(section) : -1,
    groupName: heading ? heading.textContent.trim() : '',
  };
}));

// Which links and groups the user can see now.
async function seen(page) {
  const links = page.locator('main a[href]');
  const groups = page.locator('main section');
  const shown = [];
  for (let i = 0; i < await links.count(); i += 1) shown.push(await links.nth(i).isVisible());
  const groupsShown = [];
  for (let i = 0; i < await groups.count(); i += 1) groupsShown.push(await groups.nth(i).isVisible());
  return { shown, groupsShown };
}

// Polls until `test` holds (the script answers the input event, but give it time).
async function until(test) {
  const started = performance.now();
  while (performance.now() - started < 3000) {
    if (await test()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

const names = (kits, which) => kits.filter((_, i) => which[i]).map((k) => k.name);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  // (a) Without script.
  {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url);
    const kits = await kitsOf(page);
    const { shown } = await seen(page);
    if (kits.length === 0) fail('without script: the page has no kit links');
    const hidden = names(kits, shown.map((s) => !s));
    if (hidden.length) fail(`without script: kit links not visible: ${hidden.join(', ')}`);
    const field = await page.locator('input#find, input[type=search]').count();
    const fieldShown = field && await page.locator('input#find, input[type=search]').first().isVisible();
    const boxShown = await page.locator('[role=search]').count() && await page.locator('[role=search]').first().isVisible();
    if (fieldShown || boxShown) fail('without script: the search field is shown, though it would do nothing');
    console.log(`without script: ${shown.filter(Boolean).length} of ${kits.length} kit links visible, search field ${fieldShown || boxShown ? 'SHOWN' : 'not shown'}`);
    await context.close();
  }

  // (b) With script.
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  // Registered before any of the page's own script runs, and not subject to its policy.
  await page.addInitScript(() => {
    window.__refusals = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__refusals.push(`${e.violatedDirective} refused ${e.blockedURI || '(inline)'}${e.sample ? ` "${e.sample}"` : ''}`);
    });
  });
  await page.goto(url);
  const kits = await kitsOf(page);
  const all = kits.map(() => true);
  const field = page.locator('input#find');
  const region = page.locator('[role=status], [aria-live]').first();
  const regionText = async () => ((await region.count()) ? (await region.innerText()).trim() : '');

  const before = await seen(page);
  if (before.shown.some((s) => !s)) fail(`with script, before typing: kit links hidden: ${names(kits, before.shown.map((s) => !s)).join(', ')}`);
  const usable = (await field.count()) === 1 && await field.isVisible();
  if (!usable) fail('with script: the search field is not visible (no search tried)');
  const labelled = page.locator('label[for=find]').first();
  const label = (await labelled.count()) ? (await labelled.innerText()).trim() : '';
  if (!label) fail('with script: the search field has no label');
  else if (!(await labelled.isVisible())) fail('with script: the label is not visible');
  else if ((await page.getByRole('searchbox', { name: label, exact: true }).count()) !== 1) {
    fail(`with script: no search box is named "${label}"`);
  }
  if (!(await region.count())) fail('with script: there is no live region');
  const initially = await regionText();

  if (usable) {
    // Typing the query.
    const expected = kits.map((k) => words(query).every((w) => fold(k.name).includes(w) || fold(k.id).includes(w)));
    const want = names(kits, expected);
    if (want.length === 0) fail(`"${query}" is in no kit's name or id; pass one that is`);
    if (want.length === kits.length) fail(`"${query}" is in every kit's name or id, which tests no filtering; pass one that singles out`);
    const groupsWanted = before.groupsShown.map((_, g) => kits.some((k, i) => k.group === g && expected[i]));
    await field.click();
    await field.pressSequentially(query);
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    let now = before;
    await until(async () => { now = await seen(page); return same(now.shown, expected) && same(now.groupsShown, groupsWanted); });
    if (!same(now.shown, expected)) {
      fail(`"${query}": visible ${names(kits, now.shown).join(', ') || 'none'}; expected ${want.join(', ') || 'none'}`);
    }
    if (!same(now.groupsShown, groupsWanted)) {
      fail(`"${query}": groups visible ${now.groupsShown.map(String).join(',')}; expected ${groupsWanted.map(String).join(',')}`);
    }
    await until(async () => (await regionText()) !== initially);
    const saysFound = await regionText();
    if (saysFound === initially) fail(`"${query}": the live region did not change ("${initially}")`);
    else if (!saysFound.includes(String(want.length))) fail(`"${query}": the live region says "${saysFound}", not the ${want.length} shown`);
    const groupsHidden = groupsWanted.filter((g) => !g).length;
    console.log(`with script: search field "${label}"; "${query}" leaves ${names(kits, now.shown).join(', ') || 'none'} `
      + `(${now.shown.filter(Boolean).length} of ${kits.length}), ${groupsHidden} of ${groupsWanted.length} group(s) hidden, live region "${saysFound}"`);

    // Typing what matches nothing.
    const none = await page.locator('[data-none]').first().getAttribute('data-none').catch(() => null);
    await field.fill(nothing);
    await until(async () => (await regionText()) !== saysFound);
    now = await seen(page);
    const saysNone = await regionText();
    if (now.shown.some(Boolean)) fail(`"${nothing}": still visible: ${names(kits, now.shown).join(', ')}`);
    if (now.groupsShown.some(Boolean)) fail(`"${nothing}": ${now.groupsShown.filter(Boolean).length} group(s) still visible`);
    if (!saysNone) fail(`"${nothing}": the live region says nothing`);
    else if (none !== null && saysNone !== none.trim()) fail(`"${nothing}": the live region says "${saysNone}", not "${none}"`);
    console.log(`nothing matching ("${nothing}"): ${now.shown.filter(Boolean).length} links, ${now.groupsShown.filter(Boolean).length} groups visible, live region "${saysNone}"`);

    // Clearing the field.
    await field.fill('');
    await until(async () => { now = await seen(page); return now.shown.every(Boolean) && now.groupsShown.every(Boolean); });
    const saysCleared = await regionText();
    if (!same(now.shown, all)) fail(`cleared: still hidden: ${names(kits, now.shown.map((s) => !s)).join(', ')}`);
    if (!now.groupsShown.every(Boolean)) fail('cleared: some group is still hidden');
    if (saysCleared !== initially) fail(`cleared: the live region says "${saysCleared}", not "${initially}" as at first`);
    console.log(`cleared: ${now.shown.filter(Boolean).length} of ${kits.length} links and ${now.groupsShown.filter(Boolean).length} of ${now.groupsShown.length} groups visible, live region "${saysCleared}"`);
  }

  // Errors and refusals, then proof that a refusal would have been seen.
  await new Promise((r) => setTimeout(r, 100));
  const refusals = await page.evaluate(() => window.__refusals.slice());
  const logged = errors.slice();
  if (logged.length) fail(`console errors: ${logged.join(' | ')}`);
  if (refusals.length) fail(`the page's policy refused: ${refusals.join(' | ')}`);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__probeRan = true;';
    document.head.append(s);
  });
  const probed = await until(async () => (await page.evaluate(() => window.__refusals.length)) > refusals.length);
  const probeRan = await page.evaluate(() => window.__probeRan === true);
  if (!probed || probeRan) fail('a deliberately injected inline script was not refused and seen; the CSP check proves nothing');
  console.log(`console errors: ${logged.length}, CSP refusals: ${refusals.length} (an injected inline script ${probed && !probeRan ? 'was refused and seen' : 'was NOT seen refused'})`);
  await context.close();
} finally {
  await browser.close();
}
console.log(failed ? `${failed} failure(s)` : 'index: links without script, search with script as expected');
process.exit(failed ? 1 : 0);
