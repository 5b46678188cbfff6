// harness.mjs -- what the browser tests share: Debian's Chromium launched by
// playwright-core, checks printed as "ok - NAME" / "not ok - NAME" with "# ..."
// diagnostics (the .t wrappers number them as TAP), navigation that waits for
// the new document, axe-core WCAG 2.1 AA scans, and sections run one browser
// context each, a section that throws being one "not ok" naming the error.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let failed = 0;
export const diag = (s) => { for (const l of String(s).split('\n')) console.log(`# ${l}`); };
export function check(cond, name, ...why) {
  console.log(`${cond ? 'ok' : 'not ok'} - ${name}`);
  if (!cond) { failed++; for (const w of why) diag(typeof w === 'string' ? w : JSON.stringify(w)); }
  return cond;
}
export const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

// Run an action that navigates the page and wait for the new document.
export async function nav(page, action, timeout = 10000) {
  const done = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout });
  done.catch(() => {}); // if the action throws, that error is the one to report
  await action();
  await done;
  await page.waitForLoadState('load');
}

// axe-core on the page as it is (the context needs bypassCSP: the script is
// injected inline): { violations: lines describing each, passes: rules passed }.
export async function axeScan(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: AXE });
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  const lines = [];
  for (const v of res.violations) {
    lines.push(`${v.id} (${v.impact}): ${v.help} -- ${v.nodes.length} element(s)`);
    for (const n of v.nodes.slice(0, 3)) {
      lines.push(`    ${n.target.join(' ')}  ${norm(n.html).slice(0, 160)}`);
      const why = norm(n.failureSummary).slice(0, 240);
      if (why) lines.push(`      ${why}`);
    }
  }
  return { violations: res.violations.length, lines, passes: res.passes.length };
}

// The innermost elements reaching past x = right (what makes a page scroll sideways).
export async function sticksOut(page, right) {
  return page.evaluate((edge) => {
    const out = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > edge);
    return out.filter((e) => !out.some((o) => o !== e && e.contains(o))).slice(0, 6).map((e) =>
      `sticks out: <${e.tagName.toLowerCase()} class="${e.className}"> right=${Math.round(e.getBoundingClientRect().right)}px text '${(e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 70)}'`);
  }, right);
}

export const launch = () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30000 });

// A context with short waits: a missing element fails in seconds, not 30.
export async function openContext(browser, opts = {}) {
  const c = await browser.newContext(opts);
  c.setDefaultTimeout(15000); // a loaded 2-core machine can take seconds to paint a long page
  c.setDefaultNavigationTimeout(10000);
  return c;
}

// Runs [name, opts, fn] sections, each fn(ctx) in a fresh context of `open`
// (only those whose name matches the regex in the environment variable
// onlyVar, when set), closes the browser, prints "# done" and exits: 1 when
// a check failed.
export async function runSections(browser, open, sections, onlyVar) {
  const t0 = Date.now();
  const only = process.env[onlyVar] ? new RegExp(process.env[onlyVar]) : null;
  for (const [name, opts, fn] of sections) {
    if (only && !only.test(name)) continue;
    const ctx = await open(opts);
    const t = Date.now();
    try {
      await fn(ctx);
    } catch (e) {
      check(false, `${name}: ran to the end`, String(e && e.stack || e).split('\n').slice(0, 6).join('\n'));
    } finally {
      await ctx.close().catch(() => {});
    }
    diag(`${name}: ${Date.now() - t} ms`);
  }
  await browser.close();
  diag(`all sections: ${Date.now() - t0} ms`);
  console.log('# done');
  process.exit(failed ? 1 : 0);
}
