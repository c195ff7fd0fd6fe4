// Loads the backend in headless Chromium, on a plain page and on a cross-origin-isolated one, and prints what the page reports.
//
// pnpm --filter @tinygpt/backend-wasm browser-check   (needs a `chromium` on PATH, e.g. Debian's package)
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

const bundle = await build({
  entryPoints: [new URL('./browser-entry.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['@tinygpt/source'],
  write: false,
});
const script = bundle.outputFiles[0]!.text;

/** Serves the page (with the COOP/COEP headers of cross-origin isolation when `isolated`) until it posts its result. */
async function runPage(isolated: boolean): Promise<string> {
  let resolveResult: (text: string) => void = () => {};
  const result = new Promise<string>((resolve) => (resolveResult = resolve));
  const server = createServer((req, res) => {
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (req.method === 'POST' && req.url === '/result') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.end('ok');
        resolveResult(body);
      });
    } else if (req.url === '/bundle.js') {
      res.setHeader('Content-Type', 'text/javascript');
      res.end(script);
    } else {
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html><title>backend-wasm</title><script type="module" src="/bundle.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = spawn('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', `http://127.0.0.1:${port}/`], {
    stdio: 'ignore',
  });
  const timeout = setTimeout(() => resolveResult('{"error":"no result within 60 s"}'), 60_000);
  try {
    return await result;
  } finally {
    clearTimeout(timeout);
    browser.kill();
    server.close();
  }
}

for (const isolated of [false, true]) {
  console.log(`${isolated ? 'cross-origin-isolated page' : 'plain page'}: ${await runPage(isolated)}`);
}
