// CLI: starts one virtual phone and prints its adb serial on stdout, then serves until
// SIGINT or SIGTERM. Run the compiled form: node apps/farm/dist/adb/main.js --data-dir DIR
import { parseCliOptions, USAGE } from './cli-options.js';
import { startVirtualPhone } from './virtual-phone.js';

async function main(argv: string[]): Promise<void> {
  const command = parseCliOptions(argv);
  if (command.help) {
    console.log(USAGE);
    return;
  }
  const log = command.verbose ? (line: string) => console.error(`virtual-phone: ${line}`) : undefined;
  const phone = await startVirtualPhone({ ...command.options, log });
  console.log(phone.serial);
  const stop = () => {
    phone.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`virtual-phone: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
