// ADB host authentication: the device sends a random token, the host signs it with its
// private key (RSA PKCS#1 v1.5 treating the token as a SHA-1 digest), and when no key
// works it sends its public key for the user to accept.
import { createPublicKey, publicDecrypt, randomBytes, constants, type KeyObject } from 'node:crypto';

export const AuthType = { TOKEN: 1, SIGNATURE: 2, RSAPUBLICKEY: 3 } as const;

export const AUTH_TOKEN_SIZE = 20;

/** DER prefix of a DigestInfo holding a SHA-1 digest (RFC 8017, section 9.2). */
const SHA1_DIGEST_INFO_PREFIX = Buffer.from('3021300906052b0e03021a05000414', 'hex');

export interface AdbPublicKey {
  /** The base64 blob as written in adbkey.pub; two keys are the same key when these match. */
  encoded: string;
  /** The text after the blob (usually user@host). */
  comment: string;
  key: KeyObject;
}

/**
 * Parses a key in adbkey.pub form: base64 of ADB's RSAPublicKey struct (word count,
 * n0inv, modulus and R^2 as little-endian 32-bit words, exponent), then a comment.
 */
export function parseAdbPublicKey(text: string): AdbPublicKey {
  const [encoded = '', ...commentWords] = text.replace(/\0+$/, '').trim().split(/\s+/);
  const blob = Buffer.from(encoded, 'base64');
  if (blob.length < 12) throw new Error('ADB public key is too short');
  const words = blob.readUInt32LE(0);
  const expectedLength = 4 + 4 + words * 4 * 2 + 4;
  if (words === 0 || blob.length !== expectedLength) {
    throw new Error(`ADB public key has ${blob.length} bytes, expected ${expectedLength} for ${words} words`);
  }
  const modulus = Buffer.from(blob.subarray(8, 8 + words * 4)).reverse();
  const exponent = Buffer.alloc(4);
  exponent.writeUInt32BE(blob.readUInt32LE(8 + words * 8));
  const key = createPublicKey({
    key: { kty: 'RSA', n: modulus.toString('base64url'), e: trimLeadingZeros(exponent).toString('base64url') },
    format: 'jwk',
  });
  return { encoded, comment: commentWords.join(' '), key };
}

/** Writes `key` (an RSA public key) in adbkey.pub form, the inverse of parseAdbPublicKey. */
export function formatAdbPublicKey(key: KeyObject, comment = ''): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('not an RSA public key');
  const modulusBytes = Buffer.from(jwk.n, 'base64url');
  const words = Math.ceil(modulusBytes.length / 4);
  const modulus = BigInt(`0x${modulusBytes.toString('hex')}`);
  const wordBase = 1n << 32n;
  // n0inv = -1 / n mod 2^32 and rr = (2^(32*words))^2 mod n: adbd's Montgomery constants.
  const n0inv = (wordBase - modInverse(modulus % wordBase, wordBase)) % wordBase;
  const rr = (1n << BigInt(64 * words)) % modulus;
  const blob = Buffer.alloc(4 + 4 + words * 8 + 4);
  blob.writeUInt32LE(words, 0);
  blob.writeUInt32LE(Number(n0inv), 4);
  writeLittleEndian(blob, 8, words * 4, modulus);
  writeLittleEndian(blob, 8 + words * 4, words * 4, rr);
  const exponent = Buffer.from(jwk.e, 'base64url');
  blob.writeUInt32LE(exponent.readUIntBE(0, exponent.length), 8 + words * 8);
  return comment ? `${blob.toString('base64')} ${comment}` : blob.toString('base64');
}

function writeLittleEndian(target: Buffer, offset: number, length: number, value: bigint): void {
  for (let i = 0; i < length; i++) {
    target[offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
  }
}

function modInverse(value: bigint, modulus: bigint): bigint {
  let [oldR, r] = [value, modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return ((oldS % modulus) + modulus) % modulus;
}

function trimLeadingZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** True when `signature` is `key`'s PKCS#1 v1.5 signature of the SHA-1 "digest" `token`. */
export function verifyTokenSignature(key: KeyObject, token: Buffer, signature: Buffer): boolean {
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  return recovered.equals(Buffer.concat([SHA1_DIGEST_INFO_PREFIX, token]));
}

export function newAuthToken(): Buffer {
  return randomBytes(AUTH_TOKEN_SIZE);
}

/** The phone's list of trusted host keys (Android's /data/misc/adb/adb_keys). */
export class TrustedKeys {
  private readonly keys = new Map<string, AdbPublicKey>();

  constructor(initial: readonly string[] = []) {
    for (const text of initial) this.add(text);
  }

  add(text: string): AdbPublicKey {
    const parsed = parseAdbPublicKey(text);
    this.keys.set(parsed.encoded, parsed);
    return parsed;
  }

  has(key: AdbPublicKey): boolean {
    return this.keys.has(key.encoded);
  }

  /** The trusted key that produced `signature` over `token`, if any. */
  findSigner(token: Buffer, signature: Buffer): AdbPublicKey | undefined {
    for (const candidate of this.keys.values()) {
      if (verifyTokenSignature(candidate.key, token, signature)) return candidate;
    }
    return undefined;
  }
}
