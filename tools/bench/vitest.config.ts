// Tests run the workspace packages from their sources (the shared settings), as `pnpm mnist` does.
export { default } from '../../vitest.shared.js';
