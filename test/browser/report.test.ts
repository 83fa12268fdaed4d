import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { cliRun } from '../../cli/run';
import { SAMPLE_DIR, demo } from '../../cli/demo';
import { loadConfig, CONFIG_DIR } from '../../shared/config/load';
import { MemoryLog } from '../../shared/logger';
import { render } from '../../reports/index';
import { consoleLink } from '../../reports/links';
import { report, sg, TWO_AUDITS } from '../reports/fixtures';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'out');

/** Debian's chromium, if installed (CI installs it; see .ci/run). */
function findChromium(): string | null {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null; // `which` exits 1 when absent: the only case this suite is skipped
  }
}

const executablePath = findChromium();
const suite = executablePath ? describe : describe.skip;
if (!executablePath) console.warn('browser tests SKIPPED: no `chromium` on PATH (apt-get install chromium)');

suite(`report in a real browser (${executablePath ?? 'SKIPPED: chromium not installed'})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: executablePath ?? undefined, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 30_000);
  afterAll(async () => browser?.close());

  it('renders the demo\'s out/report.html of the sample account and saves a screenshot under out/', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SESV2;
    try {
      expect(await demo({ out: OUT, print: () => undefined })).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SESV2;
      else process.env.AWS_ENDPOINT_URL_SESV2 = saved;
    }
    // the same run, dry, tells what the page must show
    const config = loadConfig({ stage: 'sample', file: join(CONFIG_DIR, 'sample.yml') });
    const result = await cliRun({ config, auditIds: ['all'], dryRun: true, replayDir: SAMPLE_DIR, log: new MemoryLog() });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(pathToFileURL(join(OUT, 'report.html')).href);
    const sent = result.rendered.subject.replace(' [dry run]', '');
    expect(await page.title()).toBe(sent);
    await expect(page.locator('h1').innerText()).resolves.toBe(sent);
    // every FAIL/WARN finding of the sample is one visible row, linked to its console page where it has one
    // (IAM server certificates have none)
    const shown = result.report.findings.filter((f) => !f.suppressed && (f.status === 'FAIL' || f.status === 'WARN'));
    const rows = page.locator('tr').filter({ has: page.locator('td:first-child').filter({ hasText: /^(FAIL|WARN)$/ }) });
    expect(await rows.count()).toBe(shown.length);
    const linked = shown.filter((f) => consoleLink(f) !== null).length;
    expect(linked).toBeLessThan(shown.length);
    expect(await rows.locator('a[href*="console.aws.amazon.com/"]').count()).toBe(linked);
    expect(await rows.first().isVisible()).toBe(true);
    if (result.report.state === 'incomplete') expect(await page.locator('h2').first().innerText()).toBe('Incomplete: not evaluated');
    await expect(page.locator('h2', { hasText: 'Suppressed' }).isVisible()).resolves.toBe(true);
    // report.png: what a reader sees first (the README shows it); report-full.png: the whole page
    const shot = join(OUT, 'report.png');
    await page.screenshot({ path: shot });
    await page.screenshot({ path: join(OUT, 'report-full.png'), fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1100, 900]); // IHDR width, height
    expect(readFileSync(join(OUT, 'report-full.png')).readUInt32BE(20)).toBeGreaterThan(900);
    await page.close();
  }, 30_000);

  it('shows hostile resource names as text: no script runs, no markup is injected', async () => {
    const evil = `<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> & 'q' "dq"`;
    const html = render(report([sg(evil, { reason: evil })], {}, TWO_AUDITS)).html;
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setContent(html);
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('td a').first().innerText()).toBe(evil);
    expect(dialogs).toEqual([]);
    await page.close();
  }, 30_000);
});
