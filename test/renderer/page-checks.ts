import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../docs/screenshots');

/** axe-core over the whole page; returns "rule: target" lines for serious and critical findings. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`));
}

/** Writes docs/screenshots/<name>.png (and <name>-dark.png when asked), leaving the page light. */
export async function screenshot(page: Page, name: string, options: { dark?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // No hover styling from the last click in the picture.
  await page.mouse.move(0, 0);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  if (options.dark) {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-dark.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  }
}

/** axe in both colour schemes (contrast differs), as one list. */
export async function seriousA11yViolationsBothSchemes(page: Page): Promise<string[]> {
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await seriousA11yViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = (await seriousA11yViolations(page)).map((v) => `[dark] ${v}`);
  await page.emulateMedia({ colorScheme: 'light' });
  return [...light, ...dark];
}
