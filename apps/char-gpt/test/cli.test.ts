// The commands as a user runs them (child processes): bad input is one `error:` line and a non-zero exit; good input works.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../src/train.js';
import { expectOneLineError, run } from './cli-run.js';
import { scratchDir, textFile, tinyRun } from './helpers.js';

let user: string; // the user's directory: data files and checkpoints live here
let checkpoint: string;

beforeAll(async () => {
  user = scratchDir();
  writeFileSync(join(user, 'empty.txt'), '');
  execFileSync('mkfifo', [join(user, 'fifo')]); // a FIFO no one writes to: reading it would block forever
  writeFileSync(join(user, 'binary.bin'), Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13));
  writeFileSync(join(user, 'latin1.txt'), Buffer.from('the cat \xe9', 'latin1')); // saved as Latin-1, not UTF-8
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
    ['pretrain', ['--data', 'missing.txt', '--profile'], /text file not found/], // no profile of a run that never ran
    ['pretrain', ['--data', 'mobydick'], /no corpus is named mobydick \(did you mean moby-dick\?\); the corpora/],
    ['pretrain', ['--config', 'quik'], /--config quik: no file .*, and no preset of that name \(did you mean quick/],
    ['pretrain', ['--data', 'empty.txt'], /empty\.txt is empty/],
    ['pretrain', ['--data', 'binary.bin'], /binary\.bin looks binary/],
    ['pretrain', ['--init-from', 'resume', '--out-dir', 'nowhere'], /no checkpoint at .*nowhere/],
    ['pretrain', ['--init-from', 'resume', '--out-dir', 'truncated'], /model\.safetensors is damaged: 64 bytes/],
    ['generate', [], /--checkpoint DIR is required/],
    ['eval', ['--checkpoint', 'ckpt'], /--data PATH is required/],
    ['generate', ['--checkpoint', 'nowhere'], /no checkpoint at .*nowhere/],
    [
      'pretrain',
      ['--init-from', 'gpt2', '--out-dir', 'gpt2-ft'],
      /got 'gpt2', which is not a directory; .*huggingface-cli download openai-community\/gpt2 /,
    ],
    ['generate', ['--checkpoint', 'truncated'], /truncated\/model\.safetensors is damaged/],
    [
      'generate',
      ['--checkpoint', 'ckpt', '--prompt', 'the cat é'],
      /the prompt has a character the model never saw: character 'é' \(U\+00E9\) at position 8/,
    ],
    ['generate', ['--checkpoint', 'ckpt', '--temperature=-1'], /--temperature.* expects a number ≥ 0, got -1/],
    ['eval', ['--checkpoint', 'ckpt', '--data', 'missing.txt'], /text file not found/],
    ['eval', ['--checkpoint', 'ckpt', '--data', 'tinyshakespear'], /\(did you mean tinyshakespeare\?\)/],
    ['pretrain', ['--backend', 'gpu'], /--backend must be one of wasm, js; got 'gpu'/],
    ['pretrain', ['--dtype=int8'], /--dtype must be one of float32, bfloat16, float16; got 'int8'/],
    [
      'generate',
      ['--checkpoint', 'ckpt', '--init_from=gpt2'],
      /--init_from expects resume: a published GPT-2 is sampled from its downloaded directory with --checkpoint DIR/,
    ],
    ['generate', ['--checkpoint', 'ckpt', '--backend=gpu'], /--backend must be one of wasm, js; got 'gpu'/],
    [
      'eval',
      ['--checkpoint', 'ckpt', '--data', 'x.txt', '--backend', 'gpu'],
      /--backend must be one of wasm, js; got 'gpu'/,
    ],
    ['pretrain', ['--threads', '-1'], /--threads expects a whole number from 0 to 255 \(0: one per core\), got -1/],
    // Devices and FIFOs are refused from their type: /dev/zero would fill memory, a FIFO would block forever.
    [
      'generate',
      ['--checkpoint', 'ckpt', '--prompt-file', '/dev/zero'],
      /prompt file \/dev\/zero is not a regular file/,
    ],
    ['generate', ['--checkpoint', 'ckpt', '--prompt-file', 'fifo'], /prompt file .*fifo is not a regular file/],
    ['generate', ['--checkpoint', 'ckpt', '--prompt-file', 'empty.txt'], /prompt file empty\.txt is empty/],
    [
      'generate',
      ['--checkpoint', 'ckpt', '--prompt-file', '-'],
      /the prompt on standard input is empty: pipe the text/,
    ],
    [
      'generate',
      ['--checkpoint', 'ckpt', '--prompt-file', 'latin1.txt'],
      /prompt file latin1\.txt is not valid UTF-8 text \(byte 0xe9 at offset 8\); save it as UTF-8/,
    ],
    ['generate', ['--checkpoint', 'ckpt', '--config', '/dev/zero'], /config file \/dev\/zero is not a regular file/],
    ['pretrain', ['--config', 'fifo'], /config file .*fifo is not a regular file/],
  ] as const)('%s %j', async (command, args, message) => {
    expectOneLineError(await run(command, [...args], user), message);
  });

  it('generate --prompt-file - names standard input when the piped prompt is not UTF-8', async () => {
    const latin1 = Buffer.from('the cat \xe9', 'latin1');
    const result = await run('generate', ['--checkpoint', 'ckpt', '--prompt-file', '-'], user, undefined, {}, latin1);
    expectOneLineError(result, /the prompt on standard input is not valid UTF-8 text \(byte 0xe9 at offset 8\)/);
  });

  // Usage errors exit 2, before any work: these once exited 1 late, or were accepted.
  it.each([
    ['pretrain', ['--threads', '100000'], /--threads expects a whole number from 0 to 255/],
    ['pretrain', ['--max-iters', '1e20'], /--max-iters expects an integer ≥ 0 no larger than 9007199254740991/],
    [
      'pretrain',
      ['--sample-chars', '1e12'],
      /--sample-chars expects an integer from 0 to 100000000, got 1000000000000/,
    ],
    ['generate', ['--checkpoint', 'ckpt', '--prompt='], /--prompt is empty: give the text to continue/],
    ['generate', ['--checkpoint', 'ckpt', '--prompt-file='], /--prompt-file is empty: give the file/],
    ['generate', ['--checkpoint', 'ckpt', '--threads=100000'], /--threads expects a whole number from 0 to 255/],
    [
      'generate',
      ['--checkpoint', 'ckpt', '--max-new-tokens', '1e12'],
      /--max-new-tokens expects an integer from 0 to 100000000 \(each sample is held in memory\), got 1000000000000/,
    ],
  ] as const)('%s %j is a usage error', async (command, args, message) => {
    const result = await run(command, [...args], user);
    expectOneLineError(result, message);
    expect(result.code).toBe(2);
  });

  it.each(['pretrain', 'generate', 'eval'] as const)('%s with TINYGPT_BACKEND=gpu', async (command) => {
    const args = {
      pretrain: [],
      generate: ['--checkpoint', 'ckpt'],
      eval: ['--checkpoint', 'ckpt', '--data', 'x.txt'],
    }[command];
    expectOneLineError(
      await run(command, args, user, undefined, { TINYGPT_BACKEND: 'gpu' }),
      /\$TINYGPT_BACKEND must be one of wasm, js; got 'gpu'/,
    );
  });
});

describe('CLI runs', () => {
  it('an --out-dir a run must not write into is a usage error (exit 2), whatever holds it', async () => {
    for (const [outDir, message] of [
      ['.', /--out-dir \S+ holds files that are not part of a char-gpt run \(/], // the user's data files
      ['ckpt', /--out-dir \S*ckpt already holds a run \(checkpoint at iteration 2\)/],
    ] as const) {
      const tiny = ['--n-layer=1', '--n-head=2', '--n-embd=8', '--block-size=8', '--batch-size=2', '--max-iters=1'];
      const result = await run('pretrain', ['--data', textFile(), '--out-dir', outDir, ...tiny], user);
      expectOneLineError(result, message);
      expect(result.code).toBe(2);
    }
  });

  it('an export --out that cannot take it is a usage error (exit 2), refused before anything is written', async () => {
    for (const [args, message] of [
      [['--out', '.'], /--out \. holds files that are not part of an exchange directory \(/],
      [['--out', '.', '--run'], /--out \. holds files that are not part of a run handover \(/],
      [['--out', 'empty.txt'], /--out empty\.txt exists and is not a directory/],
    ] as const) {
      const before = readdirSync(user).sort();
      const result = await run('export', ['--checkpoint', 'ckpt', ...args], user);
      expectOneLineError(result, message);
      expect(result.code).toBe(2);
      expect(readdirSync(user).sort()).toEqual(before);
    }
  });

  it('pretrain --profile ends with the time per kernel kind', async () => {
    const tiny = ['--n-layer=1', '--n-head=2', '--n-embd=8', '--block-size=8', '--batch-size=2', '--eval-iters=1'];
    const args = ['--data', textFile(), '--out-dir', 'profiled', ...tiny, '--max-iters=2', '--eval-interval=2'];
    const { code, stdout, stderr } = await run('pretrain', [...args, '--profile', '--sample-chars=0'], user);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const table = stdout.slice(stdout.indexOf('profile (time per kernel kind over the whole run):'));
    expect(table.split('\n')[1]).toMatch(/^kernel +calls +ms +µs\/call +share$/);
    for (const kernel of ['sgemm', 'causalSoftmax', 'adamwMany', 'all kernels', 'outside kernels']) {
      expect(table).toMatch(new RegExp(`\n${kernel} +`));
    }
  });

  it('pretrain --json prints one JSON object per line; generate at temperature 0 is deterministic; eval --json', async () => {
    const data = textFile();
    const out = join(user, 'cli-run');
    const pretrain = await run(
      'pretrain',
      [
        '--data',
        data,
        '--out-dir',
        'cli-run',
        '--n-layer=1',
        '--n-head=2',
        '--n-embd=8',
        '--block-size=8',
        '--batch-size=2',
        '--max-iters=4',
        '--lr-decay-iters=4',
        '--warmup-iters=1',
        '--eval-interval=2',
        '--eval-iters=1',
        '--json',
      ],
      user,
    );
    expect(pretrain.stderr).toBe('');
    expect(pretrain.code).toBe(0);
    const lines = pretrain.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(lines.map((l) => Object.keys(l).join(','))).toEqual([
      'iter,trainLoss,valLoss',
      'iter,loss,lr,ms',
      'iter,loss,lr,ms',
      'iter,trainLoss,valLoss',
      'iter,loss,lr,ms',
      'iter,loss,lr,ms',
      'iter,trainLoss,valLoss',
    ]);
    expect(readFileSync(join(out, 'log.csv'), 'utf8').split('\n')[0]).toBe('iter,loss,lr,ms,trainLoss,valLoss');

    const greedy = ['--checkpoint', 'cli-run', '--prompt', 'the ', '--max-new-tokens', '30', '--temperature', '0'];
    const [a, b] = await Promise.all([
      run('generate', [...greedy, '--seed', '1'], user),
      // nanoGPT's sample.py flags that change nothing here: a different seed is greedy's only difference.
      run('generate', [...greedy, '--seed', '2', '--init_from=resume', '--dtype=float16', '--compile=False'], user),
    ]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^the /);
    expect(a.stdout.length).toBe('the '.length + 30 + 1);
    expect(b.stdout).toBe(a.stdout);
    writeFileSync(join(user, 'bom.txt'), '\ufeffthe '); // UTF-8 with a byte-order mark, as Windows editors save it
    const fromFile = await run(
      'generate',
      [...greedy.slice(0, 2), '--prompt-file', 'bom.txt', ...greedy.slice(4)],
      user,
    );
    expect(fromFile.stdout).toBe(a.stdout);
    const piped = await run(
      'generate',
      [...greedy.slice(0, 2), '--prompt-file', '-', ...greedy.slice(4)],
      user,
      undefined,
      {},
      'the ',
    );
    expect(piped.stdout).toBe(a.stdout);

    const evaluation = await run('eval', ['--checkpoint', 'cli-run', '--data', data, '--json'], user);
    const result = JSON.parse(evaluation.stdout) as { loss: number; bpc: number; tokens: number };
    expect(result.tokens).toBe(readFileSync(data, 'utf8').length - 1);
    expect(result.bpc).toBeCloseTo(result.loss / Math.LN2, 10);
    // Progress goes to stderr (plain lines in a pipe), so stdout stays one JSON object.
    const windows = Math.ceil((readFileSync(data, 'utf8').length - 1) / 8);
    expect(evaluation.stderr).toMatch(new RegExp(`^eval done: ${windows}/${windows} in `, 'm'));
  });

  it('--backend js and --backend wasm train, sample and score alike, and each command says which runs', async () => {
    const data = textFile();
    const common = [
      '--data',
      data,
      '--n-layer=1',
      '--n-head=2',
      '--n-embd=8',
      '--block-size=8',
      '--batch-size=2',
      '--max-iters=3',
      '--lr-decay-iters=3',
      '--warmup-iters=1',
      '--eval-interval=3',
      '--eval-iters=1',
      '--log-interval=1',
      '--sample-chars=0',
    ];
    const [js, wasm] = await Promise.all([
      run('pretrain', [...common, '--out-dir', 'backend-js', '--backend', 'js'], user),
      run('pretrain', [...common, '--out-dir', 'backend-wasm', '--backend=wasm', '--threads=1'], user),
    ]);
    expect([js.code, wasm.code]).toEqual([0, 0]);
    expect(js.stdout.split('\n')[0]).toBe('backend: js (1 thread)');
    expect(wasm.stdout.split('\n')[0]).toMatch(/^backend: wasm \(1 thread(, relaxed-simd)?\)$/);
    const losses = (stdout: string): number[] =>
      [...stdout.matchAll(/^iter \d+: loss ([\d.]+)/gm)].map((m) => Number(m[1]));
    expect(losses(js.stdout)).toHaveLength(3);
    losses(wasm.stdout).forEach((loss, i) => expect(loss).toBeCloseTo(losses(js.stdout)[i]!, 3));

    // The backend is a run knob: a resumed run keeps the checkpoint's unless told otherwise. (Its
    // --lr-decay-iters 4 is checked against the checkpoint's --warmup-iters 1, not the default 100.)
    const resumed = await run(
      'pretrain',
      ['--init-from', 'resume', '--out-dir', 'backend-js', '--max-iters=4', '--lr-decay-iters=4'],
      user,
    );
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.split('\n')[0]).toBe('backend: js (1 thread)');
    // A resume already at --max-iters says there is nothing to train and leaves the checkpoint as it was.
    const saved = readFileSync(join(user, 'backend-js', 'checkpoint.json'));
    const behind = await run('pretrain', ['--init-from', 'resume', '--out-dir', 'backend-js', '--max-iters=2'], user);
    expect(behind.code).toBe(0);
    expect(behind.stdout).toMatch(/the checkpoint is at iteration 4, --max-iters is 2: nothing to train/);
    expect(readFileSync(join(user, 'backend-js', 'checkpoint.json'))).toEqual(saved);

    // generate says it on stderr, so stdout is the text alone; the default is wasm.
    const greedy = ['--checkpoint', 'backend-js', '--prompt', 'the ', '--max-new-tokens', '20', '--temperature', '0'];
    const [onJs, onWasm] = await Promise.all([
      run('generate', [...greedy, '--backend', 'js'], user),
      run('generate', greedy, user),
    ]);
    expect(onJs.stderr).toBe('backend: js (1 thread)\n');
    expect(onWasm.stderr).toMatch(/^backend: wasm \(\d threads?(, relaxed-simd)?\)\n$/);
    expect(onWasm.stdout).toBe(onJs.stdout);

    const score = ['--checkpoint', 'backend-js', '--data', data];
    const [text, json] = await Promise.all([
      run('eval', score, user, undefined, { TINYGPT_BACKEND: 'js' }),
      run('eval', [...score, '--json'], user),
    ]);
    // As for generate, the backend goes to stderr: stdout holds only the result.
    expect(text.stderr).toMatch(/^backend: js \(1 thread\)\n/);
    const loss = Number(/^[^\n]*: loss ([\d.]+) nats\/char[^\n]*\n$/.exec(text.stdout)![1]);
    expect((JSON.parse(json.stdout) as { loss: number }).loss).toBeCloseTo(loss, 4);
  });

  /** A tiny run into `outDir` that would go on for hours. */
  const endless = (outDir: string): string[] => [
    '--data',
    textFile(),
    '--out-dir',
    outDir,
    '--n-layer=1',
    '--n-head=2',
    '--n-embd=8',
    '--block-size=8',
    '--batch-size=2',
    '--max-iters=100000',
    '--lr-decay-iters=100000',
    '--eval-interval=100000',
    '--eval-iters=1',
  ];

  it('Ctrl-C writes a checkpoint, exits 130, and the run resumes from it', async () => {
    let sent = false;
    const stopped = await run('pretrain', [...endless('interrupted'), '--json'], user, (stdout, child) => {
      if (!sent && stdout.includes('"loss"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(stopped.code).toBe(130);
    const meta = JSON.parse(readFileSync(join(user, 'interrupted', 'checkpoint.json'), 'utf8')) as {
      iter: number;
      evaluated: boolean;
    };
    expect(meta.iter).toBeGreaterThan(0);
    // stdout stays JSON lines; the person who pressed Ctrl-C reads on stderr where the run stopped.
    for (const line of stopped.stdout.trim().split('\n')) JSON.parse(line);
    expect(stopped.stderr).toContain(
      `stopped: checkpoint of iteration ${meta.iter} saved to interrupted; continue with --init-from resume\n`,
    );
    const resumed = await run(
      'pretrain',
      ['--init-from', 'resume', '--out-dir', 'interrupted', `--max-iters=${meta.iter + 2}`, '--json'],
      user,
    );
    expect(resumed.code).toBe(0);
    const steps = resumed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { iter: number; loss?: number })
      .filter((l) => l.loss !== undefined);
    expect(steps.map((s) => s.iter)).toEqual([meta.iter, meta.iter + 1]);
  });

  it('a reader that goes away (| head) stops the run as Ctrl-C does: checkpoint written, exit 141', async () => {
    const stopped = await run('pretrain', [...endless('headed'), '--log-interval=1'], user, (stdout, child) => {
      if (stdout.includes('iter 1:')) child.stdout!.destroy();
    });
    expect(stopped.code).toBe(141);
    const { iter } = JSON.parse(readFileSync(join(user, 'headed', 'checkpoint.json'), 'utf8')) as { iter: number };
    expect(iter).toBeGreaterThan(1);
    expect(stopped.stderr).toContain(
      `stopped: checkpoint of iteration ${iter} saved to headed; continue with --init-from resume\n`,
    );
  });
});
