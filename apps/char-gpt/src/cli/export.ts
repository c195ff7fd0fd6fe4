// `pnpm export --checkpoint DIR --out EXDIR [--run]`: writes a checkpoint's model (or, with --run, the whole run) for PyTorch and nanoGPT.
import { join, relative } from 'node:path';
import { CliError, formatHelp, resolveConfig, runMain, shownPath } from '@tinygpt/cli-kit';
import { exchangeDirRefusal } from '../interop/exchange-dir.js';
import { exportNanoGpt } from '../interop/export-nanogpt.js';
import { exportRun } from '../interop/export-run.js';
import { handoverDirRefusal } from '../interop/handover-dir.js';
import { appDir, requiredCheckpoint, userCwd, userPath } from '../paths.js';

const defaults = { checkpoint: '', out: '', run: false, dataset: '' };

const spec = {
  help: {
    checkpoint: 'checkpoint directory written by pnpm pretrain (its --out-dir)',
    out: 'exchange directory to write: model.safetensors and config.json (replaced if it holds only those)',
    run: 'hand the whole run over to nanoGPT: also the AdamW state, counters, schedule and the data split (see docs/cpu-to-gpu.md)',
    dataset:
      "with --run: nanoGPT's data/ directory name (default: the corpus name; shakespeare_char for tinyshakespeare)",
  },
  usage: 'pnpm export --checkpoint DIR --out EXDIR [--run [--dataset NAME]]',
  description:
    "Writes the model as nanoGPT's state dict in safetensors (float32, nanoGPT names) beside config.json " +
    '(nanoGPT\'s model args and the vocabulary as "chars"); load it in PyTorch with tools/nanogpt/load_in_pytorch.py. ' +
    "With --run, also what nanoGPT's train.py needs to resume the run (docs/cpu-to-gpu.md).",
  cwd: userCwd(),
};

await runMain(async (argv) => {
  const { config, help } = resolveConfig(defaults, argv, spec);
  if (help) return void process.stdout.write(`${formatHelp(defaults, spec)}\n`);
  const checkpoint = requiredCheckpoint(config.checkpoint);
  if (!config.out)
    throw new CliError('--out EXDIR is required: the directory to write model.safetensors and config.json into', {
      exitCode: 2,
    });
  const out = userPath(config.out);
  if (config.dataset && !/^[\w.-]+$/.test(config.dataset))
    throw new CliError(`--dataset must be a directory name (letters, digits, _ . -), got "${config.dataset}"`, {
      exitCode: 2,
    });
  // A --out that cannot take the export is a usage error, refused before the checkpoint is read.
  const refusal = (config.run ? handoverDirRefusal : exchangeDirRefusal)(out, shownPath(out));
  if (refusal) throw new CliError(`--out ${refusal}`, { exitCode: 2 });
  if (config.run) {
    const dataset = config.dataset || undefined;
    const summary = await exportRun(checkpoint, out, { dataset });
    process.stdout.write(
      `wrote ${config.out}: the run at iteration ${summary.iter} (weights, AdamW moments, run.json), ` +
        `nanogpt/data/${summary.dataset}/ (train.bin ${summary.trainTokens.toLocaleString('en-US')} tokens, ` +
        `val.bin ${summary.valTokens.toLocaleString('en-US')}) and ${summary.configFile}\n` +
        `next: python3 ${relative(userCwd(), join(appDir, 'tools', 'nanogpt', 'to_nanogpt_run.py'))} ` +
        `${config.out}   (writes ckpt.pt, and meta.pkl for a character model; needs torch)\n`,
    );
    return;
  }
  if (config.dataset) throw new CliError('--dataset goes with --run', { exitCode: 2 });
  const { config: args, tensors, params, bytes, tokenizer } = await exportNanoGpt(checkpoint, out);
  const { nLayer, nHead, nEmbd, blockSize, vocabSize, bias } = args;
  process.stdout.write(
    `wrote ${shownPath(out)}: model.safetensors (${tensors} tensors, ${params.toLocaleString('en-US')} ` +
      `parameters, ${bytes.toLocaleString('en-US')} bytes) ` +
      `and config.json (n_layer ${nLayer}, n_head ${nHead}, n_embd ${nEmbd}, block_size ${blockSize}, vocab_size ` +
      `${vocabSize}, bias ${bias}, tokenizer ${tokenizer})\n`,
  );
});
