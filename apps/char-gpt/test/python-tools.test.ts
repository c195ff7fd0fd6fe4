// The Python tools refuse a wrong argument or a corrupt input with one `error:` line and an exit code, and never write
// into a directory that holds anything (needs torch); without torch each says so in one line (needs any Python).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPython, scratchDir, trainedCheckpoint } from './helpers.js';

const TOOLS = new URL('../tools/', import.meta.url).pathname;
const EXPECTED = new URL('fixtures/tiny-gpt2/expected.json', import.meta.url).pathname;
// A Python with torch (see findPython); without one the tests skip, saying so.
const PYTHON = findPython('torch');
const noTorch = PYTHON ? null : 'no python3 here imports torch (set PYTHON)';
if (noTorch) console.warn(`python-tools.test.ts skipped: ${noTorch}`);

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs tools/SCRIPT with `args`. */
function tool(script: string, args: string[], cwd?: string): Outcome {
  const out = spawnSync(PYTHON!, [join(TOOLS, script), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** Requires a refusal: exit code `status`, nothing on stdout, one `error:` line holding `message`, no traceback. */
function expectRefusal(out: Outcome, status: number, message: string): void {
  expect(out.stderr).not.toContain('Traceback');
  expect(out.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: /)]);
  expect(out.stderr).toContain(message);
  expect(out.stdout).toBe('');
  expect(out.status).toBe(status);
}

/** Every file in `dir` with its bytes. */
function snapshot(dir: string): Record<string, Buffer> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
}

describe.skipIf(noTorch !== null)('the Python tools', () => {
  const pretrained = trainedCheckpoint();
  let run: string; // a tiny nanoGPT run: ckpt.pt + meta.pkl
  let exchange: string; // export_from_nanogpt.py's exchange directory of it

  beforeAll(() => {
    run = join(scratchDir(), 'nanogpt-run');
    const made = tool('nanogpt/make_nanogpt_fixture.py', ['--run', run]);
    if (made.status !== 0) throw new Error(`make_nanogpt_fixture.py failed:\n${made.stderr}`);
    exchange = join(scratchDir(), 'exchange');
    const exported = exportRun(exchange);
    if (exported.status !== 0) throw new Error(`export_from_nanogpt.py failed:\n${exported.stderr}`);
  });

  const exportRun = (out: string): Outcome =>
    tool('nanogpt/export_from_nanogpt.py', [
      '--ckpt',
      join(run, 'ckpt.pt'),
      '--meta',
      join(run, 'meta.pkl'),
      '--out',
      out,
    ]);

  it('export_from_nanogpt.py writes a new directory, with no temporary file left', () => {
    expect(readdirSync(exchange).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  it('export_from_nanogpt.py leaves a pnpm pretrain checkpoint given as --out byte for byte as it was', () => {
    const ckpt = pretrained.copy();
    const before = snapshot(ckpt);
    expectRefusal(exportRun(ckpt), 2, `${ckpt} is not empty; choose a new directory`);
    expect(snapshot(ckpt)).toEqual(before);
  });

  it('export_from_nanogpt.py refuses any non-empty --out, and a file', () => {
    const dir = join(scratchDir(), 'notes');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    expectRefusal(exportRun(dir), 2, 'is not empty');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expectRefusal(exportRun(join(dir, 'notes.txt')), 2, 'is not empty');
  });

  it('make_nanogpt_fixture.py --run refuses a directory that holds a run', () => {
    const before = statSync(join(run, 'ckpt.pt')).mtimeMs;
    expectRefusal(tool('nanogpt/make_nanogpt_fixture.py', ['--run', run]), 2, 'is not empty');
    expect(statSync(join(run, 'ckpt.pt')).mtimeMs).toBe(before);
  });

  it('make_handover_fixture.py --out refuses a directory that holds anything, before any work, and leaves it as it was', () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expectRefusal(tool('nanogpt/make_handover_fixture.py', ['--out', dir]), 2, 'is not empty');
    expect(snapshot(dir)).toEqual({ 'notes.txt': Buffer.from('mine') });
  });

  it('load_in_pytorch.py on a pnpm pretrain checkpoint says to export it first', () => {
    const dir = pretrained.dir();
    const out = tool('nanogpt/load_in_pytorch.py', [dir]);
    expectRefusal(out, 2, `run pnpm export --checkpoint ${dir} --out NEWDIR first`);
  });

  it('load_in_pytorch.py and to_nanogpt_run.py refuse a missing directory', () => {
    const missing = join(scratchDir(), 'missing');
    expectRefusal(tool('nanogpt/load_in_pytorch.py', [missing]), 2, `${missing}: no such file or directory`);
    expectRefusal(tool('nanogpt/to_nanogpt_run.py', [missing]), 2, `${missing}: no such file or directory`);
  });

  it("to_nanogpt_run.py on a pnpm pretrain checkpoint names pnpm export's --run", () => {
    const dir = pretrained.dir();
    expectRefusal(tool('nanogpt/to_nanogpt_run.py', [dir]), 2, `pnpm export --checkpoint ${dir} --out NEWDIR --run`);
  });

  it('load_in_pytorch.py refuses an MNIST checkpoint directory', () => {
    const dir = join(scratchDir(), 'mnist');
    mkdirSync(dir);
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify({ format: 'tinygpt-mnist-mlp/1' }));
    expectRefusal(tool('nanogpt/load_in_pytorch.py', [dir]), 2, "format 'tinygpt-mnist-mlp/1'");
  });

  it('load_in_pytorch.py reports a truncated model.safetensors', () => {
    const dir = join(scratchDir(), 'truncated');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), readFileSync(join(exchange, 'config.json')));
    writeFileSync(join(dir, 'model.safetensors'), readFileSync(join(exchange, 'model.safetensors')).subarray(0, 100));
    expectRefusal(tool('nanogpt/load_in_pytorch.py', [dir]), 1, 'runs past the end of the 100-byte file');
  });

  it('load_in_pytorch.py reports weights that do not fit the model config.json describes', () => {
    const dir = join(scratchDir(), 'misfit');
    mkdirSync(dir);
    const config = JSON.parse(readFileSync(join(exchange, 'config.json'), 'utf8')) as { n_layer: number };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, n_layer: config.n_layer + 1 }));
    writeFileSync(join(dir, 'model.safetensors'), readFileSync(join(exchange, 'model.safetensors')));
    expectRefusal(tool('nanogpt/load_in_pytorch.py', [dir]), 1, 'the weights do not fit the model its config.json');
  });

  it('a --ckpt that is not a torch pickle, a --nanogpt without model.py, a missing --compare', () => {
    const junk = join(scratchDir(), 'junk.pt');
    writeFileSync(junk, 'not a pickle\n');
    const fresh = join(scratchDir(), 'fresh');
    expectRefusal(
      tool('nanogpt/export_from_nanogpt.py', ['--ckpt', junk, '--out', fresh]),
      1,
      'not a PyTorch checkpoint',
    );
    expectRefusal(tool('nanogpt/load_in_pytorch.py', [exchange, '--nanogpt', run]), 2, 'has no model.py');
    const compare = join(run, 'logits.json');
    expectRefusal(tool('nanogpt/load_in_pytorch.py', [exchange, '--compare', compare]), 2, compare);
  });

  it('make_tiny_gpt2.py --out writes that directory only and says so', () => {
    const fixture = readFileSync(EXPECTED);
    const before = statSync(EXPECTED).mtimeMs;
    const out = join(scratchDir(), 'tiny-gpt2');
    const made = tool('gpt2/make_tiny_gpt2.py', ['--out', out]);
    expect(made.stderr).toBe('');
    expect(made.stdout).toContain(`wrote ${out}: config.json and model.safetensors`);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors']);
    expect(statSync(EXPECTED).mtimeMs).toBe(before);
    expect(readFileSync(EXPECTED).equals(fixture)).toBe(true);
    expectRefusal(tool('gpt2/make_tiny_gpt2.py', []), 2, 'nothing to write');
  });
});

// Any Python, torch or not.
const ANY_PYTHON = findPython();
if (!ANY_PYTHON) console.warn('python-tools.test.ts: the tests without torch skipped: no python3 here (set PYTHON)');

describe.skipIf(!ANY_PYTHON)('the Python tools on a Python without torch', () => {
  it('each says in one line that it needs PyTorch and which Python lacks it, exit 1, no traceback', () => {
    // A module named torch that cannot be imported, ahead of any installed torch on the path.
    const fake = scratchDir();
    writeFileSync(join(fake, 'torch.py'), 'raise ImportError("No module named \'torch\'")\n');
    const scripts = readdirSync(join(TOOLS, 'nanogpt'))
      .filter((name) => name.endsWith('.py') && !['model.py', 'safetensors_io.py', 'tool_errors.py'].includes(name))
      .map((name) => `nanogpt/${name}`);
    for (const script of [...scripts, 'gpt2/make_tiny_gpt2.py', 'parity/make_fixture.py']) {
      const out = spawnSync(ANY_PYTHON!, [join(TOOLS, script), '--help'], {
        encoding: 'utf8',
        cwd: tmpdir(),
        env: { ...process.env, PYTHONPATH: fake },
      });
      const name = script.split('/').pop()!;
      expectRefusal({ status: out.status, stdout: out.stdout, stderr: out.stderr }, 1, `${name} needs PyTorch, which `);
      expect(out.stderr).toContain("cannot import (No module named 'torch'); install it");
    }
  });
});
