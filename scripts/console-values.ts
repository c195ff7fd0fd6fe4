// Carries console.log arguments from a browser page to Node as JSON, rebuilding them so Node's util.format prints
// them exactly as `console.log` in Node would.
//
// The page encodes what Node's `util.inspect` looks at — own enumerable properties in order, the
// constructor's name, typed-array bytes, -0, NaN, sparse arrays, shared and circular references —
// and Node decodes it into real objects of the same shape. Methods live on prototypes, so they are
// not carried: an object with a Node custom inspect method cannot be reproduced and is an error.

/** A value the page logged, as JSON. Plain strings, finite numbers, booleans and null stand for themselves. */
export type Encoded = string | number | boolean | null | Tagged;

/** An own enumerable property: its key (string, or a symbol's description) and its value or accessor kind. */
export interface EncodedProperty {
  key: string | { symbol: string | null };
  value?: Encoded;
  accessor?: 'Getter' | 'Setter' | 'Getter/Setter';
}

/** The typed arrays Node prints as `Float32Array(n) [ … ]`. */
export type TypedArrayName =
  | 'Int8Array'
  | 'Uint8Array'
  | 'Uint8ClampedArray'
  | 'Int16Array'
  | 'Uint16Array'
  | 'Int32Array'
  | 'Uint32Array'
  | 'Float32Array'
  | 'Float64Array'
  | 'BigInt64Array'
  | 'BigUint64Array';

/** The kinds of function Node tells apart: `[Function: f]`, `[class C]`, `[AsyncFunction: f]`, … */
export type FunctionKind = 'Function' | 'class' | 'AsyncFunction' | 'GeneratorFunction' | 'AsyncGeneratorFunction';

/** Everything that JSON cannot hold as itself. Objects carry an `id` so later references to them can say `ref`. */
export type Tagged =
  | { t: 'number'; v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { t: 'undefined' }
  | { t: 'bigint'; v: string }
  | { t: 'symbol'; v: string | null }
  | { t: 'ref'; id: number }
  | { t: 'function'; id: number; kind: FunctionKind; name: string; props: EncodedProperty[] }
  | { t: 'array'; id: number; length: number; items: [number, Encoded][]; props: EncodedProperty[] }
  | { t: 'typed'; id: number; kind: TypedArrayName; bytes: string }
  | { t: 'buffer'; id: number; shared: boolean; bytes: string }
  | { t: 'date'; id: number; time: Encoded }
  | { t: 'regexp'; id: number; source: string; flags: string }
  | {
      t: 'error';
      id: number;
      ctor: string;
      base: string;
      message: string;
      stack: string | null;
      cause?: Encoded;
      props: EncodedProperty[];
    }
  | { t: 'map'; id: number; ctor: string; entries: [Encoded, Encoded][] }
  | { t: 'set'; id: number; ctor: string; values: Encoded[] }
  | { t: 'object'; id: number; ctor: string | null; props: EncodedProperty[] };

const typedArrayNames: readonly TypedArrayName[] = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];
const errorNames = [
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'AggregateError',
  'Error',
];
const nodeCustomInspect = Symbol.for('nodejs.util.inspect.custom');
/** More values than this in one console.log call is almost surely a mistake (logging `window`, say). */
const maxValues = 1_000_000;

/** Base64 of a byte range, with only what browsers and Node share (`btoa`). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The name Node's inspect prints before an object: the first named `constructor` the object is an instance of. */
function constructorName(value: object): string | null {
  for (let obj: object | null = value; obj !== null; obj = Object.getPrototypeOf(obj) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(obj, 'constructor');
    if (typeof descriptor?.value === 'function' && descriptor.value.name !== '' && value instanceof descriptor.value) {
      return descriptor.value.name as string;
    }
  }
  return null;
}

function functionKind(fn: (...args: never[]) => unknown): FunctionKind {
  if (Function.prototype.toString.call(fn).startsWith('class')) return 'class';
  const tag = Object.prototype.toString.call(fn).slice(8, -1);
  return tag === 'AsyncFunction' || tag === 'GeneratorFunction' || tag === 'AsyncGeneratorFunction' ? tag : 'Function';
}

/**
 * Encodes the arguments of one console call as JSON-safe values, sharing one reference space so
 * an object met twice (or inside itself) is rebuilt as the same object.
 */
export function encodeValues(values: readonly unknown[]): Encoded[] {
  const ids = new Map<object, number>();

  const properties = (obj: object, skip: (key: string) => boolean = () => false): EncodedProperty[] => {
    const props: EncodedProperty[] = [];
    for (const key of Reflect.ownKeys(obj)) {
      const descriptor = Object.getOwnPropertyDescriptor(obj, key);
      if (!descriptor?.enumerable || (typeof key === 'string' && skip(key))) continue;
      const encodedKey = typeof key === 'string' ? key : { symbol: key.description ?? null };
      if (descriptor.get || descriptor.set) {
        const accessor = descriptor.get && descriptor.set ? 'Getter/Setter' : descriptor.get ? 'Getter' : 'Setter';
        props.push({ key: encodedKey, accessor });
      } else {
        props.push({ key: encodedKey, value: encode(descriptor.value) });
      }
    }
    return props;
  };

  const encode = (value: unknown): Encoded => {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (Number.isNaN(value)) return { t: 'number', v: 'NaN' };
        if (value === Infinity) return { t: 'number', v: 'Infinity' };
        if (value === -Infinity) return { t: 'number', v: '-Infinity' };
        if (Object.is(value, -0)) return { t: 'number', v: '-0' };
        return value;
      case 'undefined':
        return { t: 'undefined' };
      case 'bigint':
        return { t: 'bigint', v: value.toString() };
      case 'symbol':
        return { t: 'symbol', v: value.description ?? null };
    }
    if (value === null) return null;
    const obj = value as object;
    const seen = ids.get(obj);
    if (seen !== undefined) return { t: 'ref', id: seen };
    const id = ids.size;
    if (id >= maxValues)
      throw new Error(`console.log argument has more than ${maxValues} objects: too large to carry out of the browser`);
    ids.set(obj, id);
    if (nodeCustomInspect in obj) {
      throw new Error(
        `console.log got a ${constructorName(obj) ?? 'value'} with a Node custom inspect method; the browser ` +
          `cannot reproduce its Node output: log a string instead`,
      );
    }

    if (typeof obj === 'function') {
      const fn = obj as (...args: never[]) => unknown;
      return { t: 'function', id, kind: functionKind(fn), name: fn.name, props: properties(fn) };
    }
    if (Array.isArray(obj)) {
      const items: [number, Encoded][] = [];
      for (const key of Object.keys(obj)) {
        const index = Number(key);
        if (String(index >>> 0) === key && index >>> 0 !== 4294967295) items.push([index, encode(obj[index])]);
      }
      const isIndex = (key: string) => String(Number(key) >>> 0) === key;
      return { t: 'array', id, length: obj.length, items, props: properties(obj, isIndex) };
    }
    if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
      const kind = typedArrayNames.find((name) => Object.prototype.toString.call(obj) === `[object ${name}]`);
      if (kind)
        return { t: 'typed', id, kind, bytes: toBase64(new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength)) };
    }
    if (obj instanceof ArrayBuffer) return { t: 'buffer', id, shared: false, bytes: toBase64(new Uint8Array(obj)) };
    if (typeof SharedArrayBuffer !== 'undefined' && obj instanceof SharedArrayBuffer) {
      return { t: 'buffer', id, shared: true, bytes: toBase64(new Uint8Array(obj)) };
    }
    if (obj instanceof Date) return { t: 'date', id, time: encode(obj.getTime()) };
    if (obj instanceof RegExp) return { t: 'regexp', id, source: obj.source, flags: obj.flags };
    if (obj instanceof Error) {
      const base =
        errorNames.find((name) => obj instanceof (globalThis as unknown as Record<string, new () => Error>)[name]!) ??
        'Error';
      const encoded: Extract<Tagged, { t: 'error' }> = {
        t: 'error',
        id,
        ctor: constructorName(obj) ?? base,
        base,
        message: obj.message,
        stack: typeof obj.stack === 'string' ? obj.stack : null,
        props: properties(obj),
      };
      if ('cause' in obj) encoded.cause = encode(obj.cause);
      return encoded;
    }
    if (obj instanceof Map) {
      const entries: [Encoded, Encoded][] = [];
      for (const [k, v] of obj) entries.push([encode(k), encode(v)]);
      return { t: 'map', id, ctor: constructorName(obj) ?? 'Map', entries };
    }
    if (obj instanceof Set) {
      const members: Encoded[] = [];
      for (const v of obj) members.push(encode(v));
      return { t: 'set', id, ctor: constructorName(obj) ?? 'Set', values: members };
    }
    return {
      t: 'object',
      id,
      ctor: Object.getPrototypeOf(obj) === null ? null : constructorName(obj),
      props: properties(obj),
    };
  };

  return values.map(encode);
}

/** The value one `encodeValues` entry stands for, rebuilt in Node with the same class names and own properties. */
export function decodeValues(encoded: readonly Encoded[]): unknown[] {
  const objects = new Map<number, unknown>();
  const classes = new Map<string, new () => object>();

  /** A stand-in class named `name` whose instances inherit from `Base` (so Node prints the name and sees their kind). */
  const classNamed = (name: string, Base: abstract new (...args: never[]) => object): new () => object => {
    const key = `${Base.name} ${name}`;
    let cls = classes.get(key);
    if (!cls) {
      cls = function () {} as unknown as new () => object;
      Object.defineProperty(cls, 'name', { value: name });
      cls.prototype = Object.create(Base.prototype as object, {
        constructor: { value: cls, writable: true, configurable: true },
      }) as object;
      classes.set(key, cls);
    }
    return cls;
  };

  const assign = (target: object, props: readonly EncodedProperty[]) => {
    for (const { key, value, accessor } of props) {
      const property = typeof key === 'string' ? key : Symbol(key.symbol ?? undefined);
      const descriptor: PropertyDescriptor = accessor
        ? {
            get: accessor === 'Setter' ? undefined : () => undefined,
            set: accessor === 'Getter' ? undefined : () => {},
          }
        : { value: decode(value ?? null), writable: true };
      Object.defineProperty(target, property, { ...descriptor, enumerable: true, configurable: true });
    }
  };

  const remember = <T extends object>(id: number, obj: T): T => {
    objects.set(id, obj);
    return obj;
  };

  const decode = (value: Encoded): unknown => {
    if (value === null || typeof value !== 'object') return value;
    switch (value.t) {
      case 'number':
        return value.v === '-0' ? -0 : Number(value.v);
      case 'undefined':
        return undefined;
      case 'bigint':
        return BigInt(value.v);
      case 'symbol':
        return Symbol(value.v ?? undefined);
      case 'ref':
        return objects.get(value.id);
      case 'function': {
        const makers: Record<FunctionKind, () => object> = {
          Function: () => function () {},
          class: () => class {},
          AsyncFunction: () => async function () {},
          GeneratorFunction: () => function* () {},
          AsyncGeneratorFunction: () => async function* () {},
        };
        const fn = remember(value.id, makers[value.kind]());
        Object.defineProperty(fn, 'name', { value: value.name, configurable: true });
        assign(fn, value.props);
        return fn;
      }
      case 'array': {
        const array = remember(value.id, new Array<unknown>(value.length));
        for (const [index, item] of value.items) array[index] = decode(item);
        assign(array, value.props);
        return array;
      }
      case 'typed': {
        const bytes = fromBase64(value.bytes);
        const Typed = (globalThis as unknown as Record<TypedArrayName, new (buffer: ArrayBuffer) => object>)[
          value.kind
        ];
        return remember(value.id, new Typed(bytes.buffer as ArrayBuffer));
      }
      case 'buffer': {
        const bytes = fromBase64(value.bytes);
        if (!value.shared) return remember(value.id, bytes.buffer);
        const shared = new SharedArrayBuffer(bytes.length);
        new Uint8Array(shared).set(bytes);
        return remember(value.id, shared);
      }
      case 'date':
        return remember(value.id, new Date(decode(value.time) as number));
      case 'regexp':
        return remember(value.id, new RegExp(value.source, value.flags));
      case 'error': {
        const Base = (globalThis as unknown as Record<string, new (message?: string) => Error>)[value.base] ?? Error;
        const ctor = value.ctor === value.base ? Base : classNamed(value.ctor, Base);
        const args = value.base === 'AggregateError' ? [[], value.message] : [value.message];
        const error = remember(value.id, Reflect.construct(Base, args, ctor) as Error);
        if (value.stack !== null)
          Object.defineProperty(error, 'stack', { value: value.stack, writable: true, configurable: true });
        if (value.cause !== undefined) {
          Object.defineProperty(error, 'cause', { value: decode(value.cause), writable: true, configurable: true });
        }
        assign(error, value.props);
        return error;
      }
      case 'map': {
        const map = remember(
          value.id,
          value.ctor === 'Map'
            ? new Map()
            : (Reflect.construct(Map, [], classNamed(value.ctor, Map)) as Map<unknown, unknown>),
        );
        for (const [k, v] of value.entries) map.set(decode(k), decode(v));
        return map;
      }
      case 'set': {
        const set = remember(
          value.id,
          value.ctor === 'Set' ? new Set() : (Reflect.construct(Set, [], classNamed(value.ctor, Set)) as Set<unknown>),
        );
        for (const v of value.values) set.add(decode(v));
        return set;
      }
      case 'object': {
        const obj: object =
          value.ctor === null
            ? Object.create(null)
            : value.ctor === 'Object'
              ? {}
              : Object.create(classNamed(value.ctor, Object).prototype);
        remember(value.id, obj);
        assign(obj, value.props);
        return obj;
      }
    }
  };

  return encoded.map(decode);
}
