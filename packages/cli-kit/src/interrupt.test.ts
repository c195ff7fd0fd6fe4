// Tests onInterrupt in a child process: the first signal runs the handler then exits 130/143, a second exits at once;
// under a package manager, the manager's end counts as a SIGTERM; a closed stdout stops the work as SIGPIPE (141).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startFixture } from '../fixtures/run-fixture.js';

/** Whether process `pid` still runs. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.concurrent('onInterrupt', { timeout: 30_000 }, () => {
  it('runs the async handler to the end on Ctrl-C, then exits 130', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'tinygpt-interrupt-')), 'ckpt.txt');
    const run = startFixture(['interrupt', saved]);
    await run.waitFor('ready');
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(result).toMatchObject({
      code: 130,
      signal: null,
      stderr: '\nSIGINT: finishing up (press Ctrl-C again to exit now)\n',
    });
    expect(readFileSync(saved, 'utf8')).toBe('saved on SIGINT');
  });

  it('runs it when the reader of stdout goes away (| head), then exits 141', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'tinygpt-interrupt-')), 'ckpt.txt');
    const run = startFixture(['interrupt-flood', saved]);
    await run.waitFor('line 0\n');
    run.child.stdout.destroy();
    expect(await run.result).toMatchObject({
      code: 141,
      signal: null,
      stderr: '\nstandard output was closed by its reader: finishing up (press Ctrl-C again to exit now)\n',
    });
    expect(readFileSync(saved, 'utf8')).toBe('saved on SIGPIPE');
  });

  it('runs it too when that reader held stderr as well (2>&1 | head)', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'tinygpt-interrupt-')), 'ckpt.txt');
    const run = startFixture(['interrupt-flood', saved]);
    await run.waitFor('line 0\n');
    run.child.stderr.destroy();
    run.child.stdout.destroy();
    expect(await run.result).toMatchObject({ code: 141, signal: null });
    expect(readFileSync(saved, 'utf8')).toBe('saved on SIGPIPE');
  });

  it('does the same on SIGTERM, exiting 143', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'tinygpt-interrupt-')), 'ckpt.txt');
    const run = startFixture(['interrupt', saved]);
    await run.waitFor('ready');
    run.child.kill('SIGTERM');
    expect((await run.result).code).toBe(143);
    expect(readFileSync(saved, 'utf8')).toBe('saved on SIGTERM');
  });

  it('exits at once on a second Ctrl-C while the handler is still running', async () => {
    const run = startFixture(['interrupt-hang']);
    await run.waitFor('ready');
    run.child.kill('SIGINT');
    await run.waitFor('finishing up', 'stderr');
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(result.code).toBe(130);
    expect(result.stderr).toBe(
      '\nSIGINT: finishing up (press Ctrl-C again to exit now)\n\nSIGINT again: exiting now\n',
    );
  });

  it('exits 1 with one error line when the handler fails', async () => {
    const run = startFixture(['interrupt-fail']);
    await run.waitFor('ready');
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(result.code).toBe(1);
    expect(result.stderr.endsWith('error: disk full\n')).toBe(true);
  });

  it('under a package manager, stops as on SIGTERM when the manager is killed without passing the signal on', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'tinygpt-interrupt-')), 'ckpt.txt');
    const launcher = startFixture(['launcher', saved]);
    await launcher.waitFor('ready');
    const pid = Number(readFileSync(`${saved}.pid`, 'utf8'));
    launcher.child.kill('SIGKILL'); // pnpm ends on a SIGTERM without telling its script
    expect((await launcher.result).signal).toBe('SIGKILL');
    while (isRunning(pid)) await sleep(50);
    expect(readFileSync(saved, 'utf8')).toBe('saved on SIGTERM');
  });

  it('gives Ctrl-C back its usual meaning once the handler is removed', async () => {
    const run = startFixture(['interrupt-removed']);
    await run.waitFor('ready');
    run.child.kill('SIGINT');
    expect(await run.result).toMatchObject({ code: null, signal: 'SIGINT', stderr: '' });
  });
});
