// Tests runMain end to end: a fixture command runs in a child process and its output and exit code are checked.
import { describe, expect, it } from 'vitest';
import { runFixture, startFixture } from '../fixtures/run-fixture.js';
import { errorMessage } from './cli-error.js';

// Each case is a separate Node process (about a second to start with tsx); run them side by side.
describe.concurrent('runMain', { timeout: 30_000 }, () => {
  it('exits 0 after a command that returns', async () => {
    expect(await runFixture(['ok'])).toEqual({ code: 0, signal: null, stdout: 'hello\n', stderr: '' });
  });

  it('exits with the code the command returns', async () => {
    expect((await runFixture(['code', '4'])).code).toBe(4);
  });

  it("prints a CliError as one line and exits with the error's code", async () => {
    expect(await runFixture(['cli-error'])).toMatchObject({
      code: 3,
      stdout: '',
      stderr: 'error: no checkpoint in out/; run pnpm pretrain first\n',
    });
  });

  it('prints any other error as one line, without a stack, and exits 1', async () => {
    expect(await runFixture(['error'])).toMatchObject({ code: 1, stdout: '', stderr: 'error: boom on two lines\n' });
    expect(await runFixture(['string'])).toMatchObject({ code: 1, stdout: '', stderr: 'error: a thrown string\n' });
  });

  it('prints the stack trace after the line when TINYGPT_DEBUG=1', async () => {
    const { code, stderr } = await runFixture(['error'], { TINYGPT_DEBUG: '1' });
    expect(code).toBe(1);
    const [first, second, third] = stderr.split('\n');
    expect(first).toBe('error: boom on two lines');
    expect(second).toBe('Error: boom');
    expect(third).toMatch(/^\s+on two lines$/);
    expect(stderr).toMatch(/\n\s+at .*fixtures\/main\.ts/);
  });

  it('turns a config error into a usage error: one line, exit code 2', async () => {
    expect(await runFixture(['config', '--n-layr=3'])).toMatchObject({
      code: 2,
      stderr: 'error: unknown option --n-layr (did you mean --n-layer?); valid options: --n-layer\n',
    });
    expect((await runFixture(['config', '--n_layer=3'])).stdout).toBe('nLayer 3\n');
  });

  it('exits 0 quietly when the reader of stdout goes away (| head)', async () => {
    const run = startFixture(['flood']);
    await run.waitFor('line 0\n');
    run.child.stdout.destroy(); // close the pipe as `head` does after its lines
    expect(await run.result).toMatchObject({ code: 0, signal: null, stderr: '' });
  });
});

describe('errorMessage', () => {
  it('folds a message onto one line and falls back to the name', () => {
    expect(errorMessage(new Error('bad\n  value\n'))).toBe('bad value');
    expect(errorMessage(new TypeError(''))).toBe('TypeError');
    expect(errorMessage(42)).toBe('42');
  });
});
