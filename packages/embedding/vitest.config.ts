// This package's tests run with the workspace's shared vitest settings.
export { default } from '../../vitest.shared.js';
