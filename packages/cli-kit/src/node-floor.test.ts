import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_ENGINES, nodeTooOld } from './node-floor.js';

describe('the Node floor', () => {
  it('accepts the versions with process.getBuiltinModule, refuses the others with one line', () => {
    for (const fine of ['20.16.0', '20.20.2', '22.3.0', '23.0.0', '24.11.1']) expect(nodeTooOld(fine)).toBeUndefined();
    for (const old of ['18.20.0', '20.10.0', '20.15.1', '21.7.3', '22.2.0']) {
      expect(nodeTooOld(old)).toBe(
        `tinygpt needs Node 20.16+ (or 22.3+); this is Node ${old}, which lacks process.getBuiltinModule (the wasm backend's threads)`,
      );
    }
    expect(nodeTooOld()).toBeUndefined(); // the Node running this test
    expect(typeof process.getBuiltinModule).toBe('function');
  });

  it('is what the root package.json states as engines', () => {
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      engines: { node: string };
    };
    expect(root.engines.node).toBe(NODE_ENGINES);
  });
});
