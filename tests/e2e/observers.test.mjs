// Browser test of the observation act with a bad connection: the demo observer opens an
// assignment's act form, the network goes away, the act is filled and sent — the page says
// it is kept in the browser and the server has nothing yet (a region coordinator's session
// checks); the network comes back — the act is sent by itself, once, and the coordinator
// sees it. Also: a draft survives a reload, and the pages at 1366 and 390 px (screenshots
// in $E2E_OUT).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const url = process.env.OKO_URL;
const out = process.env.E2E_OUT;
const observer = process.env.E2E_OBSERVER || 'observer';
const campaign = process.env.E2E_OBS_CAMPAIGN;
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

// The acts of the campaign as the region's table: the server's view, not the browser's.
async function serverActs(region) {
  const res = await region.request.get(`${url}/observers/acts.csv?campaign=${campaign}`);
  assert.equal(res.status(), 200);
  return (await res.body()).toString();
}

test('observer: the act typed offline is kept in the browser and sent when the network returns', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU', isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  const regionCtx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
  const region = await regionCtx.newPage();
  await login(region, 'region');
  await login(page, observer);
  await page.waitForSelector('h1:has-text("Мои назначения")');
  await page.screenshot({ path: `${out}/40-observer-home-390.png`, fullPage: false });

  // The first assignment without an act.
  const fill = page.locator('a.button:has-text("Заполнить акт")');
  assert.ok(await fill.count() >= 2, 'the demo observer has assignments without acts');
  const href = await fill.first().getAttribute('href');
  await page.goto(url + href.replace(/&amp;/g, '&'));
  await page.waitForSelector('form#act');
  const key = await page.getAttribute('form#act', 'data-key');
  const school = new URL(url + href).searchParams.get('school');
  const comment = `E2E: акт офлайн ${Date.now()}`;

  // A refusal is shown above the fields it is about, which get the focus: on a phone the
  // button is far below them.
  await page.fill('input[name=started]', '10:00');
  await page.fill('input[name=ended]', '09:00');
  await page.check('input[name=stage][value="0"]');
  await page.locator('input[name=violation]').first().check();
  await page.click('button:has-text("Отправить акт")');
  await page.waitForSelector('.act-field-error:has-text("раньше времени начала")');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'started');
  assert.ok(await page.evaluate(() => {
    const p = document.querySelector('.act-field-error');
    return p.nextElementSibling.tagName === 'FIELDSET' && !!p.nextElementSibling.querySelector('input[name=started]');
  }), 'the refusal stands right above the times');
  await page.screenshot({ path: `${out}/41-act-refused-390.png`, fullPage: false });

  // The network goes away while the observer types.
  await ctx.setOffline(true);
  await page.fill('input[name=started]', '09:00');
  await page.fill('input[name=ended]', '09:45');
  await page.check('input[name=stage][value="0"]');
  await page.check('input[name=stage][value="2"]');
  await page.locator('input[name=violation]').first().check();
  await page.fill('textarea[name=comment]', comment);
  await page.click('button:has-text("Отправить акт")');
  await page.waitForSelector('#act-status:has-text("Акт сохранён в браузере и будет отправлен, когда появится связь")');
  await page.screenshot({ path: `${out}/41-act-offline-390.png`, fullPage: true });
  const kept = await page.evaluate((k) => JSON.parse(localStorage.getItem('oko-act:' + k)), observer + ':' + key);
  assert.equal(kept.pending, true, 'the copy is marked to be sent');
  assert.ok(kept.fields.some(([n, v]) => n === 'comment' && v === comment), 'the comment is kept');
  assert.ok(!(await serverActs(region)).includes(comment), 'nothing on the server yet');

  // The network returns: the act goes by itself and the page shows it.
  await ctx.setOffline(false);
  await page.waitForURL(/\/acts\/\d+$/, { timeout: 15000 });
  await page.waitForSelector('text=Акт получен сервером');
  const actUrl = page.url();
  assert.equal(await page.evaluate((k) => localStorage.getItem('oko-act:' + k), observer + ':' + key), null,
    'the copy is removed once the server confirmed');
  await page.screenshot({ path: `${out}/42-act-sent-390.png`, fullPage: true });
  const acts = await serverActs(region);
  assert.equal(acts.split(comment).length - 1, 1, 'stored once');
  assert.ok(acts.includes(school));

  // The region sees it at once: in the campaign's list and on the act's page.
  await region.goto(actUrl);
  await region.waitForSelector(`text=${comment}`);
  await region.screenshot({ path: `${out}/43-act-region-1366.png`, fullPage: true });
  await region.goto(`${url}/observers?campaign=${campaign}`);
  await region.waitForSelector('h2:has-text("Охват наблюдением")');
  assert.ok(await region.locator(`#acts a[href="${new URL(actUrl).pathname}"]`).count() === 1);
  await region.screenshot({ path: `${out}/44-observers-region-1366.png`, fullPage: false });
  await region.setViewportSize({ width: 390, height: 844 });
  await region.screenshot({ path: `${out}/45-observers-region-390.png`, fullPage: false });

  // A draft survives a reload: every change is kept.
  await page.goto(url + '/');
  const next = await page.locator('a.button:has-text("Заполнить акт")').first().getAttribute('href');
  await page.goto(url + next.replace(/&amp;/g, '&'));
  await page.fill('textarea[name=comment]', 'черновик, ещё не отправлен');
  await page.check('input[name=no_violations]');
  await page.reload();
  await page.waitForSelector('#act-status:has-text("Восстановлено из черновика")');
  assert.equal(await page.inputValue('textarea[name=comment]'), 'черновик, ещё не отправлен');
  assert.equal(await page.isChecked('input[name=no_violations]'), true);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: `${out}/46-act-form-1366.png`, fullPage: true });

  // A shared phone: another observer's pending act, kept in this browser, is neither sent
  // under this observer's session nor touched.
  const foreign = 'oko-act:someone-else:VPR-2021-RU-4:sch0';
  const copy = JSON.stringify({ fields: [['procedure', 'VPR-2021-RU-4'], ['school', 'sch0'],
    ['comment', 'чужой акт']], pending: true, at: 1 });
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [foreign, copy]);
  await page.goto(url + '/');
  await page.waitForTimeout(1500);
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), foreign), copy,
    "another observer's copy stays as it was");
  await ctx.close();
  await regionCtx.close();
});
