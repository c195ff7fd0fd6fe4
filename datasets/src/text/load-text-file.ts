// Reads a text corpus from disk, refusing anything but a regular file, files above a size limit, empty files, binary
// data and invalid UTF-8 with one clear message each.
import { readUserFile } from '@tinygpt/cli-kit';
import { DatasetError } from './dataset-error.js';

/** The default largest text file read: 256 MB (a char-level corpus that size already needs 1 GB of token ids). */
export const DEFAULT_MAX_TEXT_BYTES = 256 * 1024 * 1024;

/** Options of {@link loadTextFile}. */
export interface LoadTextFileOptions {
  /** Largest file read, in bytes ({@link DEFAULT_MAX_TEXT_BYTES} by default). */
  maxBytes?: number;
  /** How the user raises the limit, appended to the message (e.g. `pass --max-data-mb 1024`). */
  raiseHint?: string;
}

/**
 * Reads a UTF-8 text file and returns its contents as a string (a leading byte-order mark is
 * dropped; line endings are kept as they are).
 *
 * Throws a {@link DatasetError} with one readable message when `path` does not exist, is a
 * directory or not a regular file (a device such as /dev/zero, a FIFO, a socket: these could
 * block or never end), is larger than `maxBytes`, is empty, contains a NUL byte (so it looks
 * binary), or is not valid UTF-8 (the message gives the offset of the first bad byte).
 *
 * @example
 * const text = loadTextFile('input.txt'); // 'First Citizen:\nBefore we proceed…'
 */
export function loadTextFile(path: string, options: LoadTextFileOptions = {}): string {
  const bytes = readBytes(path, options);
  if (bytes.length === 0) throw new DatasetError(`${path} is empty; a text corpus needs at least one character`);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new DatasetError(`${path} looks binary (a NUL byte at offset ${nul}); pass a UTF-8 text file`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new DatasetError(
      `${path} is not valid UTF-8 text (byte 0x${hex(bytes[bad] ?? 0)} at offset ${bad}); pass a UTF-8 text file`,
    );
  }
}

/** The file's bytes ({@link readUserFile}'s checks), or a DatasetError that names the path and the reason it cannot be read. */
function readBytes(path: string, options: LoadTextFileOptions): Uint8Array {
  const { maxBytes = DEFAULT_MAX_TEXT_BYTES, raiseHint } = options;
  try {
    return readUserFile(path, { what: 'text file', maxBytes, raiseHint });
  } catch (err) {
    throw new DatasetError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/**
 * Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or `bytes.length` if there is none.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number; // continuation bytes that follow the lead byte
    let min: number; // smallest code point this length may encode (rejects overlong forms)
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
