// Commands the daemon answers itself instead of starting a process, because their answer
// is phone state the root filesystem does not hold: `getprop` and `dumpsys battery`.
// Only the plain command is recognised here; inside a longer command line the scripts of
// system-commands.ts give the same answers.
import { formatBatteryDump, type BatteryState } from './battery.js';
import { formatAllProperties, type DeviceProperties } from './properties.js';

export interface BuiltinResult {
  stdout: string;
  exitCode: number;
}

export interface PhoneState {
  properties: DeviceProperties;
  battery: BatteryState;
}

/** Shell syntax that makes a command more than a simple word list. */
const SHELL_SYNTAX = /[;&|<>$`()\\\n*?[\]{}#~=]/;

/** Splits a simple command into words, honouring matching single or double quotes. */
function simpleWords(command: string): string[] | undefined {
  if (SHELL_SYNTAX.test(command)) return undefined;
  const words: string[] = [];
  for (const match of command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? match[3];
    if (/['"]/.test(word)) return undefined;
    words.push(word);
  }
  return words;
}

export function runBuiltinCommand(command: string, state: PhoneState): BuiltinResult | undefined {
  const words = simpleWords(command.trim());
  if (!words) return undefined;
  const [program, ...args] = words;
  if (program === 'getprop' && args.length === 0) {
    return { stdout: formatAllProperties(state.properties), exitCode: 0 };
  }
  if (program === 'getprop' && args.length <= 2) {
    const [name, fallback = ''] = args;
    const value = Object.hasOwn(state.properties, name) ? state.properties[name] : fallback;
    return { stdout: `${value}\n`, exitCode: 0 };
  }
  if (program === 'dumpsys' && args.length === 1 && args[0] === 'battery') {
    return { stdout: formatBatteryDump(state.battery), exitCode: 0 };
  }
  return undefined;
}
