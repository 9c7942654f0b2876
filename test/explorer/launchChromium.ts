import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.NSF_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Debian's Chromium, headless, through playwright-core (a test tool's own browser download does not work on these
 * machines; .ci/run installs the `chromium` package). Background networking off: the machine's closed network
 * refuses Chromium's own connections otherwise. Playwright gives every launch a fresh empty profile of its own
 * (it refuses a --user-data-dir argument to launch()).
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set NSF_CHROMIUM`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
