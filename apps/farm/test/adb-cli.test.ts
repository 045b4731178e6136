// Flags and environment of the virtual phone CLI (apps/farm/src/adb/main.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseCliOptions } from '../src/adb/cli-options.js';

describe('virtual phone CLI options', () => {
  test('flags become phone options, shortcuts becoming properties', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'phone-cli-'));
    try {
      await writeFile(path.join(dir, 'adbkey.pub'), 'QUJD user@host\n');
      const command = parseCliOptions(
        [
          '--data-dir',
          dir,
          '--port',
          '5600',
          '--model',
          'Pixel 3',
          '--soc',
          'sdm845',
          '--prop',
          'ro.hardware=qcom',
          '--prop',
          'x.y=a=b',
        ],
        {},
      );
      expect(command).toMatchObject({
        help: false,
        options: {
          dataDir: dir,
          port: 5600,
          properties: {
            'ro.product.model': 'Pixel 3',
            'ro.board.platform': 'sdm845',
            'ro.hardware': 'qcom',
            'x.y': 'a=b',
          },
          requireAuth: false,
          openclLibrary: false,
        },
      });
      const withKey = parseCliOptions(
        ['--data-dir', dir, '--require-auth', '--allow-key', path.join(dir, 'adbkey.pub')],
        {},
      );
      expect(withKey).toMatchObject({ options: { requireAuth: true, allowedKeys: ['QUJD user@host\n'] } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('environment variables fill in for flags', () => {
    const command = parseCliOptions([], {
      VIRTUAL_PHONE_DATA_DIR: '/tmp/phone',
      VIRTUAL_PHONE_PORT: '0',
      VIRTUAL_PHONE_OPENCL: '1',
      VIRTUAL_PHONE_ROOTFS: '/srv/rootfs',
    });
    expect(command).toMatchObject({
      options: { dataDir: '/tmp/phone', port: 0, openclLibrary: true, rootfs: '/srv/rootfs' },
    });
  });

  test('bad input is refused with a reason', () => {
    expect(() => parseCliOptions([], {})).toThrow(/--data-dir/);
    expect(() => parseCliOptions(['--data-dir', 'd', '--port', 'abc'], {})).toThrow(/--port expects an integer/);
    expect(() => parseCliOptions(['--data-dir', 'd', '--prop', 'novalue'], {})).toThrow(/NAME=VALUE/);
    expect(() => parseCliOptions(['--data-dir', 'd', '--bogus'], {})).toThrow(/bogus/);
    expect(parseCliOptions(['--help'], {})).toEqual({ help: true });
  });
});
