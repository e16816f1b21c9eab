// Browser test: the school coordinator's path — «Ученики и коды», issue codes, the protocol
// PDF, the results form (XLSX), results typed into the grid with the keyboard (the total
// follows), save, and the save in the school card's history. Screenshots go to $E2E_OUT.
// Uses the 2020/21 school year and VPR-2021-RU-4 of the demo region (run.sh), so it does
// not touch the MA-4 results of school_and_region.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const url = process.env.OKO_URL;
const out = process.env.E2E_OUT;
const school = process.env.E2E_SCHOOL;
const proc = 'VPR-2021-RU-4';
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); });

test('school coordinator: codes, protocol, form, grid, history', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(url + '/');
  await page.waitForURL(/\/login/);
  await page.fill('input[name=login]', 'school');
  await page.fill('input[name=password]', 'oko-demo-2026');
  await page.click('button:has-text("Войти")');
  await page.waitForURL(url + '/');

  await page.click('nav >> text=Ученики и коды');
  await page.goto(url + '/pupils?year=2021');
  await page.fill('input[name=class]', '4А');
  await page.fill('input[name=surname]', 'Браузерова');
  await page.fill('input[name=name]', 'Дарья');
  await page.click('button:has-text("Добавить")');
  await page.waitForSelector('.notice');
  await page.click('button:has-text("Выдать коды")');
  await page.waitForSelector('.notice');
  assert.match(await page.textContent('.notice'), /Выдано новых кодов: [1-9]/);
  const code = (await page.textContent('table.pupils tr:has-text("Браузерова") td.code')).trim();
  assert.match(code, /^4\d{4}$/);
  await page.screenshot({ path: `${out}/10-pupils-codes.png`, fullPage: true });

  const pdf = await page.request.get(url + '/pupils/protocol.pdf?year=2021');
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

  await page.click('nav >> text=Ввод результатов');
  await page.waitForSelector('h1:has-text("Ввод результатов")');
  const xlsx = await page.request.get(`${url}/grid/${proc}/form.xlsx`);
  assert.equal(xlsx.status(), 200);
  assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
  const body = await xlsx.body();
  assert.equal(body.subarray(0, 2).toString(), 'PK');
  assert.ok(!body.includes(Buffer.from('Браузерова')), 'no name in the form');

  await page.goto(`${url}/grid/${proc}?class=4А`);
  const row = page.locator(`tr:has(input[name=code][value="${code}"])`);
  await row.locator('input[data-kind=v]').click();
  await page.keyboard.type('2');
  const npos = await row.locator('input[data-kind=p]').count();
  assert.ok(npos > 5);
  for (let i = 0; i < npos; i++) {
    await page.keyboard.press('Tab');
    await page.keyboard.type(i === 0 ? '9' : '1');
  }
  // The first position got 9, above its maximum: marked at once.
  const first = row.locator('input[data-kind=p]').first();
  assert.equal(await first.getAttribute('aria-invalid'), 'true');
  // A score the save refuses makes no total: «—», not the sum with 9 in it.
  assert.equal((await row.locator('td.total output').textContent()).trim(), '—');
  await page.screenshot({ path: `${out}/11-grid-error.png` });
  await first.click();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('1');
  assert.equal(await first.getAttribute('aria-invalid'), 'false');
  await row.locator('input[data-kind=g]').fill('ж');
  await row.locator('input[data-kind=j]').click();
  await page.keyboard.type('4');
  assert.equal((await row.locator('td.total output').textContent()).trim(), String(npos));
  // Enter moves down the column, ArrowUp back up.
  const rows = page.locator('table.entry tbody tr');
  await rows.nth(0).locator('input[data-kind=v]').click();
  await page.keyboard.press('Enter');
  const focused = () => page.evaluate(() => [document.activeElement.closest('tr').rowIndex,
    document.activeElement.dataset.kind]);
  assert.deepEqual(await focused(), [2, 'v']);
  await page.keyboard.press('ArrowUp');
  assert.deepEqual(await focused(), [1, 'v']);
  await page.screenshot({ path: `${out}/12-grid-typed.png` });
  await page.click('button:has-text("Сохранить")');
  await page.waitForURL(/saved=1/);
  assert.match(await page.textContent('.notice'), /Результаты сохранены/);
  const saved = page.locator(`tr:has(input[name=code][value="${code}"])`);
  assert.equal((await saved.locator('td.total output').textContent()).trim(), String(npos));
  await page.screenshot({ path: `${out}/13-grid-saved.png` });

  await page.goto(`${url}/schools/${school}`);
  await page.waitForSelector('h1');
  assert.match(await page.textContent('main'), /сетка ввода/);
  await page.screenshot({ path: `${out}/14-school-history.png`, fullPage: true });
  await page.close();
});
