import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's chromium, driven by playwright-core (no browser download). Set GRAPHMEET_CHROMIUM to use another binary.
 * Without one the browser tests fail with what to install: they are part of the suite, not optional.
 */
export async function launchChromium(): Promise<Browser> {
  const candidates = [process.env.GRAPHMEET_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (c): c is string => Boolean(c),
  );
  const executablePath = candidates.find((c) => existsSync(c));
  assert.ok(
    executablePath,
    `no chromium found (looked at ${candidates.join(', ')}): install Debian's (apt-get install chromium) or set GRAPHMEET_CHROMIUM`,
  );
  // As root (CI containers), chromium's sandbox cannot start.
  return chromium.launch({ executablePath, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/** Where screenshots go: kept after the run (CI keeps the folder as an artifact) to be looked at. */
export const screenshotDir = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it is now; fails on any serious or critical violation. The script is
 * evaluated through the DevTools protocol, so the page's Content Security Policy does not have to allow it.
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    // axe is the global the evaluated script defines; the page's document is what it checks.
    const page = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<{ violations: never[] }> };
      document: unknown;
    };
    const result = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  })) as { id: string; impact: string; targets: string[] }[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${what}: accessibility violations ${JSON.stringify(serious)}`);
}

/** A browser context of its own (its own cookies), and the CSP violations its pages report. */
export async function person(
  browser: Browser,
  options: { locale?: string; timezoneId?: string } = {},
): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    timezoneId: options.timezoneId ?? 'UTC',
    viewport: { width: 900, height: 800 },
  });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { context, page, cspViolations };
}
