// portal.mjs -- the portal in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core): search -> filter -> notice -> back, paging,
// phone width, axe-core WCAG 2.1 AA on each kind of page, a hostile notice
// rendered inert, the flow with JavaScript off, desktop screenshots.
//
//   node tests/browser/portal.mjs BASE_URL SHOT_DIR TMP_DIR HOSTILE_OCID
//
// Prints one line per check, "ok - NAME" or "not ok - NAME", diagnostics as
// "# ..." lines, and "# done" last; tests/e2e/browser.t numbers them as TAP.
// A section that throws is one "not ok" naming the error; the others still run.
import fs from 'node:fs';
import path from 'node:path';
import { axeScan, check, diag, launch, nav, norm, openContext, runSections, sticksOut as sticksPast } from './harness.mjs';

const [B, SHOTS, TMP, EVIL] = process.argv.slice(2);
if (!B || !SHOTS || !TMP || !EVIL) {
  console.log('not ok - usage: portal.mjs BASE_URL SHOT_DIR TMP_DIR HOSTILE_OCID');
  process.exit(2);
}
const NOTICE = 'ocds-b5fd17-7d067852-1260-448e-b84a-186d028f9991'; // has awards and a buyer page

// Watch a page for trouble: console errors, failed or 4xx/5xx requests, dialogs.
function watch(page) {
  const w = { errors: [], dialogs: [] };
  // The portal has no favicon; Chromium asks for one anyway. Not an error of the page.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/\/favicon\.ico$/.test(m.location()?.url || '')) w.errors.push(`console: ${m.text()} ${m.location()?.url || ''}`);
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  // net::ERR_ABORTED: the browser cancelled a load the next navigation made moot
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    if (!/ERR_ABORTED/.test(why)) w.errors.push(`request failed: ${r.url()} ${why}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) w.errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('dialog', async (d) => { w.dialogs.push(`${d.type()}: ${d.message()}`); await d.dismiss().catch(() => {}); });
  return w;
}

async function resultLinks(page) {
  return page.locator('.ph-result h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}

const browser = await launch();
const open = (opts) => openContext(browser, opts);
const sections = [];
const section = (name, opts, fn) => sections.push([name, opts, fn]);

// ---- 1. search -> filter -> notice -> back keeps the filters -------------------
async function filterFlow(page, label) {
  await page.goto(`${B}/notices`);
  const total0 = norm(await page.locator('.ph-total').innerText());
  await page.locator('#q').fill('software');
  await nav(page, () => page.locator('#q').press('Enter'));
  const total1 = norm(await page.locator('.ph-total').innerText());
  check(/q=software/.test(page.url()) && total1 !== total0, `${label}: keyword search submits and changes the count`,
    `url ${page.url()}`, `count before '${total0}', after '${total1}'`);
  await page.getByLabel('Awarded', { exact: true }).check();
  await page.getByLabel('North West', { exact: true }).check();
  await nav(page, () => page.getByRole('button', { name: 'Apply filters' }).click());
  const url = page.url();
  const qs = new URL(url).searchParams;
  check(qs.get('q') === 'software' && qs.getAll('status').join() === 'awarded' && qs.getAll('region').join() === 'TLD',
    `${label}: URL carries q, status and region`, `url ${url}`);
  const total2 = norm(await page.locator('.ph-total').innerText());
  check(total2 !== total1 && /awarded/i.test(total2) && /North West/.test(total2),
    `${label}: results count text changed and names the filters`, `before '${total1}'`, `after '${total2}'`);
  const n = Number(await page.locator('.ph-total strong').innerText());
  const shown = await page.locator('.ph-result').count();
  const tags = await page.locator('.ph-result .govuk-tag').allInnerTexts();
  check(n > 0 && shown === Math.min(n, 20) && tags.every((t) => /awarded/i.test(t)),
    `${label}: ${n} result(s) listed, all awarded`, `count ${n}, listed ${shown}, tags ${tags}`);
  const first = page.locator('.ph-result h3 a').first();
  const title = norm(await first.innerText());
  await nav(page, () => first.click());
  const h1 = norm(await page.locator('h1').innerText());
  check(h1 === title && /\/notices\/ocds-/.test(page.url()), `${label}: notice page h1 is the clicked title`,
    `clicked '${title}'`, `h1 '${h1}'`, `url ${page.url()}`);
  return { url, title };
}

section('search, filter, notice, back', {}, async (ctx) => {
  const page = await ctx.newPage();
  const w = watch(page);
  const { url } = await filterFlow(page, 'flow');
  await page.goBack({ waitUntil: 'load' });
  check(page.url() === url, 'back: same URL as the filtered search', `got ${page.url()}`, `want ${url}`);
  const state = await page.evaluate(() => ({
    q: document.querySelector('#q').value,
    checked: [...document.querySelectorAll('input[type=checkbox]:checked')].map((i) => `${i.name}=${i.value}`).sort(),
  }));
  check(state.q === 'software', 'back: keyword box still says software', `got '${state.q}'`);
  check(state.checked.join() === 'region=TLD,status=awarded', 'back: Awarded and North West still ticked, nothing else',
    `ticked: ${state.checked.join() || 'nothing'}`);
  check(w.errors.length === 0, 'flow: no console errors or failed requests', ...w.errors);
});

// ---- 2. paging ------------------------------------------------------------------
section('paging', {}, async (ctx) => {
  const page = await ctx.newPage();
  await page.goto(`${B}/notices?q=software`);
  const url1 = page.url();
  const n = Number(await page.locator('.ph-total strong').innerText());
  const p1 = await resultLinks(page);
  const next = page.getByRole('link', { name: 'Next page' });
  check(n > 20 && p1.length === 20 && (await next.count()) === 1, 'paging: more than 20 matches, 20 listed, a Next page link',
    `total ${n}, listed ${p1.length}, Next page links ${await next.count()}`);
  await nav(page, () => next.click());
  const p2 = await resultLinks(page);
  const overlap = p2.filter((h) => p1.includes(h));
  check(p2.length > 0 && overlap.length === 0, 'paging: page 2 shows different results',
    `page 2 has ${p2.length}, repeats ${overlap.join(' ')}`);
  check(/cursor=/.test(page.url()) && (await page.getByRole('link', { name: 'First page' }).count()) === 1,
    'paging: page 2 URL has a cursor and a First page link', `url ${page.url()}`);
  await page.goBack({ waitUntil: 'load' });
  const back = await resultLinks(page);
  check(page.url() === url1 && back.join() === p1.join(), 'paging: back returns to page 1', `url ${page.url()}`);
});

// The innermost elements whose right edge passes 375 px (what makes a phone scroll sideways).
const sticksOut = (page) => sticksPast(page, 376);

// ---- 3. phone width -----------------------------------------------------------------
section('phone', { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, async (ctx) => {
  const page = await ctx.newPage();
  await page.goto(`${B}/notices?q=software`);
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  check(m.sw <= m.iw && m.iw === 375, 'phone 375x667: no horizontal scrolling',
    `scrollWidth ${m.sw}, innerWidth ${m.iw}`);
  const wide = await sticksOut(page);
  check(wide.length === 0, 'phone: no element sticks out to the right', ...wide);
  const q = page.locator('#q');
  const qb = await q.boundingBox();
  check(await q.isVisible() && qb && qb.x >= 0 && qb.x + qb.width <= 375, 'phone: search box visible and within the width',
    `box ${JSON.stringify(qb)}`);
  const r = page.locator('.ph-result').first();
  await r.scrollIntoViewIfNeeded();
  const rb = await r.boundingBox();
  check(await r.isVisible() && rb && rb.x >= 0 && rb.x + rb.width <= 375, 'phone: first result visible and within the width',
    `box ${JSON.stringify(rb)}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(TMP, 'search-phone.png'), fullPage: true });
  await page.screenshot({ path: path.join(SHOTS, 'search-phone.png'), fullPage: true });
  check(fs.statSync(path.join(SHOTS, 'search-phone.png')).size > 1000, 'phone: screenshot saved');
  // The notice page has the longest unbroken text (URLs, release ids in a table).
  await page.goto(`${B}/notices/${NOTICE}`);
  const n = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  check(n.sw <= n.iw && n.iw === 375, 'phone: notice page has no horizontal scrolling', `scrollWidth ${n.sw}, innerWidth ${n.iw}`,
    ...(await sticksOut(page)));
  await page.screenshot({ path: path.join(SHOTS, 'notice-phone.png'), fullPage: true });
});

// ---- 4. accessibility (axe-core, WCAG 2.0/2.1 A and AA) ---------------------------
async function axe(page, name) {
  const res = await axeScan(page);
  check(res.violations === 0, `axe: no WCAG 2.1 AA violations on ${name}`, ...res.lines);
  check(res.passes > 10, `axe: ran on ${name} (${res.passes} rules passed)`);
}

// bypassCSP: addScriptTag injects axe inline, which the portal's CSP forbids.
section('accessibility', { bypassCSP: true }, async (ctx) => {
  const page = await ctx.newPage();
  await page.goto(`${B}/`);
  await axe(page, 'home /');
  await page.goto(`${B}/notices?q=software&status=awarded`);
  await axe(page, 'search /notices?q=software&status=awarded');
  await page.goto(`${B}/notices/${NOTICE}`);
  const buyer = await page.locator('a[href^="/buyers/"]').first().getAttribute('href');
  await axe(page, `notice /notices/${NOTICE}`);
  await page.goto(`${B}${buyer}`);
  await axe(page, `buyer ${buyer}`);
  for (const url of ['/about', '/api', '/accessibility', '/privacy']) {
    await page.goto(`${B}${url}`);
    await axe(page, url);
  }
});

// ---- 5. a hostile notice is inert ------------------------------------------------------
// bypassCSP: the server's Content-Security-Policy would stop inline script on
// its own; with it off, these checks test the escaping itself.
section('hostile', { bypassCSP: true }, async (ctx) => {
  const page = await ctx.newPage();
  const w = watch(page);
  const inert = async (where) => {
    // Hover and focus everything a mouseover or focus handler could hang on.
    for (const sel of ['h1', '.ph-result h3 a', '.govuk-summary-list__value a', '.govuk-caption-l']) {
      const loc = page.locator(sel);
      for (let i = 0; i < Math.min(await loc.count(), 5); i++) await loc.nth(i).hover({ timeout: 2000 }).catch(() => {});
    }
    const dom = await page.evaluate(() => ({
      pwned: typeof window.__pwned,
      on: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes]
        .filter((a) => /^on/i.test(a.name)).map((a) => `<${e.tagName.toLowerCase()} ${a.name}="${a.value}">`)),
      scripts: document.scripts.length,
      js: [...document.querySelectorAll('[href],[src],[action],[formaction]')].map((e) =>
        e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || e.getAttribute('formaction'))
        .filter((u) => /^\s*javascript:/i.test(u)),
    }));
    check(dom.pwned === 'undefined', `hostile ${where}: window.__pwned never set`, `typeof window.__pwned: ${dom.pwned}`);
    check(w.dialogs.length === 0, `hostile ${where}: no dialog`, ...w.dialogs);
    check(dom.on.length === 0, `hostile ${where}: no element has an on* attribute`, ...dom.on.slice(0, 5));
    check(dom.scripts === 0 && dom.js.length === 0, `hostile ${where}: no <script> element, no javascript: URL`,
      `scripts ${dom.scripts}`, ...dom.js);
  };
  await page.goto(`${B}/notices/${encodeURIComponent(EVIL)}`);
  check(/Hostile/.test(await page.locator('h1').innerText()), 'hostile notice page: title shown as text',
    `h1 '${await page.locator('h1').innerText()}'`);
  await inert('notice page');
  // Its only document URL is javascript:...; if an "Original notice" link is
  // offered at all it must be http(s), and following it must run nothing.
  const orig = page.locator('.govuk-summary-list__value a[rel~="nofollow"]');
  const hrefs = await orig.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(hrefs.every((h) => /^https?:\/\//i.test(h)), 'hostile notice page: no document link other than http(s)', ...hrefs);
  if (hrefs.length) {
    await orig.first().click({ timeout: 3000, noWaitAfter: true }).catch(() => {});
    await page.waitForLoadState('load').catch(() => {});
    const pw = await page.evaluate(() => typeof window.__pwned).catch(() => 'undefined');
    check(pw === 'undefined' && w.dialogs.length === 0, 'hostile notice page: following its document link runs nothing',
      `typeof __pwned ${pw}`, ...w.dialogs);
  } else {
    diag('hostile notice page: no "Original notice" link (the javascript: URL was dropped)');
  }
  await page.goto(`${B}/notices?q=hostile`);
  check((await page.locator('.ph-result').count()) >= 1, 'hostile search: the notice is found', `url ${page.url()}`);
  await inert('search results');
  await page.goto(`${B}/`);
  await inert('home page');
});

// ---- 6. without JavaScript ----------------------------------------------------------------
section('no JavaScript', { javaScriptEnabled: false }, async (ctx) => {
  const page = await ctx.newPage();
  await filterFlow(page, 'no JavaScript');
});

// ---- 7. three widths: no sideways scrolling, results before filters on phones --------
// WCAG 1.4.10 (reflow): nothing scrolls sideways at 320 CSS px. At each width,
// every kind of page, axe-clean (error pages too).
const WIDTHS = [320, 390, 1366];
const ERR_SEARCH = '/notices?q=software&status=open&region=TLD&value_max=100k&value_min=abc';
async function buyerHref(page) {
  await page.goto(`${B}/notices/${NOTICE}`);
  return page.locator('a[href^="/buyers/"]').first().getAttribute('href');
}
for (const width of WIDTHS) {
  section(`width ${width}`, { viewport: { width, height: 844 }, bypassCSP: true }, async (ctx) => {
    const page = await ctx.newPage();
    const buyer = await buyerHref(page);
    const pages = [['home', '/'], ['search', '/notices?q=software'], ['search with errors', ERR_SEARCH],
      ['notice', `/notices/${NOTICE}`], ['buyer', buyer], ['bad address (400)', '/notices?q=%E2'],
      ['CPV picker', '/cpv?q=software'], ['Procurement Act notice', '/notices/ocds-browser-uk'], ['contract with KPIs', '/notices/ocds-browser-uk-perf'],
      ['awarded contracts', '/notices?status=awarded&sort=award_date'], ['stage and reserved filters', '/notices?stage=tender&reserved=sme-vcse']];
    for (const [name, url] of pages) {
      const resp = await page.goto(`${B}${url}`);
      const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
      check(m.sw <= width && m.iw === width, `${width} px: ${name} has no horizontal scrolling`,
        `scrollWidth ${m.sw}, innerWidth ${m.iw}`, ...(m.sw > width ? await sticksOut(page) : []));
      check(/text\/html/.test(resp.headers()['content-type']) && (await page.locator('main h1').count()) === 1,
        `${width} px: ${name} is an HTML page with a heading (HTTP ${resp.status()})`, `content-type ${resp.headers()['content-type']}`);
      await axe(page, `${name} at ${width} px`);
    }
    // the deadline in UK calendar days and with its time, as the server's --now sees it
    await page.goto(`${B}/notices/ocds-browser-uk`);
    const due = await page.locator('dt:has-text("Tender deadline") + dd').innerText();
    check(due === '25 January 2025, 12:00pm (closes tomorrow)', `${width} px: the deadline reads "25 January 2025, 12:00pm (closes tomorrow)"`,
      `got ${JSON.stringify(due)}`);
    const reserved = await page.locator('.ph-reserved').innerText();
    check(/only small and medium-sized enterprises .* based in Cumbria can take part/.test(reserved),
      `${width} px: the reservation is stated before the facts`, reserved);
    await page.goto(`${B}/`);
    const box = await page.locator('#q').boundingBox();
    check(box && box.width >= 150, `${width} px: home search box is usable (${box && Math.round(box.width)} px wide)`,
      `box ${JSON.stringify(box)}`);
    await page.goto(`${B}/notices?q=software`);
    const lay = await page.evaluate(() => {
      const first = document.querySelector('.ph-result');
      const status = document.querySelector('#status-open');
      const r = first.getBoundingClientRect();
      return { resultTop: Math.round(r.top + window.scrollY), statusShown: !!(status && status.checkVisibility()) };
    });
    diag(`${width} px: first result starts ${lay.resultTop} px down; filters shown without a click: ${lay.statusShown}`);
    if (width < 641) {
      check(lay.resultTop < 844 && !lay.statusShown, `${width} px: the first result is on the first screen, the filters folded`,
        JSON.stringify(lay));
      await page.locator('summary', { hasText: 'Filters' }).click();
      check(await page.locator('#status-open').isVisible(), `${width} px: "Filters" unfolds the filters`);
    } else {
      check(lay.statusShown && (await page.locator('summary', { hasText: 'Filters' }).isVisible()) === false,
        `${width} px: filters shown beside the results, no toggle`, JSON.stringify(lay));
      // shown by CSS inside a closed <details>: the browser's accessibility tree must have them too
      const cdp = await ctx.newCDPSession(page);
      const { nodes } = await cdp.send('Accessibility.getFullAXTree');
      const boxes = nodes.filter((n) => n.role?.value === 'checkbox' && !n.ignored).map((n) => n.name?.value);
      check(boxes.includes('Open') && boxes.includes('North West'), `${width} px: the filters are in the accessibility tree (${boxes.length} checkboxes)`,
        ...boxes.slice(0, 5));
    }
    await page.screenshot({ path: path.join(SHOTS, `search-${width}.png`), fullPage: false });
  });
}

// ---- 8. an invalid search keeps every value and says what to fix ----------------------------
for (const js of [true, false]) {
  section(`errors keep values${js ? '' : ' (no JavaScript)'}`, { javaScriptEnabled: js }, async (ctx) => {
    const page = await ctx.newPage();
    const label = js ? 'errors' : 'errors, no JS';
    const resp = await page.goto(`${B}${ERR_SEARCH}`);
    check(resp.status() === 400 && /^Error: /.test(await page.title()), `${label}: 400 and a title starting "Error: "`,
      `status ${resp.status()}, title '${await page.title()}'`);
    const st = await page.evaluate(() => ({
      first: document.querySelector('main').firstElementChild?.className,
      focused: document.activeElement?.className,
      links: [...document.querySelectorAll('.govuk-error-summary a')].map((a) => `${a.getAttribute('href')} ${a.textContent}`),
      q: document.querySelector('#q').value,
      vmax: document.querySelector('#value_max').value,
      vmin: document.querySelector('#value_min').value,
      checked: [...document.querySelectorAll('input[type=checkbox]:checked')].map((i) => `${i.name}=${i.value}`).sort(),
      groups: [...document.querySelectorAll('.govuk-form-group--error')].map((g) => g.querySelector('input,select')?.id),
      messages: [...document.querySelectorAll('.govuk-error-message')].map((p) => p.textContent),
      results: document.querySelectorAll('.ph-result').length,
    }));
    check(/govuk-error-summary/.test(st.first) && (!js || /govuk-error-summary/.test(st.focused)),
      `${label}: the error summary is first in main${js ? ' and has the focus' : ''}`, JSON.stringify(st));
    check(st.links.join('|') === '#value_min Enter a minimum value as a number, like 10000|#value_max Enter a maximum value as a number, like 250000',
      `${label}: both errors listed in words, in form order, each linked to its field`, ...st.links);
    check(st.q === 'software' && st.vmax === '100k' && st.vmin === 'abc' && st.checked.join() === 'region=TLD,status=open',
      `${label}: every value kept, the wrong ones too`, JSON.stringify(st));
    check(st.groups.join() === 'value_min,value_max' && st.messages.length === 2 && st.results === 0,
      `${label}: both fields marked, no results listed`, JSON.stringify(st));
    await page.locator('.govuk-error-summary a[href="#value_max"]').click();
    check(/#value_max$/.test(page.url()), `${label}: the summary link goes to the field`, page.url());
    await page.locator('#value_max').fill('250000');
    await page.locator('#value_min').fill('10000');
    await nav(page, () => page.getByRole('button', { name: 'Apply filters' }).click());
    const qs = new URL(page.url()).searchParams;
    const total = norm(await page.locator('.ph-total').innerText());
    check(qs.get('q') === 'software' && qs.get('status') === 'open' && qs.get('region') === 'TLD' &&
      qs.get('value_min') === '10000' && qs.get('value_max') === '250000' && /^\d+ /.test(total) &&
      (await page.locator('.govuk-error-summary').count()) === 0,
    `${label}: corrected and applied, every filter kept, results shown`, page.url(), total);
  });
}

// ---- 9. filters the URL carries survive "Apply filters"; the buyer by name ------------------
section('filters kept by the form', { javaScriptEnabled: false }, async (ctx) => {
  const page = await ctx.newPage();
  const buyer = await buyerHref(page);
  await page.goto(`${B}${buyer}`);
  const name = norm(await page.locator('h1').innerText());
  const id = buyer.split('/').pop();
  await page.goto(`${B}/notices?status=planned&status=awarded&closing_after=2020-01-01&closing_before=2030-12-31&buyer=${id}&limit=5`);
  check(await page.getByLabel(`Only notices from ${name}`).isChecked(), 'kept: the buyer filter names the buyer',
    `want label 'Only notices from ${name}'`);
  await nav(page, () => page.getByRole('button', { name: 'Apply filters' }).click());
  const qs = new URL(page.url()).searchParams;
  check(qs.getAll('status').sort().join() === 'awarded,planned' && qs.get('closing_after') === '2020-01-01' &&
    qs.get('closing_before') === '2030-12-31' && qs.get('buyer') === id && qs.get('limit') === '5',
  'kept: status=planned, the closing date range, buyer and limit survive Apply filters', page.url());
  await nav(page, () => page.getByRole('link', { name: 'Remove the buyer filter' }).click());
  const q2 = new URL(page.url()).searchParams;
  check(!q2.has('buyer') && q2.get('closing_after') === '2020-01-01' && (await page.locator('#buyer').count()) === 0,
    'kept: "Remove the buyer filter" drops only the buyer', page.url());
});

// ---- 10. the CPV picker, without JavaScript ------------------------------------------------
section('CPV picker', { javaScriptEnabled: false }, async (ctx) => {
  const page = await ctx.newPage();
  await page.goto(`${B}/notices?q=services&region=TLD`);
  await nav(page, () => page.getByRole('link', { name: 'Find a CPV code by word' }).click());
  await page.locator('#q').fill('software');
  await nav(page, () => page.locator('#q').press('Enter'));
  const items = await page.locator('.ph-cpv__item').allInnerTexts();
  check(items.length > 0 && items.length <= 50 && items.every((t) => /^\d{8} .*software/i.test(norm(t))),
    `CPV picker: "software" lists codes with labels (${items.length})`, ...items.slice(0, 3));
  await nav(page, () => page.locator('.ph-cpv a[href$="cpv=48000000"]').click());
  const qs = new URL(page.url()).searchParams;
  const total = norm(await page.locator('.ph-total').innerText());
  check(qs.get('q') === 'services' && qs.get('region') === 'TLD' && qs.get('cpv') === '48000000' && /^\d+ /.test(total),
    'CPV picker: the code is added to the search, its other filters kept', page.url(), total);
  check(await page.locator('#cpv').inputValue() === '48000000', 'CPV picker: the CPV field shows the code');
});

// ---- desktop screenshots, styles applied -----------------------------------------------------
section('screenshots', { viewport: { width: 1280, height: 900 } }, async (ctx) => {
  const page = await ctx.newPage();
  const w = watch(page);
  for (const [name, url] of [['home', '/'], ['search', '/notices?q=software'], ['notice', `/notices/${NOTICE}`]]) {
    await page.goto(`${B}${url}`);
    const css = await page.evaluate(() => ({
      sheets: document.styleSheets.length,
      govuk: getComputedStyle(document.querySelector('.govuk-width-container')).maxWidth,
      font: getComputedStyle(document.body).fontFamily,
    }));
    check(css.sheets === 2 && css.govuk === '960px' && /system-ui/.test(css.font), `screenshot ${name}: both stylesheets applied`, JSON.stringify(css));
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }
  check(w.errors.length === 0, 'screenshots: no console errors, failed requests or HTTP errors', ...w.errors);
});

// PORTAL_ONLY=regex runs only the sections whose name matches (while working on one).
await runSections(browser, open, sections, 'PORTAL_ONLY');
