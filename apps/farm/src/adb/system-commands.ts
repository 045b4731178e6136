// Android's `getprop` and `dumpsys battery` as commands inside the phone, for command
// lines the daemon does not answer itself (`getprop x; ...`, `timeout 30 sh -c getprop`).
// They are POSIX sh scripts using only shell builtins, reading state files the daemon
// rewrites whenever the state changes; VIRTUAL_PHONE_STATE tells them which phone's files
// to read, so phones sharing one rootfs do not mix their answers.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatBatteryDump } from './battery.js';
import type { PhoneState } from './builtin-commands.js';
import { formatAllProperties } from './properties.js';

export const STATE_ENV_VARIABLE = 'VIRTUAL_PHONE_STATE';

/** Tags our scripts, so that a real getprop already in a rootfs is left alone. */
const SCRIPT_TAG = '# virtual-phone system command';

const SCRIPTS: Record<string, string> = {
  getprop: `#!/bin/sh
${SCRIPT_TAG}: getprop [NAME [DEFAULT]] from the phone's property list.
props="\${${STATE_ENV_VARIABLE}:?not started by the virtual phone}/properties"
if [ $# -eq 0 ]; then
  while IFS= read -r line; do printf '%s\\n' "$line"; done < "$props"
  exit 0
fi
while IFS= read -r line; do
  case $line in
    "[$1]: ["*) value=\${line#"[$1]: ["}; printf '%s\\n' "\${value%]}"; exit 0 ;;
  esac
done < "$props"
printf '%s\\n' "\${2-}"
`,
  dumpsys: `#!/bin/sh
${SCRIPT_TAG}: dumpsys knows the battery service only.
state="\${${STATE_ENV_VARIABLE}:?not started by the virtual phone}"
case "\${1-}" in
  battery) while IFS= read -r line; do printf '%s\\n' "$line"; done < "$state/battery" ;;
  *) echo "Can't find service: \${1-}" >&2; exit 1 ;;
esac
`,
};

export class SystemCommands {
  private constructor(
    private readonly hostStateDir: string,
    /** VIRTUAL_PHONE_STATE for the phone's processes: a device path when they run chrooted. */
    readonly stateDirForProcesses: string,
  ) {}

  /** Installs /system/bin/{getprop,dumpsys} under `hostRoot` and the state directory `stateName`. */
  static install(hostRoot: string, stateName: string, chroot: boolean): SystemCommands {
    const binDir = path.join(hostRoot, 'system/bin');
    mkdirSync(binDir, { recursive: true });
    for (const [name, script] of Object.entries(SCRIPTS)) {
      const file = path.join(binDir, name);
      let existing: string | undefined;
      try {
        existing = readFileSync(file, 'utf8');
      } catch {
        existing = undefined;
      }
      if (existing !== undefined && !existing.includes(SCRIPT_TAG)) continue;
      if (existing !== script) writeAtomically(file, script);
      chmodSync(file, 0o755);
    }
    const deviceStateDir = `/data/system/virtual-phone/${stateName}`;
    const hostStateDir = path.join(hostRoot, deviceStateDir);
    mkdirSync(hostStateDir, { recursive: true });
    return new SystemCommands(hostStateDir, chroot ? deviceStateDir : hostStateDir);
  }

  /** Rewrites the state files; readers see the old or the new file, never half of one. */
  update(state: PhoneState): void {
    writeAtomically(path.join(this.hostStateDir, 'properties'), formatAllProperties(state.properties));
    writeAtomically(path.join(this.hostStateDir, 'battery'), formatBatteryDump(state.battery));
  }
}

function writeAtomically(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}
