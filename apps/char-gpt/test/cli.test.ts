// The three commands as a user runs them (child processes): bad input is one `error:` line and a non-zero exit; good input works.
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appDir } from '../src/paths.js';
import { train } from '../src/train.js';
import { scratchDir, textFile, tinyRun } from './helpers.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `src/cli/<command>.ts` as the package scripts do (node with tsx's loader: one process, so
 * signals reach the command itself), with the user's directory `cwd`; `onStdout` may signal it.
 */
function run(command: 'pretrain' | 'generate' | 'eval', args: string[], cwd: string, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tinygpt/source', `src/cli/${command}.ts`, ...args], {
      cwd: appDir,
      env: { ...process.env, INIT_CWD: cwd, TINYGPT_DEBUG: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectOneLineError(result: Ran, message: RegExp): void {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

let user: string; // the user's directory: data files and checkpoints live here
let checkpoint: string;

beforeAll(async () => {
  user = scratchDir();
  writeFileSync(join(user, 'empty.txt'), '');
  writeFileSync(join(user, 'binary.bin'), Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13));
  const config = tinyRun({ maxIters: 2, evalInterval: 2, outDir: join(user, 'ckpt') });
  await train(config);
  checkpoint = config.outDir;
  cpSync(checkpoint, join(user, 'truncated'), { recursive: true });
  truncateSync(join(user, 'truncated', 'model.safetensors'), 64);
});

describe.concurrent('CLI errors: one line, non-zero exit, no stack trace', () => {
  it.each([
    ['pretrain', ['--bogus'], /unknown option --bogus; valid options: /],
    ['pretrain', ['--n-embd', '130', '--n-head', '4'], /--n-embd expects a multiple of --n-head \(4\), got 130/],
    ['pretrain', ['--learning-rate=-1'], /--learning-rate.* expects a number > 0, got -1/],
    ['pretrain', ['--data', 'missing.txt'], /text file not found: .*missing\.txt/],
    ['pretrain', ['--data', 'empty.txt'], /empty\.txt is empty/],
    ['pretrain', ['--data', 'binary.bin'], /binary\.bin looks binary/],
    ['pretrain', ['--init-from', 'resume', '--out-dir', 'nowhere'], /no checkpoint at .*nowhere/],
    ['pretrain', ['--init-from', 'resume', '--out-dir', 'truncated'], /model\.safetensors is damaged: 64 bytes/],
    ['generate', [], /--checkpoint DIR is required/],
    ['eval', ['--checkpoint', 'ckpt'], /--data PATH is required/],
    ['generate', ['--checkpoint', 'nowhere'], /no checkpoint at .*nowhere/],
    ['generate', ['--checkpoint', 'truncated'], /truncated\/model\.safetensors is damaged/],
    ['generate', ['--checkpoint', 'ckpt', '--prompt', 'the cat é'], /the prompt has a character the model never saw: character 'é' \(U\+00E9\) at position 8/],
    ['generate', ['--checkpoint', 'ckpt', '--temperature=-1'], /--temperature.* expects a number ≥ 0, got -1/],
    ['eval', ['--checkpoint', 'ckpt', '--data', 'missing.txt'], /text file not found/],
  ] as const)('%s %j', async (command, args, message) => {
    expectOneLineError(await run(command, [...args], user), message);
  });
});

describe('CLI runs', () => {
  it('pretrain --json prints one JSON object per line; generate at temperature 0 is deterministic; eval --json', async () => {
    const data = textFile();
    const out = join(user, 'cli-run');
    const pretrain = await run('pretrain', ['--data', data, '--out-dir', 'cli-run', '--n-layer=1', '--n-head=2', '--n-embd=8', '--block-size=8', '--batch-size=2', '--max-iters=4', '--lr-decay-iters=4', '--warmup-iters=1', '--eval-interval=2', '--eval-iters=1', '--json'], user);
    expect(pretrain.stderr).toBe('');
    expect(pretrain.code).toBe(0);
    const lines = pretrain.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
    expect(lines.map((l) => Object.keys(l).join(','))).toEqual([
      'iter,trainLoss,valLoss', 'iter,loss,lr,ms', 'iter,loss,lr,ms', 'iter,trainLoss,valLoss', 'iter,loss,lr,ms', 'iter,loss,lr,ms', 'iter,trainLoss,valLoss',
    ]);
    expect(readFileSync(join(out, 'log.csv'), 'utf8').split('\n')[0]).toBe('iter,loss,lr,ms,trainLoss,valLoss');

    const greedy = ['--checkpoint', 'cli-run', '--prompt', 'the ', '--max-new-tokens', '30', '--temperature', '0'];
    const [a, b] = await Promise.all([run('generate', [...greedy, '--seed', '1'], user), run('generate', [...greedy, '--seed', '2'], user)]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^the /);
    expect(a.stdout.length).toBe('the '.length + 30 + 1);
    expect(b.stdout).toBe(a.stdout);

    const evaluation = await run('eval', ['--checkpoint', 'cli-run', '--data', data, '--json'], user);
    const result = JSON.parse(evaluation.stdout) as { loss: number; bpc: number; tokens: number };
    expect(result.tokens).toBe(readFileSync(data, 'utf8').length - 1);
    expect(result.bpc).toBeCloseTo(result.loss / Math.LN2, 10);
  });

  it('Ctrl-C writes a checkpoint, exits 130, and the run resumes from it', async () => {
    const args = ['--data', textFile(), '--out-dir', 'interrupted', '--n-layer=1', '--n-head=2', '--n-embd=8', '--block-size=8', '--batch-size=2', '--max-iters=100000', '--lr-decay-iters=100000', '--eval-interval=100000', '--eval-iters=1', '--json'];
    let sent = false;
    const stopped = await run('pretrain', args, user, (stdout, child) => {
      if (!sent && stdout.includes('"loss"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(stopped.code).toBe(130);
    const meta = JSON.parse(readFileSync(join(user, 'interrupted', 'checkpoint.json'), 'utf8')) as { iter: number; evaluated: boolean };
    expect(meta.iter).toBeGreaterThan(0);
    const resumed = await run('pretrain', ['--init-from', 'resume', '--out-dir', 'interrupted', `--max-iters=${meta.iter + 2}`, '--json'], user);
    expect(resumed.code).toBe(0);
    const steps = resumed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { iter: number; loss?: number }).filter((l) => l.loss !== undefined);
    expect(steps.map((s) => s.iter)).toEqual([meta.iter, meta.iter + 1]);
  });
});
