// One connection from an adb server: the CNXN/AUTH handshake, then a table of streams
// multiplexed over the socket by their local and remote ids.
import type { Socket } from 'node:net';
import { AuthType, newAuthToken, parseAdbPublicKey, type AdbPublicKey, type TrustedKeys } from './auth.js';
import {
  AdbProtocolError,
  Command,
  commandName,
  encodePacket,
  PacketDecoder,
  VERSION_SKIP_CHECKSUM,
} from './packet.js';
import { findService } from './services/router.js';
import type { ServiceContext } from './services/service-context.js';
import { AdbStream } from './stream.js';

/** The protocol version we speak (the one whose peers skip checksums). */
const DEVICE_VERSION = VERSION_SKIP_CHECKSUM;

export interface AuthPolicy {
  trustedKeys: TrustedKeys;
  /** Accept any key the host offers, as if the user tapped "Allow" at once. */
  autoAccept: boolean;
}

export interface ConnectionSettings {
  banner: () => string;
  /** Largest payload we accept, announced in our CNXN. */
  maxPayload: number;
  /** Undefined: no authentication, like a phone with ro.adb.secure=0. */
  auth: AuthPolicy | undefined;
  services: ServiceContext;
}

/** `unauthorized` is the state adb shows while the phone waits for the user to accept a key. */
export type ConnectionState = 'offline' | 'authorizing' | 'unauthorized' | 'online';

export class DeviceConnection {
  private connectionState: ConnectionState = 'offline';
  private readonly decoder: PacketDecoder;
  private readonly streams = new Map<number, AdbStream>();
  private nextLocalId = 1;
  private peerMaxPayload = 4096;
  private withChecksum = true;
  private token: Buffer | undefined;
  private offeredKey: AdbPublicKey | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly settings: ConnectionSettings,
    onClosed: (connection: DeviceConnection) => void,
  ) {
    this.decoder = new PacketDecoder(settings.maxPayload);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.log(`socket error: ${error.message}`));
    socket.on('close', () => {
      for (const stream of [...this.streams.values()]) stream.destroy();
      onClosed(this);
    });
  }

  get state(): ConnectionState {
    return this.connectionState;
  }

  /** Completes the handshake if this connection waits for a key that is now trusted. */
  recheckOfferedKey(): void {
    const auth = this.settings.auth;
    if (this.connectionState === 'unauthorized' && this.offeredKey && auth?.trustedKeys.has(this.offeredKey)) {
      this.log(`the user allowed the key of ${describeKey(this.offeredKey)}`);
      this.goOnline();
    }
  }

  /** Closes the socket: `abrupt` resets it like a pulled cable, otherwise it ends cleanly. */
  close(abrupt: boolean): void {
    if (abrupt) this.socket.resetAndDestroy();
    else this.socket.end();
  }

  private receive(chunk: Buffer): void {
    try {
      for (const packet of this.decoder.push(chunk)) {
        this.handle(packet.command, packet.arg0, packet.arg1, packet.payload);
      }
    } catch (error) {
      if (!(error instanceof AdbProtocolError)) throw error;
      this.log(`protocol error, dropping the connection: ${error.message}`);
      this.socket.destroy();
    }
  }

  private handle(command: number, arg0: number, arg1: number, payload: Buffer): void {
    switch (command) {
      case Command.CNXN:
        return this.handleConnect(arg0, arg1);
      case Command.AUTH:
        return this.handleAuth(arg0, payload);
    }
    // Like adbd, ignore stream traffic until the host is authorised.
    if (this.connectionState !== 'online') return;
    switch (command) {
      case Command.OPEN:
        return this.openStream(arg0, payload);
      case Command.OKAY:
        return this.streams.get(arg1)?.receiveOkay();
      case Command.WRTE: {
        const stream = this.streams.get(arg1);
        if (stream) {
          stream.receiveWrite(payload).catch((error: unknown) => {
            this.log(`stream ${stream.localId}: ${error instanceof Error ? error.message : String(error)}`);
            stream.end();
          });
        }
        return;
      }
      case Command.CLSE:
        return this.streams.get(arg1)?.receiveClose();
      default:
        this.log(`ignoring ${commandName(command)}`);
    }
  }

  private handleConnect(version: number, peerMaxPayload: number): void {
    // A new CNXN restarts the session: streams of the previous one are gone.
    for (const stream of [...this.streams.values()]) stream.destroy();
    this.withChecksum = version < VERSION_SKIP_CHECKSUM;
    this.decoder.verifyChecksum = this.withChecksum;
    this.peerMaxPayload = Math.min(peerMaxPayload, this.settings.maxPayload);
    if (this.settings.auth) this.requestSignature();
    else this.goOnline();
  }

  private handleAuth(type: number, payload: Buffer): void {
    const auth = this.settings.auth;
    if (!auth || this.connectionState === 'online') return;
    if (type === AuthType.SIGNATURE && this.token) {
      const signer = auth.trustedKeys.findSigner(this.token, payload);
      if (!signer) return this.requestSignature(); // the host tries its next key, then sends its public key
      this.log(`authenticated the host by the signature of ${describeKey(signer)}`);
      this.goOnline();
    } else if (type === AuthType.RSAPUBLICKEY) {
      let key: AdbPublicKey;
      try {
        key = parseAdbPublicKey(payload.toString('latin1'));
      } catch (error) {
        this.log(`rejecting a malformed public key: ${(error as Error).message}`);
        return;
      }
      if (auth.autoAccept) auth.trustedKeys.add(payload.toString('latin1'));
      if (auth.trustedKeys.has(key)) {
        this.log(`accepted the offered key of ${describeKey(key)}`);
        return this.goOnline();
      }
      this.offeredKey = key;
      this.connectionState = 'unauthorized';
      this.log(`unauthorized: waiting for the user to allow the key of ${describeKey(key)}`);
    }
  }

  private requestSignature(): void {
    this.connectionState = 'authorizing';
    this.token = newAuthToken();
    this.send(Command.AUTH, AuthType.TOKEN, 0, this.token);
  }

  private goOnline(): void {
    this.connectionState = 'online';
    this.token = undefined;
    this.offeredKey = undefined;
    this.send(Command.CNXN, DEVICE_VERSION, this.settings.maxPayload, Buffer.from(this.settings.banner()));
  }

  private openStream(remoteId: number, payload: Buffer): void {
    const destination = payload.toString('utf8').replace(/\0+$/, '');
    const start = findService(destination);
    if (!start) {
      this.log(`no service for "${destination}"`);
      this.send(Command.CLSE, 0, remoteId);
      return;
    }
    const localId = this.nextLocalId++;
    const stream = new AdbStream(localId, remoteId, this, this.peerMaxPayload, (done) =>
      this.streams.delete(done.localId),
    );
    this.streams.set(localId, stream);
    this.send(Command.OKAY, localId, remoteId);
    try {
      start(stream, this.settings.services);
    } catch (error) {
      this.log(`"${destination}" failed to start: ${error instanceof Error ? error.message : String(error)}`);
      stream.end();
    }
  }

  send(command: number, arg0: number, arg1: number, payload: Buffer = Buffer.alloc(0)): void {
    if (this.socket.destroyed) return;
    this.socket.write(encodePacket({ command, arg0, arg1, payload }, this.withChecksum));
  }

  private log(line: string): void {
    this.settings.services.log(`[${this.socket.remoteAddress}:${this.socket.remotePort}] ${line}`);
  }
}

function describeKey(key: AdbPublicKey): string {
  return key.comment || 'an unnamed host';
}
