import { chromium } from 'playwright-core';
const url = process.env.OKO_URL, out = '/work/benchtmp/shots';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const pages = JSON.parse(process.env.PAGES);
for (const [user, path, name] of pages) {
  for (const w of [1366, 390]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(url + '/login');
    await page.fill('input[name=login]', user);
    await page.fill('input[name=password]', 'oko-demo-2026');
    await page.click('button:has-text("Войти")');
    await page.waitForURL(url + '/');
    await page.goto(url + path);
    await page.screenshot({ path: `${out}/${name}-${w}.png`, fullPage: w === 390 ? false : false });
    await ctx.close();
  }
}
await browser.close();
