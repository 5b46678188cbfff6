// posting.mjs -- a buyer posts an opportunity in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) with the KEYBOARD ONLY: Tab
// and Shift+Tab to move, typing, Space on radios, Enter on links and buttons;
// no mouse. Signs in -> the organisation's notices -> "Post an opportunity"
// -> "Save and preview" with most fields empty (the GOV.UK error summary,
// the title kept) -> the rest filled in -> the preview -> Publish -> "Are you
// sure?" -> yes -> the public page. Every new page (the list, the form, the
// form with errors, the preview, the confirmation, and for the published
// notice its manage, change and cancel pages) is axe-clean (WCAG 2.1 AA) at
// 1366 and 320 px, with no sideways scrolling at 320.
//
//   node tests/browser/posting.mjs BASE_URL EMAIL PASSWORD ORG_ID
//
// Prints "ok - NAME" / "not ok - NAME" lines and "# done" last;
// tests/e2e/posting_browser.t numbers them.
import { axeScan, check, diag, launch, nav, norm, openContext, runSections, sticksOut } from './harness.mjs';

const [B, EMAIL, PASSWORD, ORG] = process.argv.slice(2);
if (!B || !ORG) {
  console.log('not ok - usage: posting.mjs BASE_URL EMAIL PASSWORD ORG_ID');
  process.exit(2);
}
const WIDE = { width: 1366, height: 900 };
const NARROW = { width: 320, height: 800 };

async function visited(page, name) {
  const t0 = Date.now();
  const wide = await axeScan(page);
  check(wide.violations === 0 && wide.passes > 10, `${name}: axe-clean at 1366 px (${wide.passes} rules passed)`, ...wide.lines);
  await page.setViewportSize(NARROW);
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  check(m.sw <= NARROW.width, `${name}: no sideways scrolling at 320 px`, `scrollWidth ${m.sw}, innerWidth ${m.iw}`,
    ...(m.sw > NARROW.width ? await sticksOut(page, NARROW.width) : []));
  const narrow = await axeScan(page);
  check(narrow.violations === 0 && narrow.passes > 10, `${name}: axe-clean at 320 px`, ...narrow.lines);
  await page.setViewportSize(WIDE);
  diag(`${name}: checked in ${Date.now() - t0} ms`);
}

// Moves the focus to the element matching selector with Tab (or Shift+Tab
// when it comes before the focused element), as a keyboard user does.
async function tabTo(page, selector) {
  const target = await page.waitForSelector(selector, { state: 'attached' });
  // How many tab stops away it is: the focusable elements in document order,
  // a group of radios being one stop (its checked radio, else its first).
  const hops = await target.evaluate((el) => {
    const stops = [];
    const groups = new Set();
    for (const e of document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea')) {
      if (e.disabled || e.getClientRects().length === 0) continue;
      if (e.type === 'radio') {
        if (groups.has(e.name)) {
          if (e === el || e.checked) stops[stops.length - 1] = e;
          continue;
        }
        groups.add(e.name);
      }
      stops.push(e);
    }
    const a = document.activeElement;
    const from = a && a !== document.body ? stops.findIndex((x) => x === a || (x.type === 'radio' && x.name === a.name && a.type === 'radio')) : -1;
    const to = stops.findIndex((x) => x === el || (x.type === 'radio' && el.type === 'radio' && x.name === el.name));
    return to - from;
  });
  const key = hops < 0 ? 'Shift+Tab' : 'Tab';
  for (let i = 0; i < Math.abs(hops); i++) await page.keyboard.press(key);
  for (let i = 0; i < 400; i++) { // where the count was wrong, step on until there
    if (await target.evaluate((el) => el === document.activeElement)) return key;
    await page.keyboard.press(key);
  }
  throw new Error(`could not reach ${selector} with ${key}`);
}
async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}
async function enterOn(page, selector) {
  await tabTo(page, selector);
  await nav(page, () => page.keyboard.press('Enter'));
}
async function spaceOn(page, selector) {
  await tabTo(page, selector);
  await page.keyboard.press('Space');
}

const browser = await launch();
const open = (opts = {}) => openContext(browser, { viewport: WIDE, bypassCSP: true, ...opts });
const sections = [];

sections.push(['keyboard-only posting', {}, async (ctx) => {
  const page = await ctx.newPage();
  const keys = new Set();
  await page.goto(`${B}/account/login`);
  await typeInto(page, '#email', EMAIL);
  await typeInto(page, '#password', PASSWORD);
  await nav(page, () => page.keyboard.press('Enter'));
  check(!/\/account\/login/.test(page.url()), 'signed in with the keyboard', page.url());

  await page.goto(`${B}/organisations/${ORG}/notices`);
  await visited(page, 'the notices page');
  await enterOn(page, `a[href="/organisations/${ORG}/notices/new"]`);
  check(/\/notices\/new$/.test(page.url()), '"Post an opportunity" opens the form', page.url());
  await visited(page, 'the new opportunity form');

  await typeInto(page, '#title', 'Digital inclusion hubs for Gateshead');
  await nav(page, () => page.keyboard.press('Enter')); // Enter in a field: the form's first button, "Save and preview"
  const summary = norm(await page.evaluate(() => document.querySelector('.govuk-error-summary')?.innerText || ''));
  check(/There is a problem/.test(summary) && /description/i.test(summary), 'previewing it incomplete shows the error summary', summary.slice(0, 300));
  check(await page.locator('#title').inputValue() === 'Digital inclusion hubs for Gateshead', '... with the title kept');
  await visited(page, 'the form with errors');

  keys.add(await tabTo(page, '#description'));
  await page.keyboard.type('Drop-in hubs in six libraries.');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('- devices to lend');
  await page.keyboard.press('Enter');
  await page.keyboard.type('- help to get online');
  await typeInto(page, '#cpv', '72000000');
  await typeInto(page, '#value-amount', '90,000');
  await spaceOn(page, '#procedure'); // the first radio: open
  await typeInto(page, '#deadline', '18');
  await typeInto(page, '#deadline-month', '12');
  await typeInto(page, '#deadline-year', '2026');
  await typeInto(page, '#deadline-time', '12:00');
  await spaceOn(page, '#sme');
  await spaceOn(page, '#apply-route'); // the first radio: a link
  await typeInto(page, '#apply-to', 'https://gateshead.example/tenders/hubs');
  await typeInto(page, '#contact-email', 'procurement@gateshead.example');
  keys.add(await tabTo(page, '#apply-to')); // back up the form: Shift+Tab
  check(keys.has('Shift+Tab'), 'Shift+Tab goes back up the form');
  await page.keyboard.press('End');
  await page.keyboard.type('-2027');
  await enterOn(page, 'button[value="preview"]');
  check(/\/notices\/preview\?posting=\d+$/.test(page.url()), 'the draft is saved and previewed', page.url(),
    norm(await page.evaluate(() => document.querySelector('.govuk-error-summary')?.innerText || '')).slice(0, 300));
  const preview = norm(await page.locator('main').innerText());
  check(/Digital inclusion hubs for Gateshead/.test(preview) && /help to get online/.test(preview) && /£90,000/.test(preview),
    'the preview shows the notice as suppliers will read it', preview.slice(0, 300));
  await visited(page, 'the preview');
  const posting = new URL(page.url()).searchParams.get('posting');

  await enterOn(page, 'a[href*="/notices/publish?posting="]');
  check(/Are you sure/.test(norm(await page.locator('h1').innerText())), 'Publish asks "Are you sure?"');
  await visited(page, 'the confirmation');
  await enterOn(page, 'main form button[type="submit"]');
  check(/\/notices\/ocds-[a-z0-9]+-\d+$/.test(page.url()), 'publishing lands on the public page', page.url());
  check(/Digital inclusion hubs for Gateshead/.test(norm(await page.locator('h1').innerText())), '... showing the notice');

  for (const [p, name] of [['manage', 'the manage page'], ['edit', 'the change form'], ['cancel', 'the cancel confirmation']]) {
    await page.goto(`${B}/organisations/${ORG}/notices/${p}?posting=${posting}`);
    await visited(page, name);
  }
}]);

await runSections(browser, open, sections, 'POSTING_ONLY');
