// The `pnpm mnist` command: one "error: …" line and a non-zero exit code when anything goes wrong.
import { runMain } from '@tinygpt/cli-kit';
import { main } from './commands.js';

await runMain(main);
