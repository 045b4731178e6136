// Service names, the commands the daemon answers itself, and shell v2 framing.
import { describe, expect, test } from 'vitest';
import { DEFAULT_BATTERY, formatBatteryDump, validateBattery } from '../src/adb/battery.js';
import { runBuiltinCommand } from '../src/adb/builtin-commands.js';
import { buildProperties, connectionBanner } from '../src/adb/properties.js';
import { parseShellDestination } from '../src/adb/services/router.js';
import { encodeExitPacket, encodeShellPacket, ShellPacketDecoder } from '../src/adb/services/shell-protocol.js';

const state = { properties: buildProperties('SERIAL1', { 'ro.product.model': 'Model X' }), battery: DEFAULT_BATTERY };

describe('service destinations', () => {
  test('legacy, v2 and exec shells are told apart; TERM is kept; unknown arguments are ignored', () => {
    expect(parseShellDestination('shell:ls -l')).toEqual({ flavour: 'legacy', command: 'ls -l', env: {} });
    expect(parseShellDestination('shell,v2,TERM=xterm,raw:exit 7')).toEqual({
      flavour: 'v2',
      command: 'exit 7',
      env: { TERM: 'xterm' },
    });
    expect(parseShellDestination('shell,v2,pty,future:')).toEqual({ flavour: 'v2', command: undefined, env: {} });
    expect(parseShellDestination('exec:cat /x')).toEqual({ flavour: 'exec', command: 'cat /x', env: {} });
    expect(parseShellDestination('reverse:list-forward')).toBeUndefined();
  });
});

describe('builtin commands', () => {
  test('bare getprop prints every property as [name]: [value], sorted', () => {
    const output = runBuiltinCommand('getprop', state)?.stdout ?? '';
    expect(output).toContain('[ro.product.model]: [Model X]\n');
    expect(output).toContain('[ro.serialno]: [SERIAL1]\n');
    const names = output
      .trim()
      .split('\n')
      .map((line) => /^\[(.*?)\]/.exec(line)?.[1]);
    expect(names).toEqual([...names].sort());
  });

  test('getprop NAME [DEFAULT] prints one value, quoted or not', () => {
    expect(runBuiltinCommand(' getprop "ro.product.cpu.abi" ', state)).toEqual({ stdout: 'arm64-v8a\n', exitCode: 0 });
    expect(runBuiltinCommand('getprop no.such', state)?.stdout).toBe('\n');
    expect(runBuiltinCommand('getprop no.such fallback', state)?.stdout).toBe('fallback\n');
    expect(runBuiltinCommand('getprop constructor', state)?.stdout).toBe('\n');
  });

  test('dumpsys battery prints the current state', () => {
    const output = runBuiltinCommand('dumpsys battery', { ...state, battery: { level: 12, temperature: 420 } })?.stdout;
    expect(output).toBe(formatBatteryDump({ level: 12, temperature: 420 }));
    expect(output).toMatch(/\n {2}level: 12\n/);
    expect(output).toMatch(/\n {2}temperature: 420\n/);
  });

  test('anything else, including getprop inside a script, runs as a process', () => {
    for (const command of ['getprop ro.x; echo', 'getprop a b c', 'dumpsys', 'dumpsys battery | grep level', 'ls']) {
      expect(runBuiltinCommand(command, state)).toBeUndefined();
    }
  });

  test('battery values are checked', () => {
    expect(() => validateBattery({ level: 101, temperature: 300 })).toThrow(/level/);
    expect(() => validateBattery({ level: 50, temperature: 30.5 })).toThrow(/temperature/);
  });
});

describe('banner and shell v2 framing', () => {
  test('the CNXN banner names the product, model and device and lists the implemented features', () => {
    expect(connectionBanner(state.properties)).toBe(
      'device::ro.product.name=virtual_phone;ro.product.model=Model X;ro.product.device=virtual_phone;features=shell_v2,stat_v2,fixed_push_mkdir',
    );
  });

  test('shell packets reassemble across arbitrary splits', () => {
    const bytes = Buffer.concat([
      encodeShellPacket(0, Buffer.from('input')),
      encodeShellPacket(4, Buffer.alloc(0)),
      encodeExitPacket(258),
    ]);
    const decoder = new ShellPacketDecoder();
    const packets = [bytes.subarray(0, 3), bytes.subarray(3, 9), bytes.subarray(9)].flatMap((part) =>
      decoder.push(part),
    );
    expect(packets.map((packet) => [packet.id, packet.data.toString('hex')])).toEqual([
      [0, Buffer.from('input').toString('hex')],
      [4, ''],
      [3, '02'],
    ]);
  });
});
