// What the browser page and the Node harness agree on: where the example is served and the messages the page sends.
import type { Encoded } from './console-values.js';

/** One message from the page, sent as JSON through the report binding, in the order things happened. */
export type PageMessage =
  | { type: 'started' }
  | { type: 'stdout' | 'stderr'; args: Encoded[] }
  | { type: 'done' }
  | { type: 'error'; error: Encoded; origin: string };

/** The path the harness serves the bundled example at. */
export const exampleUrl = '/example.js';
/** The path of the page script (browser-page.ts, bundled) that runs the example. */
export const pageScriptUrl = '/page.js';
/** The name of the Playwright binding the page reports through. */
export const reportBinding = '__tinygptReport';
