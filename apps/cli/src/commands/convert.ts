// mace convert: deployment file → engine model files and op-coverage report per model.
import { resolve } from 'node:path';
import { UsageError, type Command } from '../command.js';
import { convertModel, loadDeployment } from '../deployment.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'Converts every model of a deployment file into the engine format (.mace graph + .data weights).',
  usage: 'mace convert --config FILE.yml [--out DIR]',
  options: {
    config: { type: 'string', value: 'FILE', description: 'the deployment file (MACE YAML)' },
    out: { type: 'string', value: 'DIR', description: 'output folder', default: 'builds' },
  },
  async run(values) {
    if (!values.config) throw new UsageError('--config is required');
    const dep = await loadDeployment(String(values.config));
    for (const model of dep.config.models) {
      const t0 = performance.now();
      const c = await convertModel(dep, model, resolve(String(values.out)));
      const s = c.result.stats;
      process.stdout.write(
        `${model.tag}: ${s.nodesIn} nodes in, ${s.nodesOut} ops out, ${s.folded} folded, ` +
          `memory ${(s.memory.plannedBytes / 1048576).toFixed(2)} MiB planned (naive ${(s.memory.naiveBytes / 1048576).toFixed(2)} MiB), ` +
          `${(performance.now() - t0).toFixed(0)} ms\n  ${c.macePath}\n  ${c.dataPath}\n`,
      );
    }
    return 0;
  },
};
