// accounts.mjs -- accounts and organisations in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), mail through a real SMTP
// server (tests/smtp_sink.py) whose messages are read from MAIL_DIR:
// register -> the verification mail -> confirm -> sign in -> a supplier and a
// buyer (waiting for verification) -> invite a second user by email -> the
// second user registers, confirms, signs in (a second browser context) and
// accepts -> the first makes them admin -> the role shows on the organisation
// page. Every page visited is axe-clean (WCAG 2.1 AA) at 1366 and at 320 px,
// with no sideways scrolling at 320. Also: a form with errors shows the GOV.UK
// error summary linked to its fields, values kept; register -> confirm -> sign
// in -> an organisation with JavaScript off.
//
//   node tests/browser/accounts.mjs BASE_URL MAIL_DIR
//
// Prints one line per check, "ok - NAME" or "not ok - NAME", diagnostics as
// "# ..." lines, and "# done" last; tests/e2e/accounts_browser.t numbers them.
// A section that throws is one "not ok" naming the error; the others still run.
import fs from 'node:fs';
import path from 'node:path';
import { axeScan, check, diag, launch, nav, norm, openContext, runSections, sticksOut } from './harness.mjs';

const [B, MAIL] = process.argv.slice(2);
if (!B || !MAIL) {
  console.log('not ok - usage: accounts.mjs BASE_URL MAIL_DIR');
  process.exit(2);
}
const WIDE = { width: 1366, height: 900 };
const NARROW = { width: 320, height: 800 };

// ---- mail: the sink writes NNNN.eml and NNNN.env (envelope) -----------------------
// Quoted-printable: "=\r\n" is a soft line break, "=XX" a byte.
function unqp(s) {
  const bytes = Buffer.from(s.replace(/=\r?\n/g, ''), 'latin1');
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes[i] === 0x3d && /^[0-9A-Fa-f]{2}$/.test(bytes.toString('latin1', i + 1, i + 3));
    if (hex) { out.push(parseInt(bytes.toString('latin1', i + 1, i + 3), 16)); i += 2; } else out.push(bytes[i]);
  }
  return Buffer.from(out).toString('utf8');
}
// The body of a message, each part decoded by its Content-Transfer-Encoding.
function mailText(raw) {
  const parts = raw.split(/\r?\n--[^\r\n]*\r?\n/);
  return parts.map((p) => {
    const i = p.search(/\r?\n\r?\n/);
    const head = i < 0 ? '' : p.slice(0, i), body = i < 0 ? p : p.slice(i).replace(/^\r?\n\r?\n/, '');
    if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) return unqp(body);
    if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    return body;
  }).join('\n');
}
// Waits for a message to `to` whose subject matches, not one of `seen`; returns its decoded text.
const seen = new Set();
async function mailTo(to, subject, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    for (const f of fs.readdirSync(MAIL).filter((n) => /^\d+\.env$/.test(n)).sort()) {
      if (seen.has(f)) continue;
      const env = fs.readFileSync(path.join(MAIL, f), 'utf8');
      if (!env.split('\n').includes(`to ${to}`)) continue;
      const raw = fs.readFileSync(path.join(MAIL, f.replace(/\.env$/, '.eml')), 'latin1');
      const subj = (raw.match(/^Subject: (.*)$/mi) || [])[1] || '';
      if (!subject.test(subj) && !subject.test(mailText(raw))) continue;
      seen.add(f);
      return { file: f, raw, text: mailText(raw), subject: subj };
    }
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
}
function linkIn(mail, pathRe) {
  if (!mail) return null;
  const m = mail.text.match(new RegExp(`https?://[^\\s"<>]*${pathRe.source}[A-Za-z0-9_\\-%.]+`));
  return m ? m[0] : null;
}

// ---- each page visited: axe at 1366 and at 320, no sideways scrolling at 320 --------
async function axeRun(page) {
  const res = await axeScan(page);
  return { ok: res.violations === 0 && res.passes > 10, lines: res.lines, passes: res.passes };
}
async function visited(page, name) {
  const wide = await axeRun(page);
  check(wide.ok, `${name}: axe-clean at 1366 px (${wide.passes} rules passed)`, ...wide.lines);
  await page.setViewportSize(NARROW);
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  check(m.sw <= NARROW.width && m.iw === NARROW.width, `${name}: no sideways scrolling at 320 px`,
    `scrollWidth ${m.sw}, innerWidth ${m.iw}`, ...(m.sw > NARROW.width ? await sticksOut(page, NARROW.width) : []));
  const narrow = await axeRun(page);
  check(narrow.ok, `${name}: axe-clean at 320 px`, ...narrow.lines);
  await page.setViewportSize(WIDE);
}

// Watch a page for trouble: console errors, failed requests, 5xx.
function watch(page) {
  const w = { errors: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location()?.url || '') && !/status of 4\d\d/.test(m.text()))
      w.errors.push(`console: ${m.text()} ${m.location()?.url || ''}`);
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  // net::ERR_ABORTED is the browser itself cancelling a load the next
  // navigation made moot (the icon, say); the server saw nothing wrong
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    if (!/ERR_ABORTED/.test(why)) w.errors.push(`request failed: ${r.url()} ${why}`);
  });
  page.on('response', (r) => { if (r.status() >= 500) w.errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  return w;
}

const browser = await launch();
const open = (opts = {}) => openContext(browser, { viewport: WIDE, ...opts });
const sections = [];
function section(name, opts, fn) { sections.push([name, opts, fn]); }
const run = Date.now().toString(36);
const U1 = { name: 'Ada Fairbairn', email: `ada.${run}@example.org`, password: 'heather moor bright lantern' };
const U2 = { name: 'Bede Ridley', email: `bede.ridley-hetherington.${run}@example.org`, password: 'kipper tide granite oriel' };
const U3 = { name: 'Cuthbert Noscript', email: `cuth.${run}@example.org`, password: 'slate beck fellside cairn' };

// Register, confirm from the mail and sign in; `label` prefixes the checks; axe when `a11y`.
async function registerVerifySignIn(page, u, label, a11y) {
  await page.goto(`${B}/account/register`);
  if (a11y) await visited(page, `${label}: register page`);
  await page.locator('#name').fill(u.name);
  await page.locator('#email').fill(u.email);
  await page.locator('#password').fill(u.password);
  await nav(page, () => page.getByRole('button', { name: 'Create account' }).click());
  const h1 = norm(await page.locator('h1').innerText());
  check(h1 === 'Check your email', `${label}: registering says "Check your email"`, `h1 '${h1}'`, page.url());
  if (a11y) await visited(page, `${label}: "Check your email" page`);
  const mail = await mailTo(u.email, /confirm your email/i);
  const link = linkIn(mail, /\/account\/verify\?token=/);
  check(!!link && link.startsWith(B), `${label}: the verification mail arrived at the SMTP server with a link to this portal`,
    mail ? `subject '${mail.subject}'` : 'no mail', `link ${link}`);
  if (!link) throw new Error('no verification link');
  await page.goto(link);
  if (a11y) await visited(page, `${label}: confirm page`);
  await nav(page, () => page.getByRole('button', { name: 'Confirm my email address' }).click());
  const banner = norm(await page.locator('main').innerText());
  check(/\/account\/login\?done=verified/.test(page.url()) && /email address is confirmed/i.test(banner),
    `${label}: confirming leads to sign-in, saying the address is confirmed`, page.url());
  if (a11y) await visited(page, `${label}: sign-in page`);
  await page.locator('#email').fill(u.email);
  await page.locator('#password').fill(u.password);
  await nav(page, () => page.getByRole('button', { name: 'Sign in' }).click());
  const h = norm(await page.locator('h1').innerText());
  check(new URL(page.url()).pathname === '/account', `${label}: signed in, on the account page`, page.url(), `h1 '${h}'`);
  return link;
}

async function createOrg(page, name, kind, label) {
  await page.goto(`${B}/organisations/new`);
  await page.locator('#name').fill(name);
  await page.locator(`input[name=kind][value=${kind}]`).check();
  if (kind === 'buyer') {
    await page.locator('input[name=buyer_type]').first().check();
    await page.locator('#evidence').fill('I am the procurement lead; call the switchboard and ask for me.');
  }
  await nav(page, () => page.getByRole('button', { name: 'Create organisation' }).click());
  const url = new URL(page.url());
  const id = (url.pathname.match(/^\/organisations\/(\d+)$/) || [])[1];
  check(!!id && url.searchParams.get('done') === 'created' && norm(await page.locator('h1').innerText()) === name,
    `${label}: created, its page has its name`, page.url());
  return id;
}

// ---- 1. errors: the GOV.UK error summary, linked, values kept --------------------
async function errorSummary(page, label) {
  await page.goto(`${B}/account/register`);
  await page.locator('#name').fill('Wilfrid Errington');
  await page.locator('#email').fill(`wilf.${run}@example.org`);
  await page.locator('#password').fill('password1');
  await nav(page, () => page.getByRole('button', { name: 'Create account' }).click());
  const title = await page.title();
  const summary = page.locator('.govuk-error-summary');
  const links = await summary.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
  check(await summary.isVisible() && /^Error: /.test(title), `${label}: a common password gives the error summary, title starts "Error:"`,
    `title '${title}'`);
  check(links.length === 1 && links[0][0] === '#password', `${label}: the summary links to the password field`, links);
  const msg = norm(await page.locator('#password-error').innerText().catch(() => ''));
  check(msg.length > 8 && links.length > 0 && msg.endsWith(norm(links[0][1])),
    `${label}: the field shows the same message`, `field '${msg}'`, links);
  const described = await page.locator('#password').getAttribute('aria-describedby');
  check(/password-error/.test(described || ''), `${label}: the password field is described by its error`, `aria-describedby ${described}`);
  check(await page.locator('#name').inputValue() === 'Wilfrid Errington' && await page.locator('#email').inputValue() === `wilf.${run}@example.org`
    && await page.locator('#password').inputValue() === '', `${label}: name and email kept, the password not sent back`);
  return links;
}

section('errors', { bypassCSP: true }, async (ctx) => {
  const page = await ctx.newPage();
  const links = await errorSummary(page, 'register with "password1"');
  if (links.length) {
    await page.locator('.govuk-error-summary a').first().click();
    const focus = await page.evaluate(() => document.activeElement && document.activeElement.id);
    check(focus === 'password' || new URL(page.url()).hash === '#password', 'the summary link takes you to the password field', `focus ${focus}, url ${page.url()}`);
  }
  await visited(page, 'register with errors');
});

// ---- 2. the whole journey, two users in two browser contexts -----------------------
section('journey', { bypassCSP: true }, async (ctx) => {
  const page = await ctx.newPage();
  const w1 = watch(page);
  await registerVerifySignIn(page, U1, 'first user', true);

  await page.goto(`${B}/organisations/new`);
  await visited(page, 'new organisation page');
  const supplier = await createOrg(page, `Tyne Digital Co-operative ${run}`, 'supplier', 'supplier');
  if (!supplier) throw new Error('no supplier organisation');
  await visited(page, 'supplier page');
  const st = norm(await page.locator('.govuk-summary-list').innerText());
  check(/Status verified/.test(st) && /Your role owner/.test(st), 'supplier: verified at once, you are its owner', st);

  const buyer = await createOrg(page, `Wearside Borough Council ${run}`, 'buyer', 'buyer');
  const bt = norm(await page.locator('main').innerText());
  check(/Status pending/.test(bt) && /site administrator is checking this buyer/i.test(bt), 'buyer: pending, a site administrator is checking it', bt.slice(0, 400));
  await visited(page, 'buyer page (pending)');
  await page.goto(`${B}/account`);
  const item = async (id) => norm(await page.locator('#organisations ~ ul li', { has: page.locator(`a[href="/organisations/${id}"]`) }).innerText());
  const [bi, si] = [await item(buyer), await item(supplier)];
  check(/waiting for verification$/.test(bi) && !/waiting for verification/.test(si),
    'account page: the buyer shows "waiting for verification", the supplier does not', `buyer '${bi}'`, `supplier '${si}'`);
  await visited(page, 'account page with organisations');

  // invite the second user
  await page.goto(`${B}/organisations/${supplier}`);
  await page.locator('#email').fill(U2.email);
  await page.locator('input[name=role][value=member]').check();
  await nav(page, () => page.getByRole('button', { name: 'Send invitation' }).click());
  const inv = norm(await page.locator('#invitations ~ ul').innerText().catch(() => ''));
  check(/done=invited/.test(page.url()) && inv.includes(U2.email), 'invitation: sent, listed as waiting', page.url(), inv);
  await visited(page, 'organisation page with an invitation');
  const imail = await mailTo(U2.email, /invited/i);
  const ilink = linkIn(imail, /\/invitations\?token=/);
  check(!!ilink && ilink.startsWith(B) && /Tyne Digital/.test(imail.subject + imail.text),
    'invitation: the mail arrived at the SMTP server, naming the organisation, with a link', imail ? imail.subject : 'no mail', `link ${ilink}`);
  if (!ilink) throw new Error('no invitation link');

  // the second user, in a browser of their own
  const ctx2 = await open({ bypassCSP: true });
  try {
    const p2 = await ctx2.newPage();
    const w2 = watch(p2);
    await p2.goto(ilink);
    const t = norm(await p2.locator('main').innerText());
    check(/Join Tyne Digital/.test(t) && t.includes(U2.email), 'invitation page (signed out): names the organisation and the invited address', t.slice(0, 300));
    await visited(p2, 'invitation page, signed out');
    await registerVerifySignIn(p2, U2, 'second user', false);
    await p2.goto(ilink);
    await visited(p2, 'invitation page, signed in');
    await nav(p2, () => p2.getByRole('button', { name: 'Accept the invitation' }).click());
    check(new URL(p2.url()).pathname === `/organisations/${supplier}` && /done=joined/.test(p2.url()),
      'second user: accepting leads to the organisation page', p2.url());
    const s2 = norm(await p2.locator('.govuk-summary-list').innerText());
    check(/Your role member/.test(s2), 'second user: a member', s2);
    await visited(p2, 'organisation page as a member');

    // the first user makes them admin
    await page.goto(`${B}/organisations/${supplier}`);
    const row = page.getByRole('table', { name: 'Members' }).locator('tbody tr', { hasText: U2.email });
    check(norm(await row.locator('td').nth(1).innerText()) === 'member', 'members table: the second user is a member');
    await row.locator('select[name=role]').selectOption('admin');
    await nav(page, () => row.getByRole('button', { name: `Change role of ${U2.name}` }).click());
    check(/done=role/.test(page.url()) && /role has been changed/i.test(norm(await page.locator('main').innerText())),
      'role: changed, the page says so', page.url());
    const row2 = page.getByRole('table', { name: 'Members' }).locator('tbody tr', { hasText: U2.email });
    check(norm(await row2.locator('td').nth(1).innerText()) === 'admin', 'organisation page: the second user is shown as admin',
      norm(await row2.innerText()));
    await visited(page, 'organisation page after the role change');
    await p2.reload();
    const s3 = norm(await p2.locator('.govuk-summary-list').innerText());
    check(/Your role admin/.test(s3) && await p2.getByRole('button', { name: 'Send invitation' }).count() === 1,
      'second user: now admin, and may invite', s3);
    await visited(p2, 'organisation page as an admin');
    check(w2.errors.length === 0, 'second user: no console errors, failed requests or 5xx', ...w2.errors);
  } finally {
    await ctx2.close().catch(() => {});
  }
  check(w1.errors.length === 0, 'first user: no console errors, failed requests or 5xx', ...w1.errors);
});

// ---- 3. JavaScript off: register -> confirm -> sign in -> organisation, and errors ----------
section('no JavaScript', { javaScriptEnabled: false }, async (ctx) => {
  const page = await ctx.newPage();
  await errorSummary(page, 'no JavaScript: register with "password1"');
  await registerVerifySignIn(page, U3, 'no JavaScript', false);
  const id = await createOrg(page, `Tees Valley Makers ${run}`, 'supplier', 'no JavaScript: supplier');
  check(!!id, 'no JavaScript: an organisation created');
});


// ACCOUNTS_ONLY=regex runs only the sections whose name matches.
await runSections(browser, open, sections, 'ACCOUNTS_ONLY');
