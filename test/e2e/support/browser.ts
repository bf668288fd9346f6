import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, devices, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { REPO_ROOT } from '../../support/service-process';
import { signIn, type Person } from './ui';

/** Debian's chromium; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
}

/** One browser for the whole test file, closed in afterAll whatever happened. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser did not start');
    return browser;
  };
}

export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and Content-Security-Policy refusals seen so far: a broken page either way. */
  problems: string[];
}

/** The narrowest phone the shop is laid out for. */
const PHONE_VIEWPORT = { width: 390, height: 844 };

/** A fresh browser profile (nobody signed in) opened on `baseUrl`: desktop, or a 390 px touch phone. */
export async function newVisitor(browser: Browser, baseUrl: string, opts: { phone?: boolean } = {}): Promise<Visitor> {
  const context = await browser.newContext({
    ...(opts.phone ? { ...devices['Pixel 7'], viewport: PHONE_VIEWPORT } : { viewport: { width: 1280, height: 800 } }),
    baseURL: baseUrl,
    locale: 'en-US',
    timezoneId: 'America/Sao_Paulo',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`csp: ${message.text()}`);
  });
  return { context, page, problems };
}

export interface VisitOptions {
  phone?: boolean;
  /** Signs in through the login page first: the visitor then stands where that account lands (an admin in the back office). */
  as?: Pick<Person, 'email' | 'password'>;
}

/**
 * Opens a fresh visitor per call for a file's tests; after each test closes them, and fails it if a
 * page threw or the Content-Security-Policy refused something, even when its steps passed.
 */
export function useVisitors(browser: () => Browser, baseUrl: () => string): (opts?: VisitOptions) => Promise<Page> {
  const visitors: Visitor[] = [];
  afterEach(async () => {
    const problems = visitors.flatMap((v) => v.problems);
    await Promise.all(visitors.splice(0).map((v) => v.context.close()));
    expect(problems).toEqual([]);
  });
  return async ({ as, ...opts } = {}) => {
    const visitor = await newVisitor(browser(), baseUrl(), opts);
    visitors.push(visitor);
    if (as) await signIn(visitor.page, as);
    return visitor.page;
  };
}

/** `test-output/screenshots/<name>.png`: the page from the top, at most 1.4 screens of it. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  const { width, height } = page.viewportSize()!;
  const pageHeight = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight);
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(pageHeight, Math.round(height * 1.4)) }, animations: 'disabled' });
  return path;
}
