// Test helpers for this package and its dependents: gradcheck, assertClose and the op harness.

export { assertClose } from './assert-close.js';
export type { CloseOptions } from './assert-close.js';
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export { input, testOp } from './test-op.js';
export type { InputOptions, OpCase, RefInput } from './test-op.js';
