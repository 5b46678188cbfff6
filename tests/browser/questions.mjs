// questions.mjs -- questions and answers in a real browser (tests/e2e/questions_browser.t
// sets up the store: a buyer's notice posted through the API, a supplier and the
// buyer's accounts): the notice page links to "Ask a question"; the supplier
// signs in, sends an empty question (the GOV.UK error summary), then asks; the
// buyer signs in, finds it in its list with who asked, edits the question and
// publishes the answer; the notice page shows "Question 1" with the edited
// question and the answer, and not who asked. Every page visited is axe-clean
// (WCAG 2.1 AA) at 1366 and 320 px, with no sideways scrolling at 320.
// Usage: questions.mjs BASE_URL OCID BUYER_ORG_ID PASSWORD
import { axeScan, check, launch, nav, norm, openContext, runSections, sticksOut } from './harness.mjs';

const [B, OCID, BORG, PW] = process.argv.slice(2);
if (!B || !OCID || !BORG || !PW) {
  console.log('not ok - usage: questions.mjs BASE_URL OCID BUYER_ORG_ID PASSWORD');
  process.exit(2);
}
const WIDE = { width: 1366, height: 900 };
const NARROW = { width: 320, height: 800 };

async function visited(page, name) {
  const wide = await axeScan(page);
  check(wide.violations === 0 && wide.passes > 10, `${name}: axe-clean at 1366 px (${wide.passes} rules passed)`, ...wide.lines);
  await page.setViewportSize(NARROW);
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  check(m.sw <= NARROW.width && m.iw === NARROW.width, `${name}: no sideways scrolling at 320 px`,
    `scrollWidth ${m.sw}, innerWidth ${m.iw}`, ...(m.sw > NARROW.width ? await sticksOut(page, NARROW.width) : []));
  const narrow = await axeScan(page);
  check(narrow.violations === 0 && narrow.passes > 10, `${name}: axe-clean at 320 px`, ...narrow.lines);
  await page.setViewportSize(WIDE);
}

async function signIn(page, email, next) {
  await page.goto(`${B}/account/login?next=${encodeURIComponent(next)}`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PW);
  await nav(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

const browser = await launch();
const open = (opts = {}) => openContext(browser, { viewport: WIDE, ...opts });
const sections = [];
const QUESTION = 'Quinn at Pennine Code asks: is the alarm centre staffed 24/7?';

sections.push(['supplier asks', { bypassCSP: true }, async (ctx) => {
  const page = await ctx.newPage();
  await page.goto(`${B}/notices/${OCID}`);
  const ask = page.getByRole('link', { name: 'Ask a question' });
  check(await ask.count() === 1, 'the notice page links to "Ask a question"');
  check(await page.getByRole('link', { name: 'Register interest' }).count() === 1, '... and to "Register interest"');
  await visited(page, 'notice page before any answer');
  await signIn(page, 'quin@pennine.test', `/notices/${OCID}/questions`);
  check(new URL(page.url()).pathname === `/notices/${OCID}/questions`, 'signing in leads back to the question form', page.url());
  const intro = norm(await page.locator('main').innerText());
  check(/stays private until the buyer answers/.test(intro) && /Who asked is never published/.test(intro),
    'the form says the question stays private and who asked is never published');
  await visited(page, 'ask a question');
  await nav(page, () => page.getByRole('button', { name: 'Send the question' }).click());
  const summary = page.locator('.govuk-error-summary');
  check(await summary.count() === 1 && /Enter your question/.test(norm(await summary.innerText())),
    'an empty question: the error summary says "Enter your question"');
  await visited(page, 'ask a question, with an error');
  await page.getByLabel('Your question').fill(QUESTION);
  await nav(page, () => page.getByRole('button', { name: 'Send the question' }).click());
  check(/has been sent to the buyer/.test(norm(await page.locator('main').innerText())), 'the question is sent, a banner says so', page.url());
  await visited(page, 'question sent');
}]);

sections.push(['buyer answers', { bypassCSP: true }, async (ctx) => {
  const page = await ctx.newPage();
  await signIn(page, 'bea@wearside.test', `/organisations/${BORG}/questions`);
  const list = norm(await page.locator('main').innerText());
  check(list.includes(QUESTION) && /Quinn Questioner, Pennine Code Ltd/.test(list),
    "the buyer's list has the question and who asked", list.slice(0, 400));
  await visited(page, "the buyer's questions");
  await nav(page, () => page.getByRole('link', { name: /^Answer/ }).first().click());
  const pq = page.getByLabel('The question as it will be published');
  check(await pq.inputValue() === QUESTION, 'the answer form has the question pre-filled, to edit');
  await visited(page, 'answer a question');
  await pq.fill('Is the alarm centre staffed 24/7?');
  await page.getByLabel('Your answer').fill('Yes, every day of the year.\n\nThe centre is in Sunderland.');
  await nav(page, () => page.getByRole('button', { name: 'Publish the answer' }).click());
  const after = norm(await page.locator('main').innerText());
  check(/published as question 1/.test(after) && /No question is waiting/.test(after), 'published as question 1; none waits', after.slice(0, 300));
  await visited(page, "the buyer's questions after answering");
  // the notice page (a new visitor) shows it, never who asked
  await page.goto(`${B}/notices/${OCID}`);
  const qa = norm(await page.locator('#questions ~ .ph-answer').first().innerText().catch(() => ''));
  check(/Question 1/.test(qa) && /Is the alarm centre staffed 24\/7\?/.test(qa) && /every day of the year/.test(qa),
    'the notice page shows Question 1, the edited question and the answer', qa);
  const main = norm(await page.locator('main').innerText());
  check(!/Quinn|Pennine/.test(main), 'the notice page does not say who asked');
  await visited(page, 'notice page with an answer');
}]);

// QUESTIONS_ONLY=regex runs only the sections whose name matches.
await runSections(browser, open, sections, 'QUESTIONS_ONLY');
