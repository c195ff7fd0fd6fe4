// Checks that console.log arguments survive encoding to JSON and back with nothing Node's formatter would print differently.
import { format } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeValues, encodeValues } from './console-values.js';

/** What crossing from the page to Node does to console.log's arguments. */
const roundTrip = (values: unknown[]) =>
  decodeValues(JSON.parse(JSON.stringify(encodeValues(values))) as ReturnType<typeof encodeValues>);

class Tensor {
  readonly grad: Tensor | null = null;
  constructor(
    readonly data: Float32Array,
    readonly shape: readonly number[],
  ) {}
  get size(): number {
    return this.data.length;
  }
}
class ShapeError extends RangeError {
  override name = 'ShapeError';
}
class Vocabulary extends Map<string, number> {}
const holes = new Array<number>(4);
holes[0] = 1;
holes[3] = 4;

describe('encodeValues / decodeValues', () => {
  const cases: [string, unknown[]][] = [
    [
      'primitives',
      ['text', 1.5, -0, NaN, Infinity, -Infinity, 2n ** 64n, true, null, undefined, Symbol('s'), Symbol()],
    ],
    [
      'format specifiers',
      [
        '%s has %d items, %i, %f, %j, %o, %O, %c%%',
        'x',
        3.5,
        3.5,
        '2.5',
        { a: [1] },
        [1],
        { b: 2 },
        'color: red',
        'rest',
      ],
    ],
    [
      'typed arrays',
      [
        Float32Array.of(0.1, -0, NaN, 3e38),
        new Int32Array(new ArrayBuffer(16), 4, 2),
        BigUint64Array.of(2n ** 63n),
        new Uint8ClampedArray(70),
      ],
    ],
    ['buffers', [new ArrayBuffer(5), new SharedArrayBuffer(2)]],
    [
      'class instances',
      [new Tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]), Object.create(null) as object, new (class {})()],
    ],
    [
      'nested and long',
      [{ a: { b: { c: { d: 1 } } }, list: Array.from({ length: 120 }, (_, i) => i / 7), text: 'y'.repeat(200) }],
    ],
    ['sparse arrays and extra keys', [holes, Object.assign([1], { key: 'value' }), new Array(5)]],
    [
      'collections',
      [
        new Map<unknown, unknown>([
          [{ k: 1 }, [2]],
          ['s', new Set([1])],
        ]),
        new Vocabulary([['a', 0]]),
        new Set(),
      ],
    ],
    [
      'functions',
      [
        function named() {},
        class Model {},
        async () => {},
        async function* stream() {},
        Object.assign(() => {}, { meta: 1 }),
      ],
    ],
    ['dates and regexps', [new Date(Date.UTC(2024, 1, 29, 12)), new Date(NaN), /^a.b$/msu]],
    [
      'errors',
      [
        Object.assign(new RangeError('bad shape', { cause: new Error('root') }), { code: 'E_SHAPE' }),
        new ShapeError('ragged'),
        new AggregateError([], 'many'),
      ],
    ],
    [
      'accessors and symbol keys',
      [
        {
          get g() {
            return 1;
          },
          set s(_v: number) {},
          get gs() {
            return 1;
          },
          set gs(_v: number) {},
          [Symbol('k')]: 1,
        },
      ],
    ],
  ];
  for (const [name, values] of cases) {
    it(`carries ${name} so Node prints them the same`, () => {
      expect(format(...roundTrip(values))).toBe(format(...values));
    });
  }

  it('keeps shared and circular references', () => {
    const shared = { name: 'shared' };
    const loop: { self?: unknown } = {};
    loop.self = loop;
    const [a, b, c] = roundTrip([shared, { again: shared }, loop]) as [object, { again: object }, { self: unknown }];
    expect(b.again).toBe(a);
    expect(c.self).toBe(c);
    expect(format(c)).toBe('<ref *1> { self: [Circular *1] }');
  });

  it('rebuilds errors of the same class, message and cause', () => {
    const [error] = roundTrip([new ShapeError('ragged', { cause: 'rows differ' })]) as [Error];
    expect(error).toBeInstanceOf(RangeError);
    expect(error.constructor.name).toBe('ShapeError');
    expect([error.name, error.message, error.cause]).toEqual(['ShapeError', 'ragged', 'rows differ']);
  });

  it('refuses an object with a Node custom inspect method, which the browser cannot run', () => {
    class Pretty {
      [Symbol.for('nodejs.util.inspect.custom')]() {
        return 'pretty';
      }
    }
    expect(() => encodeValues([new Pretty()])).toThrow(/console\.log got a Pretty with a Node custom inspect method/);
  });
});
