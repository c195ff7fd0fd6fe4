// Runs a command on the tensor backend its --backend and --threads flags name, and stops the backend's worker threads when the command is done.
import { getBackend } from '@tinygpt/autograd';
import { selectBackend } from '@tinygpt/cli-kit';
import type { ActiveBackend, BackendConfig } from '@tinygpt/cli-kit';

/**
 * Installs the backend `config` names (cli-kit's `selectBackend`) and runs `command` on it; every
 * tensor must be made inside `command`, since a tensor lives in the storage of the backend that made
 * it. Afterwards the backend is closed when it can be (the wasm backend's `close()` stops its worker
 * threads, so the process ends as soon as its output is written).
 *
 * @example
 * await withBackend(config, async (backend) => {
 *   console.log(`backend: ${backend.describe()}`); // backend: wasm (2 threads)
 *   await train(config);
 * });
 */
export async function withBackend<T>(
  config: BackendConfig,
  command: (backend: ActiveBackend) => Promise<T>,
): Promise<T> {
  const active = await selectBackend(config);
  try {
    return await command(active);
  } finally {
    const backend = getBackend();
    if ('close' in backend && typeof backend.close === 'function') backend.close();
  }
}
