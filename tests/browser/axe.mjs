// Runs axe-core's WCAG 2.2 A/AA and best-practice rules on pages in Debian's Chromium, at a
// phone and a desktop width, and checks that content reflows (no horizontal scrolling) at
// 320 px and at 640 px, which is 1280 px at 200 % zoom (WCAG 1.4.10).
// Usage: node axe.mjs FILE.html... ; exits 1 on any violation.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const widths = [360, 1280];
const reflowWidths = [320, 640];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failed = 0;
let checked = 0;
try {
  for (const file of process.argv.slice(2)) {
    for (const width of widths) {
      // The pages' strict CSP would block the injected script.
      const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async (tags) => {
        return await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
      }, tags);
      checked += 1;
      for (const v of result.violations) {
        failed += 1;
        const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
        console.log(`${file} @ ${width}px: ${v.id} (${v.impact}): ${v.help} — ${where}`);
      }
      await context.close();
    }
    for (const width of reflowWidths) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      const [scroll, client] = await page.evaluate(() =>
        [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      checked += 1;
      if (scroll > client) {
        failed += 1;
        console.log(`${file} @ ${width}px: does not reflow (${scroll}px wide in a ${client}px window)`);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(`axe-core: ${checked} page views, ${failed} violation(s)`);
process.exit(failed === 0 ? 0 : 1);
