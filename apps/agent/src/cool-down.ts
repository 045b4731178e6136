// Cool-down before a benchmark: a hot phone throttles, and its numbers would not compare with a
// cool one's. While the device reports a temperature above MACE_COOL_DOWN_C (default 40 °C), wait
// (polling every MACE_COOL_DOWN_POLL_S, default 10 s) up to MACE_COOL_DOWN_MAX_S (default 300 s),
// then benchmark anyway and say so in the job log.
import type { JobContext } from '@mace/pipeline';
import { parseBattery } from './devices/android.js';
import type { DeviceTransport } from './devices/transport.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

/** °C from Android's `dumpsys battery` (tenths of a degree) or a Linux thermal zone (milli-degrees); null when neither answers. */
export async function readTemperatureC(transport: DeviceTransport, signal: AbortSignal): Promise<number | null> {
  const r = await transport.exec(
    'if command -v dumpsys >/dev/null 2>&1; then dumpsys battery; else cat /sys/class/thermal/thermal_zone0/temp; fi',
    { timeoutS: 20, signal },
  );
  if (r.code !== 0) return null;
  const battery = parseBattery(r.stdout).temperatureC;
  if (battery !== null) return battery;
  const zone = /^\s*(-?\d+)\s*$/.exec(r.stdout);
  return zone ? Number(zone[1]) / 1000 : null;
}

export async function coolDown(ctx: JobContext, transport: DeviceTransport): Promise<void> {
  const limit = env('MACE_COOL_DOWN_C', 40);
  const pollMs = env('MACE_COOL_DOWN_POLL_S', 10) * 1000;
  const deadline = Date.now() + env('MACE_COOL_DOWN_MAX_S', 300) * 1000;
  for (;;) {
    const t = await readTemperatureC(transport, ctx.signal);
    if (t === null || t <= limit) {
      if (t !== null) ctx.log.system(`device temperature ${t.toFixed(1)} °C (limit ${limit} °C): benchmarking`);
      return;
    }
    if (Date.now() >= deadline) {
      ctx.log.system(
        `device still at ${t.toFixed(1)} °C after the cool-down limit; benchmarking anyway (results may show throttling)`,
      );
      return;
    }
    ctx.log.system(`cooling down: device at ${t.toFixed(1)} °C > ${limit} °C, waiting ${pollMs / 1000} s`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, pollMs);
      ctx.signal.addEventListener('abort', () => (clearTimeout(timer), reject(ctx.signal.reason)), { once: true });
    });
  }
}
