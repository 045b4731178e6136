// The virtual ARM Linux board, reached over SSH (see docs/virtual-board.md).
export { startSshBoard, stopSshBoard, type SshBoard, type SshBoardFacts, type SshBoardOptions } from './board.js';
export { fingerprintOf, fingerprintOfBlob } from './keys.js';
