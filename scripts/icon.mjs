// Renders media/icon.svg to the 128x128 media/icon.png the Marketplace needs, with Debian's chromium through
// playwright-core (already a dev dependency for the e2e tests). Run after changing the SVG; the PNG is committed.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const SIZE = 128;
const root = path.resolve(import.meta.dirname, '..');
const svg = fs.readFileSync(path.join(root, 'media', 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${src}" width="${SIZE}" height="${SIZE}" style="display:block"></body></html>`);
  await page.locator('img').evaluate((img) => img.decode());
  const out = path.join(root, 'media', 'icon.png');
  await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: SIZE, height: SIZE } });
  console.log(`icon: ${path.relative(root, out)} ${fs.statSync(out).size} bytes`);
} finally {
  await browser.close();
}
