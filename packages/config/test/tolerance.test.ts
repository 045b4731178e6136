// The spellings real deployment files use: scalars for lists, shapes and ranges as strings or
// lists, runtime aliases, 0/1 booleans, numbers as strings, the older single-subgraph form, JSON.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeployment, parseDeploymentFile, type ModelConfig, type SubgraphConfig } from '../src/index.js';
import { SHA_A, SHA_B, errorOf, withModel } from './helpers.js';

function model(lines: string): ModelConfig {
  const cfg = parseDeployment(withModel(lines));
  expect(cfg.models).toHaveLength(1);
  return cfg.models[0]!;
}

function subgraph(sgLines: string, modelLines = ''): SubgraphConfig {
  const m = model(`    subgraphs:\n${sgLines}${modelLines}`);
  expect(m.subgraphs).toHaveLength(1);
  return m.subgraphs[0]!;
}

describe('tensor lists', () => {
  it('accepts scalars where lists are expected', () => {
    const sg = subgraph(`      - input_tensors: data
        input_shapes: 1,224,224,3
        output_tensors: prob
        output_shapes: 1,1000
`);
    expect(sg.inputTensors).toEqual(['data']);
    expect(sg.inputShapes).toEqual([[1, 224, 224, 3]]);
    expect(sg.outputTensors).toEqual(['prob']);
    expect(sg.outputShapes).toEqual([[1, 1000]]);
  });

  it('keeps tensor names that look like numbers or contain colons as written', () => {
    const sg = subgraph(`      - input_tensors: [007, "input:0"]
        input_shapes: ["1,2", "1,3"]
        output_tensors: 1e5
`);
    expect(sg.inputTensors).toEqual(['007', 'input:0']);
    expect(sg.outputTensors).toEqual(['1e5']);
  });
});

describe('shapes', () => {
  const cases: [string, string, number[][]][] = [
    ['an unquoted comma string', '1,224,224,3', [[1, 224, 224, 3]]],
    ['a quoted string', '"1,224,224,3"', [[1, 224, 224, 3]]],
    ['a string with spaces', '"1, 224, 224, 3"', [[1, 224, 224, 3]]],
    ['a YAML flow list', '[1, 224, 224, 3]', [[1, 224, 224, 3]]],
    ['a list of one string', '["1,224,224,3"]', [[1, 224, 224, 3]]],
    ['a list of one list', '[[1, 224, 224, 3]]', [[1, 224, 224, 3]]],
    ['a single integer (1-D shape)', '1001', [[1001]]],
  ];
  it.each(cases)('reads an input shape written as %s', (_name, written, expected) => {
    const sg = subgraph(`      - input_tensors: input
        input_shapes: ${written}
        output_tensors: out
`);
    expect(sg.inputShapes).toEqual(expected);
  });

  it('reads a block list of shapes, one per tensor, mixing strings and lists', () => {
    const sg = subgraph(`      - input_tensors: [a, b]
        input_shapes:
          - 1,224,224,3
          - [1, 10]
        output_tensors: out
`);
    expect(sg.inputShapes).toEqual([
      [1, 224, 224, 3],
      [1, 10],
    ]);
  });

  it('reads a list of integers as 1-D shapes when there is one integer per tensor', () => {
    const sg = subgraph(`      - input_tensors: [a, b]
        input_shapes: ["1,4", "1,5"]
        output_tensors: [x, y]
        output_shapes: [10, 20]
`);
    expect(sg.outputShapes).toEqual([[10], [20]]);
  });

  it('keeps shapes in the stated data format (NCHW stays NCHW)', () => {
    const sg = subgraph(`      - input_tensors: data
        input_shapes: 1,3,224,224
        input_data_formats: NCHW
        output_tensors: out
`);
    expect(sg.inputShapes).toEqual([[1, 3, 224, 224]]);
    expect(sg.inputDataFormats).toEqual(['NCHW']);
  });

  it('reads an empty shape string as a scalar tensor', () => {
    const sg = subgraph(`      - input_tensors: [a, b]
        input_shapes: ["", "1,2"]
        output_tensors: out
`);
    expect(sg.inputShapes).toEqual([[], [1, 2]]);
  });

  it('gives outputShapes null when output_shapes is absent', () => {
    const sg = subgraph(`      - input_tensors: a
        input_shapes: 1,2
        output_tensors: out
`);
    expect(sg.outputShapes).toBeNull();
  });
});

describe('input ranges', () => {
  const io = `      - input_tensors: [a, b]
        input_shapes: ["1,2", "1,3"]
        output_tensors: out
`;
  it('defaults to [-1, 1] per input', () => {
    expect(subgraph(io).inputRanges).toEqual([
      [-1, 1],
      [-1, 1],
    ]);
  });
  it('reads -1.0,1.0 and broadcasts one range to every input', () => {
    expect(subgraph(`${io}        input_ranges: -1.0,1.0\n`).inputRanges).toEqual([
      [-1, 1],
      [-1, 1],
    ]);
  });
  it('reads [-1, 1] as one range', () => {
    expect(subgraph(`${io}        input_ranges: [-1, 1]\n`).inputRanges).toEqual([
      [-1, 1],
      [-1, 1],
    ]);
  });
  it('reads a list with one range per input, as strings or lists', () => {
    expect(subgraph(`${io}        input_ranges: ["0,255", [-0.5, 0.5]]\n`).inputRanges).toEqual([
      [0, 255],
      [-0.5, 0.5],
    ]);
  });
  it('reads a block list of "min,max" strings', () => {
    expect(subgraph(`${io}        input_ranges:\n          - 0, 1\n          - -2.5,2.5\n`).inputRanges).toEqual([
      [0, 1],
      [-2.5, 2.5],
    ]);
  });
});

describe('runtime', () => {
  it.each([
    ['cpu+gpu', 'cpu+gpu'],
    ['cpu_gpu', 'cpu+gpu'],
    ['CPU', 'cpu'],
    ['gpu', 'gpu'],
    ['dsp', 'dsp'],
    ['hexagon', 'dsp'],
    ['apu', 'apu'],
    ['hta', 'hta'],
  ])('runtime: %s is read as %s', (written, expected) => {
    const m = model(
      `    subgraphs:\n      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}\n    runtime: ${written}\n`,
    );
    expect(m.runtime).toBe(expected);
  });

  it('defaults to cpu, with data type fp32_fp32', () => {
    const m = model('    subgraphs:\n      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}\n');
    expect(m.runtime).toBe('cpu');
    expect(m.dataType).toBe('fp32_fp32');
  });

  it.each([
    ['cpu', 'fp32_fp32'],
    ['gpu', 'fp16_fp32'],
    ['cpu+gpu', 'fp16_fp32'],
    ['hta', 'fp16_fp32'],
    ['dsp', 'fp32_fp32'],
    ['apu', 'fp32_fp32'],
  ])('default data_type for runtime %s is %s', (runtime, dataType) => {
    const m = model(
      `    subgraphs:\n      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}\n    runtime: ${runtime}\n`,
    );
    expect(m.dataType).toBe(dataType);
  });

  it('accepts data_type fp32 (old CPU spelling) and uint8 for dsp', () => {
    const sg = '    subgraphs:\n      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}\n';
    expect(model(`${sg}    runtime: cpu\n    data_type: fp32\n`).dataType).toBe('fp32_fp32');
    expect(model(`${sg}    runtime: dsp\n    data_type: uint8\n`).dataType).toBe('fp32_fp32');
    expect(model(`${sg}    runtime: gpu\n    data_type: BF16_FP32\n`).dataType).toBe('bf16_fp32');
  });
});

describe('booleans and numbers written in different ways', () => {
  const sg = '    subgraphs:\n      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}\n';
  it.each([
    ['0', false],
    ['1', true],
    ['true', true],
    ['false', false],
    ['"1"', true],
    ['"0"', false],
    ['yes', true],
    ['off', false],
    ['True', true],
  ])('obfuscate: %s is %s', (written, expected) => {
    expect(model(`${sg}    obfuscate: ${written}\n`).obfuscate).toBe(expected);
  });

  it('reads integers and thresholds written as strings', () => {
    const m = model(`${sg}    runtime: gpu
    winograd: "4"
    nnlib_graph_mode: "1"
    opencl_queue_window_size: "16"
    limit_opencl_kernel_time: "1"
    cpu_affinity_policy: "2"
    validation_threshold: {CPU: "0.99", gpu: 0.9, DSP: "0.9"}
`);
    expect(m.winograd).toBe(4);
    expect(m.nnlibGraphMode).toBe(1);
    expect(m.openclQueueWindowSize).toBe(16);
    expect(m.limitOpenclKernelTime).toBe(true);
    expect(m.cpuAffinityPolicy).toBe(2);
    expect(m.subgraphs[0]!.validationThreshold).toEqual({ cpu: 0.99, gpu: 0.9, quantize: 0.9 });
  });

  it('applies MACE defaults when options are absent', () => {
    const m = model(sg);
    expect(m.winograd).toBe(0);
    expect(m.obfuscate).toBe(false);
    expect(m.quantize).toBe(false);
    expect(m.quantizeLargeWeights).toBe(false);
    expect(m.quantizeRangeFile).toBeNull();
    expect(m.limitOpenclKernelTime).toBe(false);
    expect(m.openclQueueWindowSize).toBe(0);
    expect(m.nnlibGraphMode).toBe(0);
    expect(m.cpuAffinityPolicy).toBeUndefined();
    const g = m.subgraphs[0]!;
    expect(g.validationThreshold).toEqual({ cpu: 0.999, gpu: 0.995, quantize: 0.95 });
    expect(g.backend).toBeNull();
    expect(g.inputDataTypes).toEqual(['float32']);
    expect(g.outputDataFormats).toEqual(['NHWC']);
    expect(g.validationInputsData).toEqual([]);
    expect(g.checkTensors).toEqual([]);
    expect(g.checkShapes).toEqual([]);
  });
});

describe('top-level fields', () => {
  const body = `models:
  m:
    platform: onnx
    model_file_path: m.onnx
    model_sha256_checksum: ${SHA_A}
    subgraphs:
      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}
`;
  it.each([
    ['target_abis: arm64-v8a', ['arm64-v8a']],
    ['target_abis: armeabi-v7a,arm64-v8a', ['armeabi-v7a', 'arm64-v8a']],
    ['target_abis: [host, aarch64, armhf, x86_64]', ['host', 'aarch64', 'armhf', 'x86_64']],
    ['target_abis:\n  - arm64-v8a', ['arm64-v8a']],
    ['', ['host']],
  ])('reads "%s"', (line, abis) => {
    const cfg = parseDeployment(`library_name: lib\n${line}\n${body}`);
    expect(cfg.targetAbis).toEqual(abis);
  });

  it('defaults model_graph_format / model_data_format to file and target_socs to []', () => {
    const cfg = parseDeployment(`library_name: lib\n${body}`);
    expect(cfg.modelGraphFormat).toBe('file');
    expect(cfg.modelDataFormat).toBe('file');
    expect(cfg.targetSocs).toEqual([]);
  });

  it('reads target_socs as a scalar or list, lower-cased, and code formats', () => {
    const cfg = parseDeployment(
      `library_name: lib\ntarget_socs: SDM845\nmodel_graph_format: code\nmodel_data_format: code\n${body}`,
    );
    expect(cfg.targetSocs).toEqual(['sdm845']);
    expect(cfg.modelGraphFormat).toBe('code');
    expect(cfg.modelDataFormat).toBe('code');
    expect(parseDeployment(`library_name: lib\ntarget_socs: [sdm845, msm8998]\n${body}`).targetSocs).toEqual([
      'sdm845',
      'msm8998',
    ]);
  });

  it('keeps models in file order', () => {
    const two = (tag: string): string => `  ${tag}:
    platform: onnx
    model_file_path: ${tag}.onnx
    model_sha256_checksum: ${SHA_A}
    subgraphs:
      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}
`;
    const cfg = parseDeployment(`library_name: lib\nmodels:\n${two('zeta')}${two('alpha')}${two('mid')}`);
    expect(cfg.models.map((m) => m.tag)).toEqual(['zeta', 'alpha', 'mid']);
    expect(cfg.models.map((m) => m.modelFilePath)).toEqual(['zeta.onnx', 'alpha.onnx', 'mid.onnx']);
  });
});

describe('validation_inputs_data, formats, types and check tensors', () => {
  it('reads validation_inputs_data as a scalar or a list', () => {
    const one = subgraph(`      - input_tensors: a
        input_shapes: 1,2
        output_tensors: b
        validation_inputs_data: https://example.com/a.npy
`);
    expect(one.validationInputsData).toEqual(['https://example.com/a.npy']);
    const two = subgraph(`      - input_tensors: [a, b]
        input_shapes: ["1,2", "1,3"]
        output_tensors: c
        validation_inputs_data:
          - /data/a.npy
          - /data/b.npy
`);
    expect(two.validationInputsData).toEqual(['/data/a.npy', '/data/b.npy']);
  });

  it('broadcasts one data format / data type, lower-case accepted', () => {
    const sg = subgraph(`      - input_tensors: [a, b]
        input_shapes: ["1,2", "1,3"]
        input_data_formats: none
        input_data_types: int32
        output_tensors: [c, d, e]
        output_data_formats: [NHWC, NCHW, OIHW]
`);
    expect(sg.inputDataFormats).toEqual(['NONE', 'NONE']);
    expect(sg.inputDataTypes).toEqual(['int32', 'int32']);
    expect(sg.outputDataFormats).toEqual(['NHWC', 'NCHW', 'OIHW']);
    expect(sg.outputDataTypes).toEqual(['float32', 'float32', 'float32']);
  });

  it('reads check_tensors with check_shapes', () => {
    const sg = subgraph(`      - input_tensors: a
        input_shapes: 1,2
        output_tensors: b
        check_tensors: [conv1, conv2]
        check_shapes: ["1,112,112,32", [1, 56, 56, 64]]
`);
    expect(sg.checkTensors).toEqual(['conv1', 'conv2']);
    expect(sg.checkShapes).toEqual([
      [1, 112, 112, 32],
      [1, 56, 56, 64],
    ]);
  });
});

describe('subgraph layouts', () => {
  it('normalises the older single-subgraph form (tensors directly under the model)', () => {
    const m = model(`    input_tensors: input
    input_shapes: 1,224,224,3
    input_ranges: 0,255
    output_tensors: [out1, out2]
    output_shapes: ["1,1001", "1,7"]
    validation_threshold: {GPU: 0.99}
    runtime: gpu
`);
    expect(m.subgraphs).toEqual([
      {
        inputTensors: ['input'],
        inputShapes: [[1, 224, 224, 3]],
        inputRanges: [[0, 255]],
        inputDataFormats: ['NHWC'],
        inputDataTypes: ['float32'],
        outputTensors: ['out1', 'out2'],
        outputShapes: [
          [1, 1001],
          [1, 7],
        ],
        outputDataFormats: ['NHWC', 'NHWC'],
        outputDataTypes: ['float32', 'float32'],
        validationInputsData: [],
        checkTensors: [],
        checkShapes: [],
        validationThreshold: { cpu: 0.999, gpu: 0.99, quantize: 0.95 },
        backend: null,
      } satisfies SubgraphConfig,
    ]);
    expect(m.runtime).toBe('gpu');
  });

  it('uses subgraph keys under the model as defaults for every subgraph', () => {
    const m = model(`    input_ranges: 0,1
    backend: pytorch
    subgraphs:
      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}
      - {input_tensors: c, input_shapes: "1,3", output_tensors: d, input_ranges: "-5,5"}
`);
    expect(m.subgraphs.map((s) => s.inputRanges)).toEqual([[[0, 1]], [[-5, 5]]]);
    expect(m.subgraphs.map((s) => s.backend)).toEqual(['pytorch', 'pytorch']);
  });

  it('accepts subgraphs written as one mapping or as named graphs', () => {
    const single = model('    subgraphs:\n      input_tensors: a\n      input_shapes: 1,2\n      output_tensors: b\n');
    expect(single.subgraphs.map((s) => s.inputTensors)).toEqual([['a']]);
    expect(single.subgraphs[0]!.name).toBeUndefined();
    const named = model(`    subgraphs:
      default_graph: {input_tensors: a, input_shapes: "1,2", output_tensors: b}
      second: {input_tensors: c, input_shapes: "1,3", output_tensors: d}
`);
    expect(named.subgraphs.map((s) => [s.name, s.inputTensors[0]])).toEqual([
      ['default_graph', 'a'],
      ['second', 'c'],
    ]);
  });
});

describe('YAML features and JSON', () => {
  it('resolves anchors, aliases and << merge keys', () => {
    const cfg = parseDeployment(`library_name: lib
models:
  a: &base
    platform: caffe
    model_file_path: a.prototxt
    model_sha256_checksum: ${SHA_A}
    weight_file_path: a.caffemodel
    weight_sha256_checksum: ${SHA_B}
    subgraphs:
      - {input_tensors: data, input_shapes: "1,227,227,3", output_tensors: prob}
    runtime: cpu
  b:
    <<: *base
    runtime: gpu
`);
    expect(cfg.models.map((m) => [m.tag, m.platform, m.runtime, m.weightFilePath])).toEqual([
      ['a', 'caffe', 'cpu', 'a.caffemodel'],
      ['b', 'caffe', 'gpu', 'a.caffemodel'],
    ]);
    expect(cfg.warnings).toEqual([]);
  });

  it('parses JSON, compact and tab-indented, and exposes it as raw', () => {
    const value = {
      library_name: 'json-lib',
      target_abis: ['arm64-v8a'],
      models: {
        net: {
          platform: 'onnx',
          model_file_path: 'net.onnx',
          model_sha256_checksum: SHA_A.toUpperCase(),
          subgraphs: [
            { input_tensors: ['x'], input_shapes: ['1,3,32,32'], input_data_formats: 'NCHW', output_tensors: ['y'] },
          ],
          runtime: 'cpu_gpu',
          obfuscate: 1,
          winograd: 2,
        },
      },
    };
    for (const text of [JSON.stringify(value), JSON.stringify(value, null, '\t')]) {
      const cfg = parseDeployment(text);
      expect(cfg.raw).toEqual(value);
      expect(cfg.libraryName).toBe('json-lib');
      const m = cfg.models[0]!;
      expect([m.tag, m.runtime, m.obfuscate, m.winograd]).toEqual(['net', 'cpu+gpu', true, 2]);
      expect(m.modelSha256Checksum).toBe(SHA_A);
      expect(m.subgraphs[0]!.inputShapes).toEqual([[1, 3, 32, 32]]);
      expect(m.subgraphs[0]!.inputDataFormats).toEqual(['NCHW']);
    }
  });

  it('reports JSON syntax and validation errors with line and column', () => {
    expect(errorOf('{\n  "library_name": "x",\n  "models": {"m": 1\n}\n').issues).toEqual([
      { path: '', message: 'Flow map must end with a }', line: 5, column: 1 },
    ]);
    const line3 =
      '  "models": {"m": {"platform": "onnx", "model_file_path": "a", "input_tensors": "a", ' +
      '"input_shapes": "1,x", "output_tensors": "b"}}';
    expect(errorOf(`{\n  "library_name": "x",\n${line3}\n}\n`).issues).toEqual([
      {
        path: 'models.m.input_shapes',
        message: 'expected comma-separated integers, got "1,x"',
        line: 3,
        column: line3.indexOf('"1,x"') + 1,
      },
    ]);
  });
});

describe('parseDeploymentFile', () => {
  it('reads a file and names it in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mace-config-'));
    const good = join(dir, 'good.yml');
    await writeFile(
      good,
      withModel('    subgraphs:\n      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}\n'),
    );
    expect((await parseDeploymentFile(good)).libraryName).toBe('demo');

    const bad = join(dir, 'bad.yml');
    await writeFile(bad, 'library_name: lib\nmodels: {}\n');
    await expect(parseDeploymentFile(bad)).rejects.toMatchObject({
      fileName: bad,
      issues: [{ path: 'models', message: 'must contain at least one model', line: 2, column: 9 }],
    });
    await expect(parseDeploymentFile(join(dir, 'missing.yml'))).rejects.toMatchObject({
      name: 'ConfigError',
      issues: [{ path: '', message: expect.stringMatching(/^cannot read file: ENOENT/) }],
    });
  });
});
