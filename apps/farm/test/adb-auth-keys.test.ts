// ADB's public key format and the token signature check, with keys made here.
import { constants, createHash, generateKeyPairSync, privateEncrypt } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  formatAdbPublicKey,
  newAuthToken,
  parseAdbPublicKey,
  TrustedKeys,
  verifyTokenSignature,
} from '../src/adb/auth.js';

/** What adb does: RSA_sign(NID_sha1, token), i.e. PKCS#1 v1.5 over a SHA-1 DigestInfo holding the token. */
function signLikeAdb(privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'], token: Buffer): Buffer {
  const digestInfo = Buffer.concat([Buffer.from('3021300906052b0e03021a05000414', 'hex'), token]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
}

describe('ADB host keys', () => {
  const host = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const hostKeyText = formatAdbPublicKey(host.publicKey, 'dev@laptop');

  test('a key in adbkey.pub form parses back to the same RSA key and comment', () => {
    const parsed = parseAdbPublicKey(`${hostKeyText}\0`);
    expect(parsed.comment).toBe('dev@laptop');
    expect(parsed.key.export({ format: 'jwk' })).toEqual(host.publicKey.export({ format: 'jwk' }));
    expect(Buffer.from(parsed.encoded, 'base64')).toHaveLength(524); // 2048-bit key: 64 words
  });

  test('a malformed key is rejected with a reason', () => {
    expect(() => parseAdbPublicKey('AAAA')).toThrow(/too short/);
    expect(() => parseAdbPublicKey(Buffer.alloc(40).toString('base64'))).toThrow(/ADB public key/);
  });

  test('only the right key signing the right token verifies', () => {
    const token = newAuthToken();
    const signature = signLikeAdb(host.privateKey, token);
    const key = parseAdbPublicKey(hostKeyText).key;
    expect(verifyTokenSignature(key, token, signature)).toBe(true);
    expect(verifyTokenSignature(key, newAuthToken(), signature)).toBe(false);
    expect(verifyTokenSignature(key, token, signLikeAdb(stranger.privateKey, token))).toBe(false);
    expect(verifyTokenSignature(key, token, Buffer.from('garbage'))).toBe(false);
    // A signature over SHA-1(token) is not what adb sends, so it must not pass either.
    expect(
      verifyTokenSignature(key, token, signLikeAdb(host.privateKey, createHash('sha1').update(token).digest())),
    ).toBe(false);
  });

  test('trusted keys find the signer among several', () => {
    const trusted = new TrustedKeys([formatAdbPublicKey(stranger.publicKey)]);
    const token = newAuthToken();
    expect(trusted.findSigner(token, signLikeAdb(host.privateKey, token))).toBeUndefined();
    trusted.add(hostKeyText);
    expect(trusted.findSigner(token, signLikeAdb(host.privateKey, token))?.comment).toBe('dev@laptop');
    expect(trusted.has(parseAdbPublicKey(`${hostKeyText.split(' ')[0]} another-comment`))).toBe(true);
  });
});
