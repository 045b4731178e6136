// One ADB stream (an OPENed service) with the protocol's flow control: after a WRTE the
// sender waits for the peer's OKAY before the next WRTE, and a WRTE carries at most the
// peer's maxdata bytes.
import { Command } from './packet.js';

export interface PacketSender {
  send(command: number, arg0: number, arg1: number, payload?: Buffer): void;
}

type DataHandler = (data: Buffer) => void | Promise<void>;

export class AdbStream {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private awaitingAck = false;
  private ending = false;
  private isClosed = false;
  private drainWaiters: (() => void)[] = [];
  private dataHandler: DataHandler | undefined;
  private closeHandlers: (() => void)[] = [];

  constructor(
    readonly localId: number,
    readonly remoteId: number,
    private readonly sender: PacketSender,
    /** Largest WRTE payload the peer accepts. */
    private readonly maxPayload: number,
    private readonly onReleased: (stream: AdbStream) => void,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Receives the host's WRTE payloads; the host gets its OKAY once `handler` settles. */
  onData(handler: DataHandler): void {
    this.dataHandler = handler;
  }

  /** Runs once the stream is gone, whichever side closed it. */
  onClose(handler: () => void): void {
    if (this.isClosed) handler();
    else this.closeHandlers.push(handler);
  }

  /**
   * Queues bytes for the host. Resolves when the backlog is small enough to queue more
   * (backpressure for the producer); once the stream is closed the bytes are dropped.
   */
  write(data: Buffer): Promise<void> {
    if (this.isClosed || this.ending || data.length === 0) return Promise.resolve();
    this.pending.push(data);
    this.pendingBytes += data.length;
    this.pump();
    if (this.pendingBytes <= this.maxPayload) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Sends CLSE once every queued byte has been acknowledged. */
  end(): void {
    if (this.isClosed || this.ending) return;
    this.ending = true;
    this.pump();
  }

  /** The host sent a WRTE on this stream. */
  async receiveWrite(data: Buffer): Promise<void> {
    if (this.dataHandler) await this.dataHandler(data);
    if (!this.isClosed) this.sender.send(Command.OKAY, this.localId, this.remoteId);
  }

  /** The host acknowledged our last WRTE. */
  receiveOkay(): void {
    this.awaitingAck = false;
    this.pump();
  }

  /** The host closed the stream; no CLSE goes back (adbd does the same). */
  receiveClose(): void {
    this.finish();
  }

  /** The connection died: forget the stream without sending anything. */
  destroy(): void {
    this.finish();
  }

  private pump(): void {
    if (this.isClosed || this.awaitingAck) return;
    if (this.pendingBytes > 0) {
      this.sender.send(Command.WRTE, this.localId, this.remoteId, this.takeChunk());
      this.awaitingAck = true;
      if (this.pendingBytes <= this.maxPayload) this.releaseWaiters();
    } else if (this.ending) {
      this.sender.send(Command.CLSE, this.localId, this.remoteId);
      this.finish();
    }
  }

  /** Takes up to maxPayload queued bytes, coalescing small writes into one WRTE. */
  private takeChunk(): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    while (this.pending.length > 0 && size < this.maxPayload) {
      const head = this.pending[0];
      const room = this.maxPayload - size;
      if (head.length <= room) {
        parts.push(head);
        size += head.length;
        this.pending.shift();
      } else {
        parts.push(head.subarray(0, room));
        size += room;
        this.pending[0] = head.subarray(room);
      }
    }
    this.pendingBytes -= size;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
  }

  private releaseWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private finish(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.releaseWaiters();
    this.onReleased(this);
    const handlers = this.closeHandlers;
    this.closeHandlers = [];
    for (const handler of handlers) handler();
  }
}
