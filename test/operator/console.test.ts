import { createHash } from 'node:crypto';
import { consolePage, CONSOLE_CSP } from '../../shared/operator/console';
import { CONSOLE_SCRIPT, CONSOLE_STYLE } from '../../shared/operator/console-script';
import { handler } from '../../functions/operator-console';
import { httpEvent } from './fixtures';

const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

describe('operator console page', () => {
  it('serves HTML with a strict CSP allowing only its own script and style by hash', () => {
    const page = consolePage('staging');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain(`script-src ${hash(CONSOLE_SCRIPT)}`);
    expect(CONSOLE_CSP).toContain(`style-src ${hash(CONSOLE_STYLE)}`);
    expect(CONSOLE_CSP).toMatch(/default-src 'none'.*connect-src 'self'.*frame-ancestors 'none'/);
    expect(CONSOLE_CSP).not.toMatch(/unsafe/);
    expect(page.body).toContain(`<script>${CONSOLE_SCRIPT}</script>`);
    expect(page.body.match(/<script/g)).toHaveLength(1);
    expect(page.body).toContain('<input type="password" id="token"');
    expect(page.headers).toMatchObject({ 'x-frame-options': 'DENY', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  });

  it('keeps the token in sessionStorage and the Authorization header, never in a URL or localStorage', () => {
    expect(CONSOLE_SCRIPT).toContain('sessionStorage');
    expect(CONSOLE_SCRIPT).not.toContain('localStorage');
    expect(CONSOLE_SCRIPT).toContain("Authorization: 'Bearer ' + t");
    expect(CONSOLE_SCRIPT).not.toMatch(/innerHTML|document\.write|token=/);
  });

  it('serves the same page shape for any well-formed name, so it reveals no target', () => {
    expect(consolePage('no-such-target').body.replace(/no-such-target/g, 'staging')).toBe(consolePage('staging').body);
  });

  it('refuses a malformed name instead of reflecting it', async () => {
    const res = (await handler(httpEvent({ path: '/instances/%3Cscript%3Ealert(1)%3C%2Fscript%3E/console' }))) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<script');
    expect(consolePage('"><img src=x>').statusCode).toBe(404);
  });

  it('answers the warmer marker before anything else', async () => {
    expect(await handler({ source: 'opsbots.warmer' } as never)).toEqual({ warmup: true, cold: false }); // the module's container already served the test above
  });
});
