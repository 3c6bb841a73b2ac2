import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Locator, Page, chromium } from 'playwright-core';
import { TestApp } from './support/test-app';

/** Debian's `chromium` package; .ci/run installs it when it is missing. */
const CHROMIUM = '/usr/bin/chromium';

/** The seed operations a newcomer tries first: both must be listed. */
const SEED_OPERATIONS = [
  { method: 'put', path: '/admin/v1/sms/twilio/{id}/token', shown: true },
  { method: 'patch', path: '/resources/v3alpha/users/{id}', shown: true },
];

/** Left behind after each run, to look at what the browser showed. */
const SCREENSHOT = join(tmpdir(), 'idt-swagger-ui-seed-call.png');

/**
 * Swagger UI in a real browser: headless Chromium driven by Playwright opens
 * /docs, authorizes with a development-issuer token (what `npm run token`
 * prints) and executes the SMS seed call from the page.
 */
describe('Swagger UI in Chromium', () => {
  let t: TestApp;
  let userDataDir: string;
  let browser: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium; .ci/run does this)`);
    }
    t = await TestApp.start({}, { topology: 'embedded' });
    userDataDir = mkdtempSync(join(tmpdir(), 'idt-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().includes('/admin/')) pageErrors.push(`${response.status()} ${response.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await t?.close();
  });

  const operation = (method: string, path: string): Locator =>
    page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });

  it('lists the seed operations', async () => {
    await page.goto(`${t.url}/docs`, { waitUntil: 'networkidle' });
    await expectVisible(page.locator('.information-container .title'));
    for (const seed of SEED_OPERATIONS) {
      const name = `${seed.method.toUpperCase()} ${seed.path}`;
      expect({ name, shown: (await scrolledIntoList(operation(seed.method, seed.path))) === 1 }).toEqual({ name, shown: seed.shown });
    }
    expect(pageErrors).toEqual([]);
  });

  /**
   * With a long document Swagger UI draws only the operations near the
   * viewport: scroll down, as a reader would, until the operation is drawn or
   * the page ends; then back to the top. Answers how often it was drawn.
   */
  async function scrolledIntoList(locator: Locator): Promise<number> {
    let count = await locator.count();
    for (let step = 0; count === 0 && step < 200; step++) {
      const atBottom = await page.evaluate<boolean>('window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1');
      if (atBottom) break;
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(50);
      count = await locator.count();
    }
    await page.evaluate('window.scrollTo(0, 0)');
    return count;
  }

  it('authorizes with a token and executes PUT /admin/v1/sms/twilio/{id}/token from the page', async () => {
    const token = await t.issuer.owner();
    const added = await t.request('POST', '/admin/v1/sms/twilio', { token, body: { sid: 'AC123', token: 'first-token' } });
    expect(added.status).toBe(200);
    const id = added.body.id as string;

    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await expectVisible(dialog.getByText('bearer  (http, Bearer)'));
    await dialog.locator('input').first().fill(token);
    await dialog.locator('.auth-btn-wrapper button.authorize').click();
    await dialog.locator('button.btn-done').click();

    const seed = operation('put', '/admin/v1/sms/twilio/{id}/token');
    await seed.locator('.opblock-summary').click();
    await seed.locator('button.try-out__btn').click();
    await seed.locator('tr[data-param-name="id"] input').fill(id);
    await seed.locator('textarea.body-param__text').fill(JSON.stringify({ token: 'rotated-from-swagger-ui' }));
    await seed.locator('button.execute').click();

    const answer = seed.locator('.live-responses-table tbody tr.response').first();
    await expectVisible(answer);
    expect(await answer.locator('.response-col_status').innerText()).toBe('200');
    const body = JSON.parse(await answer.locator('.response-col_description pre.microlight').first().innerText());
    expect(body).toEqual({ details: { sequence: '2', creationDate: expect.any(String), changeDate: expect.any(String), resourceOwner: expect.any(String) } });
    await seed.screenshot({ path: SCREENSHOT });

    // The call really reached the service with the browser's token.
    const read = await t.request('GET', `/admin/v1/sms/${id}`, { token });
    expect(read.body.config.details.sequence).toBe('2');
    const [last] = await t.query('SELECT event_type, editor FROM change_log WHERE aggregate_id = ? ORDER BY sequence DESC LIMIT 1', [id]);
    expect(last).toEqual({ event_type: 'sms_provider.twilio.token.changed', editor: 'admin-user' });
    expect(pageErrors).toEqual([]);
  });
});

async function expectVisible(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 10_000 });
}
