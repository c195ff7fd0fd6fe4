// The one list of the elementwise op codes: build-wasm.mjs numbers them for AssemblyScript
// (assembly/generated/op-codes.ts) and TypeScript (src/generated/op-codes.ts).

/** Unary ops in code order; TypeScript checks that this list covers autograd's `UnaryOp` exactly. */
export const unaryOps = ['neg', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'gelu', 'geluTanh'];

/** Binary ops in code order; checked against autograd's `BinaryOp`. */
export const binaryOps = ['add', 'sub', 'mul', 'div'];
