import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import { BASE_HEADERS, TARGET_NAME, type HttpResponse } from './http';
import { CONSOLE_SCRIPT, CONSOLE_STYLE } from './console-script';

const cspHash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * Only this page's own script and style run (by hash), it talks only to its own origin, and it cannot be
 * framed, post forms, or load anything else.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  `script-src ${cspHash(CONSOLE_SCRIPT)}`,
  `style-src ${cspHash(CONSOLE_STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS = {
  ...BASE_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/**
 * The console page for `target`. It is served for any well-formed name, configured or not, so the page
 * itself tells nobody which targets exist; the token decides everything after. Every value is escaped.
 */
export function consolePage(target: string): HttpResponse {
  if (!TARGET_NAME.test(target)) {
    return { statusCode: 404, headers: { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
  }
  const t = escapeHtml(target);
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${t} · opsbots</title>
<style>${CONSOLE_STYLE}</style>
</head>
<body>
<main id="app" data-target="${t}">
<h1>Instance <code>${t}</code></h1>
<p>State: <span id="state">unknown</span> <small id="since"></small></p>
<p>
<button type="button" id="start">Start</button>
<button type="button" id="stop">Stop</button>
<button type="button" id="refresh">Refresh</button>
</p>
<p id="message" role="status" aria-live="polite"></p>
<form id="token-form" autocomplete="off">
<label for="token">Token</label>
<input type="password" id="token" name="token" autocomplete="off" spellcheck="false">
<button type="submit">Use token</button>
<button type="button" id="forget">Forget token</button>
</form>
<p><small>The token stays in this browser tab only and is sent in a request header, never in the address.</small></p>
</main>
<script>${CONSOLE_SCRIPT}</script>
</body>
</html>
`;
  return { statusCode: 200, headers: { ...CONSOLE_HEADERS }, body };
}
