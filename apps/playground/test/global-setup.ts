// Builds the page once for every browser test file (each then serves the same dist/).
import { buildPlayground, haveChromium } from './harness.js';

export default async function setup(): Promise<void> {
  if (haveChromium) await buildPlayground();
}
