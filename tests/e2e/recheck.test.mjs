// Browser test of the expert's scoring page (pages/expert.c, static/recheck.js): the demo
// expert scores five works with the keyboard only — digits, Tab or Enter to the next
// position, Enter on «Завершить проверку» — and the next work opens each time; a value
// above the maximum is marked at once and not saved; the progress grows; every check is
// stored (the server's read-only page of each shows the typed scores). Also the expert's
// and the school's re-check pages at 1366 and 390 px (screenshots in $E2E_OUT).
//
// The demo gives the login `expert` unfinished checks (cmd_demo.c, RC_DEMO_KEEP); when a
// database has fewer than five, before() gives it some through the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.env.OKO_URL;
const out = process.env.E2E_OUT;
const expert = 'expert';
let browser;

before(async () => {
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

// «проверено 3 из 10 работ» → [3, 10]
function progressOf(text) {
  const m = /проверено (\d+) из (\d+)/.exec(text || '');
  assert.ok(m, `progress shown: «${text}»`);
  return [Number(m[1]), Number(m[2])];
}

// run.sh exports tests/cli/lib.sh's sql helper: the query runs on the engine under test.
const sql = (q) => execFileSync('bash', ['-c', 'sql "$1"', 'sql', q], { env: process.env }).toString().trim();
const oko = (...args) => execFileSync(process.env.OKO, args, { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });

// Unfinished checks of the login `expert`; when fewer than five, a round of the school's
// works is sampled and given to it through the command line.
function ensureWork() {
  const open = () => Number(sql(`SELECT count(*) FROM recheck_check c JOIN expert e ON e.id = c.expert_id
    JOIN "user" u ON u.id = e.user_id WHERE u.login = '${expert}' AND c.done = 0`) || 0);
  if (open() >= 5) return;
  const dir = process.env.E2E_DATA;
  let linked = sql(`SELECT e.id FROM expert e JOIN "user" u ON u.id = e.user_id WHERE u.login = '${expert}'`);
  if (!linked) {
    writeFileSync(`${dir}/e2e_experts.csv`, 'id,name,municipality,subjects,works_at,children_at,max_works,login\n' +
      'E2E-1,Эксперт для проверки в браузере,,,,,500,expert\n');
    oko('recheck', 'experts', 'import', `${dir}/e2e_experts.csv`);
    linked = sql(`SELECT e.id FROM expert e JOIN "user" u ON u.id = e.user_id WHERE u.login = '${expert}'`);
  }
  const proc = 'VPR-2021-MA-5';
  const rows = sql(`SELECT s.login || ',' || r.code FROM result r JOIN school s ON s.id = r.school_id
    JOIN procedure p ON p.id = r.procedure_id WHERE p.code = '${proc}' AND r.absent = 0
    AND NOT EXISTS (SELECT 1 FROM recheck_work w WHERE w.procedure_id = r.procedure_id AND w.school_id = r.school_id
    AND w.code = r.code) ORDER BY s.login, r.code LIMIT 6`);
  writeFileSync(`${dir}/e2e_medal.csv`, 'school,code\n' + rows + '\n');
  oko('recheck', 'sample', '--procedure', proc, '--rule', 'medal', '--medal', `${dir}/e2e_medal.csv`, '--seed', '3');
  const round = sql('SELECT max(id) FROM recheck_round');
  oko('recheck', 'assign', '--round', round, '--seed', '3');
  sql(`UPDATE recheck_check SET expert_id = ${linked} WHERE round_id = ${round} AND check_no = 2 AND control = 0 AND done = 0`);
  assert.ok(open() >= 5, 'the expert has five works to score');
}

test('expert: five works scored with the keyboard only, each stored, the progress growing', async () => {
  ensureWork();
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, expert);
  await page.screenshot({ path: `${out}/50-expert-home-1366.png`, fullPage: true });
  await page.goto(url + '/expert');
  const [done0, all] = progressOf(await page.textContent('#rc-overall'));
  assert.ok(all - done0 >= 5, `five unfinished works in the queue (${done0} of ${all} done)`);
  await page.screenshot({ path: `${out}/51-expert-queue-1366.png`, fullPage: true });
  const first = await page.getAttribute('a.button:has-text("Продолжить проверку")', 'href');
  await page.goto(url + first);

  const scored = []; // { path, values }
  for (let k = 0; k < 5; k++) {
    await page.waitForSelector('form#rc-grid');
    const path = new URL(page.url()).pathname;
    assert.ok(!scored.some((s) => s.path === path), `a new work opens each time (${path})`);
    const [doneNow] = progressOf(await page.textContent('#rc-overall'));
    assert.equal(doneNow, done0 + k, 'the progress grows by one per work');
    if (k === 0) await page.screenshot({ path: `${out}/52-expert-task-1366.png`, fullPage: false });
    const inputs = page.locator('input[name=p]');
    const n = await inputs.count();
    const maxes = await inputs.evaluateAll((els) => els.map((e) => Number(e.dataset.max)));
    const values = await inputs.evaluateAll((els) => els.map((e) => e.value));
    // The script puts the cursor on the first empty position.
    let at = await page.evaluate(() => [...document.querySelectorAll('input[name=p]')].indexOf(document.activeElement));
    assert.ok(at >= 0, 'a position has the focus when the page opens');
    const firstAt = at;
    for (; at < n; at++) {
      const v = (at + k) % (maxes[at] + 1);
      if (k === 0 && at === firstAt) {
        // Above the maximum: marked at once, never saved; then corrected.
        await page.keyboard.type(String(maxes[at] + 1));
        await page.waitForSelector('td.bad input[name=p]');
        const err = await page.textContent(`#e${at + 1}`);
        assert.match(err, /больше максимума/);
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement.id), `p${at + 1}`, 'Enter stays on a wrong value');
        await page.waitForTimeout(900);
        await page.screenshot({ path: `${out}/53-expert-above-max-1366.png`, fullPage: false });
        await page.keyboard.press('Backspace');
      }
      await page.keyboard.type(String(v));
      values[at] = String(v);
      await page.keyboard.press(at % 2 ? 'Tab' : 'Enter');
    }
    // Tab from the last position passes «Сохранить» first; Enter lands on the final button.
    let focused = await page.evaluate(() => document.activeElement.id);
    if (focused === 'rc-save') { await page.keyboard.press('Tab'); focused = await page.evaluate(() => document.activeElement.id); }
    assert.equal(focused, 'rc-done', 'the last position leads to «Завершить проверку»');
    await page.waitForSelector('#rc-status:has-text("сохранено")');
    await Promise.all([page.waitForURL((u) => u.pathname !== path, { timeout: 15000 }), page.keyboard.press('Enter')]);
    scored.push({ path, values });
  }
  await page.waitForSelector('form#rc-grid');
  assert.equal(progressOf(await page.textContent('#rc-overall'))[0], done0 + 5, 'five more works checked');
  assert.deepEqual(errors, [], 'no script errors');

  // The server has every check: read-only, with the typed scores.
  for (const s of scored) {
    await page.goto(url + s.path);
    await page.waitForSelector('text=Проверка завершена');
    const stored = await page.locator('input[name=p]').evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(stored, s.values, `the scores of ${s.path} are stored as typed`);
    assert.equal(await page.locator('#rc-done').count(), 0, 'a finished check offers no button');
  }
  await page.goto(url + '/expert');
  assert.equal(progressOf(await page.textContent('#rc-overall'))[0], done0 + 5);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${out}/54-expert-queue-390.png`, fullPage: true });
  await page.goto(url + '/');
  await page.screenshot({ path: `${out}/55-expert-home-390.png`, fullPage: false });
  const next = await page.getAttribute('a.button:has-text("Продолжить проверку")', 'href');
  await page.goto(url + next);
  await page.waitForSelector('form#rc-grid');
  await page.screenshot({ path: `${out}/56-expert-task-390.png`, fullPage: true });
  await ctx.close();
});

test('school: the scans page at 1366 and 390 px', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
  const page = await ctx.newPage();
  await login(page, 'school');
  await page.goto(url + '/scans');
  await page.waitForSelector('h1:has-text("Сканы работ на перепроверку")');
  await page.screenshot({ path: `${out}/57-scans-1366.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${out}/58-scans-390.png`, fullPage: true });
  await ctx.close();
});
