// devices.yml: MACE's board fields plus port, private_key and the pinned host_key; every problem
// reported with its field path, line and column.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseDevicesFile, readDevicesFile } from '../src/index.js';

const KEY = 'SHA256:' + 'A'.repeat(43);

describe('devices.yml', () => {
  it('reads MACE boards with the connection fields', () => {
    const boards = parseDevicesFile(`devices:
  nanopi:
    target_abis: [arm64-v8a, armeabi-v7a]
    target_socs: RK3399
    models: Nanopi M4
    address: 10.0.0.2
    username: pi
    private_key: keys/lab
    host_key: ${KEY}
  rpi:
    target_abis: armhf
    address: rpi.lab
    port: 2222
    username: pi
    private_key: /keys/lab
    host_key: ${KEY}
`);
    expect(boards).toEqual([
      {
        name: 'nanopi',
        targetAbis: ['arm64-v8a', 'armeabi-v7a'],
        targetSocs: ['rk3399'],
        model: 'Nanopi M4',
        address: '10.0.0.2',
        port: 22,
        username: 'pi',
        privateKey: 'keys/lab',
        hostKey: KEY,
      },
      expect.objectContaining({ name: 'rpi', targetAbis: ['armhf'], port: 2222, model: null }),
    ]);
  });

  it('reports every problem with its place', () => {
    let err: ConfigError | null = null;
    try {
      parseDevicesFile(`devices:
  board:
    target_abis: [mips]
    address: 10.0.0.2
    username: pi
    host_key: abc
    colour: red
`);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const messages = err!.issues.map((i) => `${i.path} (${i.line}): ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^devices\.board\.target_abis \(3\): unknown ABI "mips"/),
        expect.stringMatching(/^devices\.board\.private_key \(\d\): missing required field/),
        expect.stringMatching(/^devices\.board\.host_key \(6\): expected the host key's SHA256 fingerprint/),
        expect.stringMatching(/^devices\.board\.colour \(7\): unknown key/),
      ]),
    );
    expect(() => parseDevicesFile('boards: {}')).toThrow(/expected `devices:` mapping/);
  });

  it('resolves a relative private_key against the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mace-devices-'));
    const file = path.join(dir, 'devices.yml');
    await writeFile(
      file,
      `devices:\n  b:\n    target_abis: aarch64\n    address: h\n    username: u\n    private_key: k/id\n    host_key: ${KEY}\n`,
    );
    expect((await readDevicesFile(file))[0].privateKey).toBe(path.join(dir, 'k/id'));
  });
});
