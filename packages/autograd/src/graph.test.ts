// Tests of the graph: micrograd's golden values, gradient accumulation, deep graphs, noGrad, detach, buffer release.

import { describe, expect, it } from 'vitest';
import { fromArray, scalar } from './creation.js';
import { isGradEnabled, noGrad, topoSort } from './graph.js';
import { input } from './testing/index.js';

describe('backward', () => {
  it("reproduces micrograd's README expression: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773", () => {
    const a = scalar(-4, { requiresGrad: true });
    const b = scalar(2, { requiresGrad: true });
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(c.add(1).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(d.mul(3).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(scalar(10).div(f));
    g.backward();
    expect(g.item().toFixed(4)).toBe('24.7041');
    expect(a.grad![0]!.toFixed(4)).toBe('138.8338');
    expect(b.grad![0]!.toFixed(4)).toBe('645.5773');
  });

  it('a tensor used twice gets the sum of both gradients', () => {
    const x = fromArray([1, 2, 3], [3], { requiresGrad: true });
    x.mul(x).sum().backward(); // d(x²) = 2x
    expect(Array.from(x.grad!)).toEqual([2, 4, 6]);
    const y = fromArray([1, -2], [2], { requiresGrad: true });
    y.add(y).add(y).sum().backward();
    expect(Array.from(y.grad!)).toEqual([3, 3]);
  });

  it('leaf gradients accumulate across backward calls until zeroGrad', () => {
    const x = fromArray([1, 2], [2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(Array.from(x.grad!)).toEqual([6, 6]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('backpropagates through a chain of 100,000 ops without overflowing the stack', () => {
    const x = scalar(0.5, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.mul(1.00001);
    y.backward();
    expect(x.grad![0]).toBeCloseTo(Math.pow(1.00001, 100_000), 2);
  });

  it('visits inputs before the tensors computed from them', () => {
    const a = input([2]);
    const b = a.exp();
    const c = a.add(b);
    const order = topoSort(c.sum());
    expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    expect(order.indexOf(b)).toBeLessThan(order.indexOf(c));
  });

  it('releases the graph and intermediate gradients, and says so if backward runs twice', () => {
    const x = input([3]);
    const h = x.tanh();
    const loss = h.sum();
    loss.backward();
    expect(h.node).toBeNull();
    expect(h.grad).toBeNull();
    expect(x.grad).not.toBeNull();
    expect(() => loss.backward()).toThrow(/a second time/);
  });

  it('keeps an intermediate gradient on request', () => {
    const x = input([3]);
    const h = x.mul(2);
    h.retainsGrad = true;
    h.sum().backward();
    expect(Array.from(h.grad!)).toEqual([1, 1, 1]);
  });

  it('seeds non-scalar outputs with the given gradient and rejects a missing one', () => {
    const x = fromArray([1, 2], [2], { requiresGrad: true });
    const y = x.mul(x);
    expect(() => y.backward()).toThrow(/single-element/);
    y.backward(fromArray([1, 10]));
    expect(Array.from(x.grad!)).toEqual([2, 40]);
    expect(() => fromArray([1]).backward()).toThrow(/does not require grad/);
  });
});

describe('noGrad and detach', () => {
  it('records nothing inside noGrad', () => {
    const x = input([2]);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2).exp();
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
  });

  it('restores grad mode when the function throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('detach shares data and cuts the graph', () => {
    const x = fromArray([1, 2], [2], { requiresGrad: true });
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    const y = x.mul(d).sum(); // d is a constant: dy/dx = d
    y.backward();
    expect(Array.from(x.grad!)).toEqual([2, 4]);
  });
});
