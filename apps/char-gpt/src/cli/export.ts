// `pnpm export --checkpoint DIR --out EXDIR`: writes a checkpoint's model as a nanoGPT exchange directory (model.safetensors + config.json) for PyTorch.
import { CliError, formatHelp, resolveConfig, runMain, shownPath } from '@tinygpt/cli-kit';
import { exportNanoGpt } from '../interop/export-nanogpt.js';
import { requiredCheckpoint, userCwd, userPath } from '../paths.js';

const defaults = { checkpoint: '', out: '' };

const spec = {
  help: {
    checkpoint: 'checkpoint directory written by pnpm pretrain (its --out-dir)',
    out: 'exchange directory to write: model.safetensors and config.json (replaced if it holds only those)',
  },
  usage: 'pnpm export --checkpoint DIR --out EXDIR',
  description:
    'Writes the model as nanoGPT\'s state dict in safetensors (float32, nanoGPT names) beside config.json (nanoGPT\'s model args and the vocabulary as "chars"); load it in PyTorch with tools/nanogpt/load_in_pytorch.py.',
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
  const { config: args, tensors, params, bytes } = exportNanoGpt(checkpoint, out);
  const { nLayer, nHead, nEmbd, blockSize, vocabSize, bias } = args;
  process.stdout.write(
    `wrote ${shownPath(out)}: model.safetensors (${tensors} tensors, ${params.toLocaleString('en-US')} parameters, ${bytes.toLocaleString('en-US')} bytes) ` +
      `and config.json (n_layer ${nLayer}, n_head ${nHead}, n_embd ${nEmbd}, block_size ${blockSize}, vocab_size ${vocabSize}, bias ${bias})\n`,
  );
});
