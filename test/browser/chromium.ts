import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** The system's headless Chromium (CHROMIUM_PATH, else /usr/bin/chromium), as the browser tests drive it. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page whose console errors, warnings (a CSP violation is one) and page errors land in `into`. */
export async function watchedPage(browserContext: BrowserContext, into: string[]): Promise<Page> {
  const opened = await browserContext.newPage();
  opened.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      into.push(`${message.type()}: ${message.text()}`);
  });
  opened.on('pageerror', (error) => into.push(`pageerror: ${error.message}`));
  return opened;
}
