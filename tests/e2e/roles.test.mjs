// Browser walk as every demo role: log in, open each page of the role's menu and the links
// one level down (at most LINKS_PER_ROLE same-site links, taken in turn from each menu page),
// and fail on what a user must not read or meet:
//   - an English identifier of a sign, an audit action or an import rule in the visible text;
//   - an ISO timestamp (2021-04-14T09:30) or «(UTC)»;
//   - a procedure code shown as text (VPR-2021-MA-4: the code belongs in a tooltip);
//   - a number with a decimal point (3.5; a date 14.04.2021 has two dots and is fine);
//   - a link answering 4xx/5xx;
//   - a page wider than a 390 px phone screen; at 1366 px, a table wider than its box (.scroll
//     not marked .wide); a phone menu that scrolls sideways without showing it.
// Every violation is listed with its page and text (also written to
// $E2E_OUT/roles-violations.txt). Screenshots of the menu pages at 1366 px and of the home
// page at 390 px go to $E2E_OUT as roles-ROLE-NN-PAGE.png; docs/ru/img/ takes a few of them.
// Environment (set by tests/e2e/run.sh): OKO_URL, E2E_OUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, appendFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.env.OKO_URL;
const out = process.env.E2E_OUT;
const LINKS_PER_ROLE = 40;
const report = `${out}/roles-violations.txt`;
let browser;

// Identifiers from src/stats/catalogue.c (signs and their families), the audit log's
// actions (audit_add calls) and the results importer's rules (src/import/results.c).
const IDENTIFIERS = [
  // signs
  'mean_inflated', 'journal_mismatch', 'boundary_peak', 'boundary_bunching', 'journal_gap',
  'journal_lenient', 'twins', 'person_fit', 'hard_help', 'lenient_scoring', 'cohort_drop',
  'cohort_rise', 'difficulty_inverted', 'recheck_inflated', 'score_above_journal', 'vpr_above_dkr',
  // audit actions
  'login', 'logout', 'login_failed', 'user_add', 'user_passwd', 'upload_refused', 'upload_checked',
  'upload_asked', 'api_token', 'api_token_revoke', 'codes_issue', 'expert_link', 'experts_import',
  'form_download', 'grid_refused', 'material_add', 'material_add_refused', 'material_download',
  'material_refused', 'material_schedule', 'measure_add', 'measure_delete', 'measure_help',
  'measure_report', 'measure_update', 'measures_import', 'mplan_add', 'mplan_delete',
  'mplan_update', 'observer_link', 'observer_set', 'observers_assign', 'observers_import',
  'observers_reveal', 'plan_assign', 'plan_campaign', 'plan_coordinator', 'plan_date',
  'plan_procedure', 'print_protocol', 'print_slips', 'procedure_add', 'pupil_add',
  'pupils_import', 'pupils_import_refused', 'recheck_assign', 'recheck_done', 'recheck_sample',
  'recheck_settings', 'scan_split', 'scan_upload', 'school_alias', 'school_alias_reject',
  'violation_kind', 'medalists_import', 'medalists_import_refused', 'medal_thresholds',
  'medal_thresholds_refused', 'medal_thresholds_reset', 'teachers_import', 'teachers_import_refused',
  'teacher_assign',
  'pupil_delete', 'pupils_purge', 'school_key_rotate', 'keys_rotate', 'plan_unassign',
  'plan_unassign_refused', 'setting_set',
  // import rules
  'score_range', 'score_over_max', 'journal_mark', 'duplicate_code', 'extra_position',
  'cell_invalid', 'total_over_max', 'total_mismatch', 'variant_missing', 'absent_with_scores',
  'scores_missing', 'partial_work', 'position_columns', 'alias_proposed', 'missing_column',
  'missing_header', 'no_measures', 'procedure_code', 'procedure_guessed', 'procedure_inferred',
  'exam_mark', 'test_score', 'mark_scale', 'answers',
];
const identRe = new RegExp(`(?<![A-Za-z0-9_])(${IDENTIFIERS.join('|')})(?![A-Za-z0-9_])`, 'g');
const isoRe = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g;
const utcRe = /\(UTC\)/g;
const codeRe = /(?<![A-Za-z0-9_-])(VPR|DKR|NIKO|OGE|EGE)-\d{4}-[A-Z0-9-]+/g;
// A date 14.04.2021 (or 14.04.21): two dots; blanked out before looking for a decimal point.
const dateRe = /(?<![\d.])\d{1,2}\.\d{1,2}\.\d{2}(?:\d{2})?(?![\d.]*\d)/g;
const decimalRe = /\d\.\d/g;
// An IPv4 address (the audit log's «Адрес»: 127.0.0.1) has three dots; blanked out too.
const ipRe = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.]*\d)/g;
// Task numbers of the procedures with a dot (3.1, 12.2: their official numbering, from the
// database, E2E_LABELS) are labels, not decimals, wherever they stand (a table head, a chart
// axis, a list «1K1, 3.2, 4»); a number 3.25 or 3.1 beside another digit is still one.
const labels = (process.env.E2E_LABELS || '').split(/\s+/).filter((l) => /^\d+(\.\d+)+$/.test(l));
const labelRe = labels.length
  ? new RegExp(`(?<![\\d.,])(${labels.map((l) => l.replace(/\./g, '\\.')).join('|')})(?![\\d]|[.,]\\d)`, 'g')
  : null;

function around(text, i, n) {
  return text.slice(Math.max(0, i - 30), i + n + 30).replace(/\s+/g, ' ').trim();
}

// The problems of one page's visible text, as strings.
export function textProblems(text) {
  const found = [];
  for (const m of text.matchAll(identRe)) found.push(`английский идентификатор «${m[1]}»: …${around(text, m.index, m[0].length)}…`);
  for (const m of text.matchAll(isoRe)) found.push(`время ISO: …${around(text, m.index, m[0].length)}…`);
  for (const m of text.matchAll(utcRe)) found.push(`пометка «(UTC)»: …${around(text, m.index, m[0].length)}…`);
  for (const m of text.matchAll(codeRe)) found.push(`код процедуры как текст «${m[0]}»: …${around(text, m.index, m[0].length)}…`);
  let blanked = text.replace(dateRe, (d) => ' '.repeat(d.length)).replace(ipRe, (d) => ' '.repeat(d.length));
  if (labelRe) blanked = blanked.replace(labelRe, (l) => ' '.repeat(l.length));
  for (const m of blanked.matchAll(decimalRe)) found.push(`десятичная точка: …${around(text, m.index, m[0].length)}…`);
  return found;
}

before(async () => {
  writeFileSync(report, '');
  writeFileSync(`${out}/roles-summary.txt`, '');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); });

async function login(page, user) {
  await page.goto(url + '/login');
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', 'oko-demo-2026');
  await page.click('button:has-text("Войти")');
  await page.waitForURL(url + '/');
}

// Same-site links of the page's main part, without fragments, in document order.
async function links(page) {
  const hrefs = await page.$$eval('main a[href]', (as) => as.map((a) => a.href));
  const seen = new Set();
  const res = [];
  for (const h of hrefs) {
    let u;
    try { u = new URL(h); } catch { continue; }
    if (u.origin !== new URL(url).origin) continue;
    u.hash = '';
    const s = u.toString();
    if (u.pathname === '/logout' || seen.has(s)) continue;
    seen.add(s);
    res.push(s);
  }
  return res;
}

// The page's visible text, where the cells of a numbering column (headed «№»: 1.1, 1.2 — a
// measure's place in its plan) are ordinals, not decimals, and are left out. The page is
// changed for that: call it after any screenshot.
async function visibleText(page) {
  return page.evaluate(() => {
    for (const table of document.querySelectorAll('table')) {
      const heads = [...table.querySelectorAll('thead tr:last-child > th')].map((th) => th.textContent.trim());
      const col = heads.indexOf('№');
      if (col < 0) continue;
      for (const tr of table.querySelectorAll('tbody > tr')) {
        const td = tr.children[col];
        if (td && /^\d+(\.\d+)*\.?$/.test(td.textContent.trim())) td.textContent = '№';
      }
    }
    // The names of a file's columns (<code>: «works_at», «login») are what the user types
    // into the file, not words of the interface.
    for (const c of document.querySelectorAll('code')) c.textContent = '';
    return document.body.innerText;
  });
}

function slug(path) {
  return (path.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9]+/g, '-') || 'home').slice(0, 40);
}

const ROLES = ['admin', 'region', 'mun', 'school', 'expert', 'observer'];
// Pages one level down worth a screenshot for the user guide (docs/ru/): the first link
// of each pattern is shot as roles-ROLE-below-PAGE.png.
const BELOW_SHOTS = {
  admin: [/^\/users\/edit/],
  region: [/^\/risk\/[^/?]+$/, /^\/recheck\/\d+$/, /^\/reports\/[^/?]+$/],
  mun: [/^\/measures\/\d+$/, /^\/monitoring\?/],
  school: [/^\/grid\/VPR-2021-MA-4$/, /^\/measure\/\d+$/], // the grid with the demo's results
  expert: [/^\/expert\/\d+$/],
  observer: [/^\/acts\/new/, /^\/acts\/\d+$/],
};

for (const role of ROLES) {
  test(`${role}: every page in Russian words, no broken link, fits a phone`, { timeout: 600000 }, async () => {
    const wide = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
    const page = await wide.newPage();
    await login(page, role);
    // The phone shares the session: the same cookies in a second context.
    const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU', isMobile: true, hasTouch: true });
    await phoneCtx.addCookies(await wide.cookies());
    const phone = await phoneCtx.newPage();

    const violations = [];
    const bad = (where, what) => violations.push({ where, what });

    // One HTML page: its text at 1366 px and its width at 390 px.
    async function check(href, shot) {
      const path = href.slice(url.length) || '/';
      const res = await page.goto(href, { waitUntil: 'load', timeout: 60000 });
      if (!res || res.status() >= 400) {
        bad(path, `ответ ${res ? res.status() : 'нет ответа'}`);
        return false;
      }
      if (shot) await page.screenshot({ path: `${out}/${shot}.png` });
      for (const p of textProblems(await visibleText(page))) bad(path, p);
      // At 1366 px a table fits its box: only one marked .wide (a column per task) scrolls.
      const over = await page.evaluate(() => [...document.querySelectorAll('main .scroll:not(.wide)')]
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => `${(el.querySelector('table') || el).className || 'table'} ${el.scrollWidth} px в ${el.clientWidth} px`));
      for (const o of over) bad(path, `таблица шире своего места при 1366 px: ${o}`);
      const r = await phone.goto(href, { waitUntil: 'load', timeout: 60000 });
      if (r && r.status() < 400) {
        const w = await phone.evaluate(() => document.documentElement.scrollWidth);
        if (w > 391) {
          const wide_ = await phone.evaluate(() => {
            // The widest element that sticks out, to say what to fix.
            let best = null;
            for (const el of document.querySelectorAll('main *')) {
              const r = el.getBoundingClientRect();
              if (r.right > 391 && (!best || r.width > best.w)) best = { w: Math.round(r.width), tag: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') };
            }
            return best ? `${best.tag} ${best.w} px` : '';
          });
          bad(path, `шире экрана телефона: ${w} px при 390 px${wide_ ? ` (шире всех: ${wide_})` : ''}`);
        }
      }
      return true;
    }

    // The menu.
    await page.goto(url + '/');
    const menu = await page.$$eval('header nav a[href]', (as) => as.map((a) => [a.href, a.textContent.trim()]));
    assert.ok(menu.length >= 1, `${role}: the menu has pages`);
    await phone.goto(url + '/');
    await phone.screenshot({ path: `${out}/roles-${role}-home-390.png` });
    // A menu longer than the phone's row scrolls sideways and shows that it does: a shade at
    // the edge where more items are (frame.css).
    const cue = await phone.$eval('header nav', (n) => ({
      more: n.scrollWidth > n.clientWidth + 1,
      shade: getComputedStyle(n).backgroundImage.includes('gradient'),
    }));
    if (cue.more && !cue.shade) bad('/', 'меню на телефоне прокручивается вбок, но этого не видно');

    const visited = new Set();
    const below = []; // per menu page: its links not yet seen
    let n = 0;
    for (const [href] of menu) {
      visited.add(href);
      n++;
      const ok = await check(href, `roles-${role}-${String(n).padStart(2, '0')}-${slug(href.slice(url.length))}`);
      below.push(ok ? await links(page) : []);
    }
    // One level down, in turn from each menu page.
    const picked = [];
    const taken = new Set(visited);
    for (let i = 0; picked.length < LINKS_PER_ROLE && below.some((l) => l.length); i = (i + 1) % below.length) {
      const l = below[i];
      while (l.length) {
        const h = l.shift();
        if (!taken.has(h)) { taken.add(h); picked.push(h); break; }
      }
    }
    const shotBelow = new Set();
    for (const href of picked) {
      const path = href.slice(url.length);
      const res = await wide.request.get(href, { timeout: 120000 });
      if (res.status() >= 400) {
        bad(path, `ссылка отвечает ${res.status()}`);
        continue;
      }
      if (!(res.headers()['content-type'] || '').startsWith('text/html')) continue;
      const want = (BELOW_SHOTS[role] || []).findIndex((re) => re.test(path) && !shotBelow.has(re));
      if (want >= 0) shotBelow.add(BELOW_SHOTS[role][want]);
      await check(href, want >= 0 ? `roles-${role}-below-${slug(path.split('?')[0])}` : null);
    }

    await wide.close();
    await phoneCtx.close();
    const head = `${role}: ${menu.length} страниц меню, ${picked.length} ссылок ниже, нарушений: ${violations.length}`;
    appendFileSync(report, `${head}\n${violations.map((v) => `  ${v.where}: ${v.what}\n`).join('')}`);
    // The message: per page and kind, how many and the first one (every one is in the file).
    const groups = new Map();
    for (const v of violations) {
      const k = `${v.where}: ${v.what.split(/[:«]/)[0].trim()}`;
      const g = groups.get(k) || { n: 0, first: v.what };
      g.n++;
      groups.set(k, g);
    }
    const summary = [...groups].map(([k, g]) => `  ${k} ×${g.n}, например ${g.first}`).join('\n');
    appendFileSync(`${out}/roles-summary.txt`, `${head}\n${summary}${summary ? '\n' : ''}`);
    assert.equal(violations.length, 0, `${head} (все — в ${report})\n${summary}`);
  });
}
