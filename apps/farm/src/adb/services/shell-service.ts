// Command services. `shell:` (legacy) sends stdout and stderr mixed, with no exit code;
// `shell,v2:` frames stdin/stdout/stderr and ends with the exit code; `exec:` sends
// stdout only, unframed, for binary output. There is no pty: `pty` requests run like
// `raw` ones, and an empty command starts /bin/sh reading commands from stdin, without a
// prompt or line editing.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { runBuiltinCommand } from '../builtin-commands.js';
import { hangUp, spawnDeviceCommand } from '../device-process.js';
import type { AdbStream } from '../stream.js';
import type { ServiceContext } from './service-context.js';
import { encodeExitPacket, encodeShellPacket, ShellPacketDecoder, ShellPacketId } from './shell-protocol.js';

export type ShellFlavour = 'legacy' | 'v2' | 'exec';

export interface ShellRequest {
  flavour: ShellFlavour;
  /** Undefined for an interactive shell. */
  command: string | undefined;
  env: Record<string, string>;
}

/** The exit code sh reports for a command that could not be started. */
const EXIT_NOT_STARTED = 127;

export function startShellService(stream: AdbStream, request: ShellRequest, context: ServiceContext): void {
  const builtin = request.command === undefined ? undefined : runBuiltinCommand(request.command, context.phoneState());
  if (builtin) {
    stream.onData(() => undefined);
    void sendOutput(stream, request.flavour, ShellPacketId.STDOUT, Buffer.from(builtin.stdout));
    finish(stream, request.flavour, builtin.exitCode);
    return;
  }

  const child = spawnDeviceCommand(context.placement, request);
  context.trackProcess(child);
  let finished = false;
  const finishOnce = (exitCode: number) => {
    if (finished) return;
    finished = true;
    finish(stream, request.flavour, exitCode);
  };

  forwardOutput(child.stdout, stream, request.flavour, ShellPacketId.STDOUT);
  if (request.flavour === 'exec') child.stderr.resume();
  else forwardOutput(child.stderr, stream, request.flavour, ShellPacketId.STDERR);
  child.on('error', (error) => {
    context.log(`could not start "${request.command ?? '/bin/sh'}": ${error.message}`);
    // exec: carries stdout only, so the reason goes to the log alone.
    if (request.flavour !== 'exec') {
      void sendOutput(stream, request.flavour, ShellPacketId.STDERR, Buffer.from(`/bin/sh: ${error.message}\n`));
    }
    finishOnce(EXIT_NOT_STARTED);
  });
  // 'close' comes after the output pipes drained, so the exit code follows all output.
  child.on('close', (code, signal) => finishOnce(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  // The host closed the stream (Ctrl-C, or the client went away): hang up like a terminal.
  stream.onClose(() => hangUp(child));

  child.stdin.on('error', () => undefined); // EPIPE when the command does not read its input
  if (request.flavour === 'v2') {
    const decoder = new ShellPacketDecoder();
    stream.onData(async (data) => {
      for (const packet of decoder.push(data)) {
        if (packet.id === ShellPacketId.STDIN) await writeStdin(child, packet.data);
        else if (packet.id === ShellPacketId.CLOSE_STDIN) child.stdin.end();
        // WINDOW_SIZE_CHANGE means nothing without a pty.
      }
    });
  } else {
    stream.onData((data) => writeStdin(child, data));
  }
}

function forwardOutput(source: Readable, stream: AdbStream, flavour: ShellFlavour, id: number): void {
  source.on('data', (chunk: Buffer) => {
    source.pause();
    void sendOutput(stream, flavour, id, chunk).then(() => source.resume());
  });
}

function sendOutput(stream: AdbStream, flavour: ShellFlavour, id: number, data: Buffer): Promise<void> {
  return stream.write(flavour === 'v2' ? encodeShellPacket(id, data) : data);
}

function finish(stream: AdbStream, flavour: ShellFlavour, exitCode: number): void {
  if (flavour === 'v2') void stream.write(encodeExitPacket(exitCode));
  stream.end();
}

function writeStdin(child: ChildProcessWithoutNullStreams, data: Buffer): Promise<void> {
  if (!child.stdin.writable) return Promise.resolve();
  return new Promise((resolve) => child.stdin.write(data, () => resolve()));
}
