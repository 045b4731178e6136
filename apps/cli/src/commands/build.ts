// mace build: converts every model of a deployment file and builds the library package for each
// target ABI (or --abi), in MACE's layout under <out>/<library_name>/ — include/, lib/<abi>/,
// bin/<abi>/, model/ — plus one reproducible <library_name>-<abi>.tar.gz per ABI in packages/.
import { cp, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BuildError, builderPaths, buildLibraryPackage, runtimesFor } from '@mace/builder';
import { UsageError, UserError, type Command } from '../command.js';
import { convertModel, loadDeployment } from '../deployment.js';
import { repoRoot, stderrBuildLog } from '../native.js';
import { printTable } from '../table.js';

export const buildCommand: Command = {
  name: 'build',
  summary:
    'Converts the models of a deployment file and builds the library package (headers, libmace, tools, models) for each target ABI.',
  usage: 'mace build --config FILE.yml [--abi ABI] [--out DIR] [--verbose]',
  options: {
    config: { type: 'string', value: 'FILE', description: 'the deployment file (MACE YAML)' },
    abi: {
      type: 'string',
      value: 'ABI',
      description: "build only this ABI (default: the file's target_abis)",
    },
    out: { type: 'string', value: 'DIR', description: 'output folder', default: 'builds' },
    verbose: { type: 'boolean', description: 'show compiler output' },
  },
  async run(values) {
    if (!values.config) throw new UsageError('--config is required');
    const dep = await loadDeployment(String(values.config));
    const { config } = dep;
    const abis = values.abi ? [String(values.abi)] : config.targetAbis;
    const out = resolve(String(values.out));
    const root = join(out, config.libraryName);
    const models = [];
    for (const model of config.models) {
      const converted = await convertModel(dep, model, out);
      models.push({ tag: model.tag, graphFile: converted.macePath, dataFile: converted.dataPath });
    }
    const runtimes = runtimesFor(config.models);
    const rows: string[][] = [];
    await mkdir(join(root, 'packages'), { recursive: true });
    for (const abi of abis) {
      const staging = join(root, `.staging-${abi}`);
      const archive = join(root, 'packages', `${config.libraryName}-${abi}.tar.gz`);
      process.stderr.write(`building ${config.libraryName} for ${abi}…\n`);
      try {
        const pkg = await buildLibraryPackage({
          abi,
          libraryName: config.libraryName,
          runtimes,
          modelGraphFormat: config.modelGraphFormat,
          modelDataFormat: config.modelDataFormat,
          models,
          paths: builderPaths(repoRoot),
          dest: staging,
          archive,
          log: stderrBuildLog(Boolean(values.verbose)),
          signal: new AbortController().signal,
        });
        await cp(staging, root, { recursive: true, force: true });
        const so = pkg.manifest.files.find((f) => f.path === `lib/${abi}/libmace.so`);
        rows.push([abi, pkg.runtime.origin, `${Math.round((so?.size ?? 0) / 1024)} KB`, archive]);
      } catch (err) {
        if (err instanceof BuildError) throw new UserError(`${abi}: ${err.message}`);
        throw err;
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    }
    printTable(['ABI', 'runtime', 'libmace.so (stripped)', 'package'], rows);
    process.stdout.write(`library ${config.libraryName}: ${root}\n`);
    return 0;
  },
};
