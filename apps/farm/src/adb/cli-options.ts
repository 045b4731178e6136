// Command-line flags (and VIRTUAL_PHONE_* environment variables) of the virtual phone CLI.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VirtualPhoneOptions } from './virtual-phone.js';

export const USAGE = `Usage: virtual-phone --data-dir DIR [options]
Starts one virtual Android phone on 127.0.0.1 and prints its adb serial (127.0.0.1:PORT).

  --data-dir DIR          phone state; the phone root is DIR/root without --rootfs   [VIRTUAL_PHONE_DATA_DIR]
  --rootfs DIR            chroot commands into DIR (needs root)                      [VIRTUAL_PHONE_ROOTFS]
  --port N                TCP port, 0 for any free one (default 0)                   [VIRTUAL_PHONE_PORT]
  --model NAME            ro.product.model
  --soc NAME              ro.board.platform (e.g. sdm845)
  --abi ABI               ro.product.cpu.abi (e.g. arm64-v8a)
  --prop NAME=VALUE       any system property (repeatable)
  --battery-level N       percent (default 87)
  --battery-temperature N tenths of °C (default 310)
  --opencl                create an empty /vendor/lib64/libOpenCL.so marker           [VIRTUAL_PHONE_OPENCL=1]
  --require-auth          make the host authenticate                                 [VIRTUAL_PHONE_REQUIRE_AUTH=1]
  --allow-key FILE        trust the adbkey.pub in FILE (repeatable)
  --auto-accept           trust any key the host offers
  --verbose               log connections and errors to stderr
  --help                  this text`;

export type CliCommand = { help: true } | { help: false; options: VirtualPhoneOptions; verbose: boolean };

export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      rootfs: { type: 'string' },
      port: { type: 'string' },
      model: { type: 'string' },
      soc: { type: 'string' },
      abi: { type: 'string' },
      prop: { type: 'string', multiple: true },
      'battery-level': { type: 'string' },
      'battery-temperature': { type: 'string' },
      opencl: { type: 'boolean' },
      'require-auth': { type: 'boolean' },
      'allow-key': { type: 'string', multiple: true },
      'auto-accept': { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return { help: true };

  const dataDir = values['data-dir'] ?? env.VIRTUAL_PHONE_DATA_DIR;
  if (!dataDir) throw new Error('--data-dir (or VIRTUAL_PHONE_DATA_DIR) is required');
  const properties: Record<string, string> = {};
  for (const assignment of values.prop ?? []) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw new Error(`--prop expects NAME=VALUE, got "${assignment}"`);
    properties[assignment.slice(0, equals)] = assignment.slice(equals + 1);
  }
  if (values.model) properties['ro.product.model'] = values.model;
  if (values.soc) properties['ro.board.platform'] = values.soc;
  if (values.abi) properties['ro.product.cpu.abi'] = values.abi;

  const battery: VirtualPhoneOptions['battery'] = {};
  if (values['battery-level'] !== undefined) battery.level = integer('--battery-level', values['battery-level']);
  if (values['battery-temperature'] !== undefined) {
    battery.temperature = integer('--battery-temperature', values['battery-temperature']);
  }
  const portText = values.port ?? env.VIRTUAL_PHONE_PORT;
  return {
    help: false,
    verbose: values.verbose ?? false,
    options: {
      dataDir,
      rootfs: values.rootfs ?? (env.VIRTUAL_PHONE_ROOTFS || undefined),
      port: portText === undefined ? 0 : integer('--port', portText),
      properties,
      battery,
      openclLibrary: values.opencl ?? env.VIRTUAL_PHONE_OPENCL === '1',
      requireAuth: values['require-auth'] ?? env.VIRTUAL_PHONE_REQUIRE_AUTH === '1',
      allowedKeys: (values['allow-key'] ?? []).map((file) => readFileSync(file, 'utf8')),
      autoAccept: values['auto-accept'] ?? false,
    },
  };
}

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${flag} expects an integer, got "${text}"`);
  return value;
}
