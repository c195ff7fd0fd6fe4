// The SHA-256 of a file's bytes through Node's crypto, as checkpoints and downloads list them.
import { createHash } from 'node:crypto';

/**
 * SHA-256 of `bytes` as lowercase hex.
 * @example
 * if (sha256Hex(readFileSync(path)) !== expected) throw new Error(`${path} is damaged`);
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
