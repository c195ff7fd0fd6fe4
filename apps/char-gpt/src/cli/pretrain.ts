// `pnpm pretrain`: trains a character-level GPT on a text corpus, as nanoGPT's train.py (Ctrl-C saves a checkpoint first).
import { formatProfile, getBackend, profileBackend, setBackend } from '@tinygpt/autograd';
import { withBackend } from '@tinygpt/backend-wasm';
import { onInterrupt, runMain } from '@tinygpt/cli-kit';
import { train } from '../train.js';
import { pretrainConfig, pretrainHelp } from './pretrain-config.js';
import { trainReporter } from './train-reporter.js';

await runMain(async (argv) => {
  const config = pretrainConfig(argv);
  if (!config) return void process.stdout.write(`${pretrainHelp()}\n`);
  await withBackend(config, async (backend) => {
    const reporter = trainReporter(config);
    reporter.backend(backend.describe());
    // --profile: every kernel call timed, tallied by kind, printed after the run.
    const profile = config.profile ? profileBackend(getBackend()) : null;
    if (profile) setBackend(profile.backend);
    const started = performance.now();
    let stopRequested = false;
    const running = train(config, { events: reporter, shouldStop: () => stopRequested });
    // Ctrl-C asks the loop to stop at the next iteration boundary, where it writes a checkpoint.
    const unregister = onInterrupt(async () => {
      stopRequested = true;
      await running.catch(() => undefined);
    });
    try {
      reporter.done(await running);
    } finally {
      unregister();
      // A run stopped before any kernel ran (a missing corpus, say) has nothing to show.
      if (profile && profile.rows().length > 0) {
        const table = `profile (time per kernel kind over the whole run):\n${formatProfile(profile.rows(), performance.now() - started)}\n`;
        (config.json ? process.stderr : process.stdout).write(table);
      }
    }
  });
});
