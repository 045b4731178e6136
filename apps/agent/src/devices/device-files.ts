// Files on a device, content-addressed: <workRoot>/blobs/<sha256><ext> is pushed once and reused
// by every later job (tools, models, inputs), and each job gets <workRoot>/jobs/<job id>/, removed
// at its end. A push goes to a temporary name first, so a blob under its final name is complete.
import { shellQuote as q, type DeviceTransport, type ExecResult } from './transport.js';

export interface FileLog {
  system(text: string): void;
}

const SHORT_TIMEOUT_S = 60;

export class DeviceFiles {
  /** Blobs known to be on the device (a device may lose them: a job failure re-checks). */
  private readonly present = new Set<string>();

  constructor(
    readonly transport: DeviceTransport,
    private readonly signal: AbortSignal,
    private readonly log: FileLog,
  ) {}

  /** A short command that must succeed (mkdir, mv, rm). */
  async run(command: string): Promise<ExecResult> {
    const r = await this.transport.exec(command, { timeoutS: SHORT_TIMEOUT_S, signal: this.signal });
    if (r.code !== 0)
      throw new Error(`'${command}' failed on the device (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    return r;
  }

  /** The device path of a local file whose sha256 is known, pushing it only when the device lacks it. */
  async blob(sha256: string, local: string, opts: { ext?: string; mode?: number; what: string }): Promise<string> {
    const remote = `${this.transport.workRoot}/blobs/${sha256}${opts.ext ?? ''}`;
    if (this.present.has(remote)) return remote;
    const check = await this.transport.exec(`[ -f ${q(remote)} ]`, { timeoutS: SHORT_TIMEOUT_S, signal: this.signal });
    if (check.code === 0) {
      this.log.system(`${opts.what}: already on the device (${sha256.slice(0, 12)})`);
    } else {
      const tmp = `${remote}.tmp-${process.pid}-${Date.now()}`;
      await this.run(`mkdir -p ${q(`${this.transport.workRoot}/blobs`)}`);
      const t0 = Date.now();
      await this.transport.push(local, tmp, opts.mode ?? 0o644);
      await this.run(`mv -f ${q(tmp)} ${q(remote)}`);
      this.log.system(`${opts.what}: pushed (${sha256.slice(0, 12)}, ${Date.now() - t0} ms)`);
    }
    this.present.add(remote);
    return remote;
  }

  /** A fresh folder for one job (with out/ for outputs). */
  async jobDir(jobId: string): Promise<string> {
    const dir = `${this.transport.workRoot}/jobs/${jobId}`;
    await this.run(`rm -rf ${q(dir)} && mkdir -p ${q(`${dir}/out`)}`);
    return dir;
  }

  async removeJobDir(dir: string): Promise<void> {
    await this.run(`rm -rf ${q(dir)}`).catch(() => undefined);
  }
}
