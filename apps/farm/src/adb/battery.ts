// The battery the phone reports through `dumpsys battery`. Tests raise the temperature
// at run time to make the agent wait for the phone to cool down.

export interface BatteryState {
  /** Charge in percent, 0..100. */
  level: number;
  /** Temperature in tenths of a degree Celsius, as Android reports it (310 = 31.0 °C). */
  temperature: number;
}

export const DEFAULT_BATTERY: BatteryState = { level: 87, temperature: 310 };

export function validateBattery(state: BatteryState): BatteryState {
  if (!Number.isInteger(state.level) || state.level < 0 || state.level > 100) {
    throw new RangeError(`battery level must be an integer percentage, got ${state.level}`);
  }
  if (!Number.isInteger(state.temperature) || Math.abs(state.temperature) > 2000) {
    throw new RangeError(`battery temperature must be an integer in tenths of °C, got ${state.temperature}`);
  }
  return state;
}

/** The text of `dumpsys battery` on Android 10 (USB powered, charging). */
export function formatBatteryDump(state: BatteryState): string {
  return [
    'Current Battery Service state:',
    '  AC powered: false',
    '  USB powered: true',
    '  Wireless powered: false',
    '  Max charging current: 500000',
    '  Max charging voltage: 5000000',
    '  Charge counter: 2763000',
    '  status: 2',
    '  health: 2',
    '  present: true',
    `  level: ${state.level}`,
    '  scale: 100',
    '  voltage: 4180',
    `  temperature: ${state.temperature}`,
    '  technology: Li-ion',
    '',
  ].join('\n');
}
