// The kernels module: every export here becomes a WebAssembly export of kernels.wasm.
export { sgemm, sgemmWorkspaceBytes } from './matmul';
export { peakMulAdd } from './peak';
