// Browser tests: a school coordinator uploads a form with an error, reads the error,
// uploads the fixed form and opens the school's pages; the region opens its home page
// and the registry. Screenshots go to $E2E_OUT for a person to look at.
// Environment (set by tests/e2e/run.sh): OKO_URL, E2E_OUT, E2E_DATA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const url = process.env.OKO_URL;
const out = process.env.E2E_OUT;
const data = process.env.E2E_DATA;
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
  await page.goto(url + '/');
  await page.waitForURL(/\/login/);
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', 'oko-demo-2026');
  await page.click('button:has-text("Войти")');
  await page.waitForURL(url + '/');
}

test('school coordinator: upload with an error, then the fixed file', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await login(page, 'school');
  await page.screenshot({ path: `${out}/01-school-home.png`, fullPage: true });
  await page.click('nav >> text=Загрузка результатов');
  await page.setInputFiles('input[name=file]', `${data}/school_bad.csv`);
  await page.click('button:has-text("Загрузить")');
  await page.waitForSelector('table.problems');
  const alert = await page.textContent('.alert');
  assert.match(alert, /Файл не загружен/);
  const rows = await page.locator('table.problems tr.err').count();
  assert.ok(rows >= 1, 'the error is listed');
  const msg = await page.textContent('table.problems tr.err');
  assert.match(msg, /вариант/);
  await page.screenshot({ path: `${out}/02-upload-error.png`, fullPage: true });

  await page.setInputFiles('input[name=file]', `${data}/school_fixed.csv`);
  await page.click('button:has-text("Загрузить")');
  // The school has results already: the page names them and asks before replacing.
  await page.waitForSelector('form.confirm');
  assert.match(await page.textContent('main'), /будет заменено результатов/);
  await page.screenshot({ path: `${out}/02b-upload-asks.png`, fullPage: true });
  await page.click('button:has-text("Заменить прежние результаты")');
  await page.waitForSelector('.notice');
  assert.match(await page.textContent('.notice'), /Файл загружен/);
  await page.screenshot({ path: `${out}/03-upload-ok.png`, fullPage: true });
  await page.close();
});

test('school coordinator: the school card shows the upload', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await login(page, 'school');
  await page.goto(`${url}/schools/${process.env.E2E_SCHOOL}`);
  await page.waitForSelector('h1');
  assert.match(await page.textContent('main'), /История загрузок/);
  assert.match(await page.textContent('main'), /school_fixed\.csv/);
  await page.screenshot({ path: `${out}/04-school-card.png`, fullPage: true });
  await page.close();
});

test('region: home page and the registry, also on a phone', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await login(page, 'region');
  assert.match(await page.textContent('main'), /Загрузка результатов/);
  await page.screenshot({ path: `${out}/05-region-home.png`, fullPage: true });
  await page.click('nav >> text=Школы');
  await page.fill('input[name=q]', 'sch');
  await page.click('button:has-text("Показать")');
  await page.waitForSelector('table tbody tr');
  assert.ok(await page.locator('table tbody tr').count() > 1);
  await page.screenshot({ path: `${out}/06-region-schools.png` });
  await page.close();
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await login(phone, 'region');
  await phone.screenshot({ path: `${out}/07-region-phone.png`, fullPage: true });
  await phone.close();
});

test('keyboard: the login form works without a mouse', async () => {
  const page = await browser.newPage();
  await page.goto(url + '/login');
  // Tab from the top of the page to the login field, as a keyboard user would.
  for (let i = 0; i < 6; i++) {
    if (await page.evaluate(() => document.activeElement?.name) === 'login') break;
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'login');
  await page.keyboard.type('mun');
  await page.keyboard.press('Tab');
  await page.keyboard.type('oko-demo-2026');
  await page.keyboard.press('Enter');
  await page.waitForURL(url + '/');
  assert.match(await page.textContent('header'), /муниципальный координатор/);
  await page.close();
});

test('school coordinator: the ФИС ОКО reports of its school', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await login(page, 'school');
  await page.click('nav >> text=Аналитика');
  await page.waitForSelector('main');
  const link = page.locator('main a[href^="/reports/VPR-2021-RU-4"]').first();
  if (await link.count()) await link.click();
  else await page.goto(`${url}/reports/VPR-2021-RU-4`);
  await page.waitForSelector('svg');
  const text = await page.textContent('main');
  assert.match(text, /Статистика по отметкам/i);
  assert.match(text, /Распределение первичных баллов/i);
  assert.ok(await page.locator('main svg').count() >= 3, 'charts drawn');
  await page.screenshot({ path: `${out}/08-school-reports.png`, fullPage: true });
  await page.close();
});

test('region: the risk list and an evidence card', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await login(page, 'region');
  await page.click('nav >> text=Зона риска');
  await page.waitForSelector('table');
  assert.match(await page.textContent('main'), /показатель объективности/);
  await page.screenshot({ path: `${out}/09-risk-list.png`, fullPage: true });
  let card = page.locator('main table a[href^="/risk/"]').first();
  if (!(await card.count())) {
    await page.goto(`${url}/risk?all=1`);
    card = page.locator('main table a[href^="/risk/"]').first();
  }
  await card.click();
  await page.waitForSelector('h1');
  const text = await page.textContent('main');
  assert.match(text, /Доказательная карточка/);
  assert.match(text, /История по анализам/);
  await page.screenshot({ path: `${out}/10-evidence-card.png`, fullPage: true });
  await page.close();
});
