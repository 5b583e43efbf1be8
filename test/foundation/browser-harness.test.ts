import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../../tools/support/browser';

describe('browser harness', () => {
  it('launches Chromium, renders a page and closes', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.setContent('<button onclick="this.textContent = String(1 + 1)">go</button>');
      await page.getByRole('button', { name: 'go' }).click();
      expect(await page.getByRole('button').textContent()).toBe('2');
    } finally {
      await browser.close();
    }
    expect(browser.isConnected()).toBe(false);
  });
});
