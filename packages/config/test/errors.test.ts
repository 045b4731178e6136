// Every class of problem is reported with its field path and 1-based line and column,
// all problems of a file are reported together, and unknown keys are warnings only.

import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigError, parseDeployment } from '../src/index.js';
import { SHA_A, errorOf, issuesOf, withModel } from './helpers.js';

const SG = '    subgraphs:\n      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}\n';

describe('the issue format', () => {
  const text = withModel(`    subgraphs:
      - input_tensors: input
        input_shapes:
          - 1,224,a
        output_tensors: out
`);

  it('names the field path, line and column of a bad shape', () => {
    expect(issuesOf(text)).toEqual([
      {
        path: 'models.mobilenet.subgraphs[0].input_shapes[0]',
        message: 'expected comma-separated integers, got "1,224,a"',
        line: 11,
        column: 13,
      },
    ]);
  });

  it('formats one line per issue as file:line:col: path: message', () => {
    const err = errorOf(text, 'deploy.yml');
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(Error);
    expect(err.fileName).toBe('deploy.yml');
    expect(formatConfigError(err)).toBe(
      'deploy.yml:11:13: models.mobilenet.subgraphs[0].input_shapes[0]: expected comma-separated integers, got "1,224,a"',
    );
    expect(err.message).toBe(`deploy.yml: 1 problem\n${formatConfigError(err)}`);
  });

  it('uses <input> when no file name is given and leaves out unknown positions', () => {
    const err = new ConfigError([
      { path: 'models', message: 'boom', line: 3, column: 2 },
      { path: '', message: 'no place' },
    ]);
    expect(formatConfigError(err)).toBe('<input>:3:2: models: boom\n<input>: no place');
    expect(err.fileName).toBeUndefined();
  });
});

describe('required fields', () => {
  it('reports every missing required field at the mapping that should hold it', () => {
    const text = `target_abis: [host]
models:
  net:
    model_file_path: a.pb
    subgraphs:
      - input_shapes: 1,2
`;
    expect(issuesOf(text)).toEqual([
      { path: 'library_name', message: 'missing required field', line: 1, column: 1 },
      { path: 'models.net.platform', message: 'missing required field', line: 4, column: 5 },
      { path: 'models.net.subgraphs[0].input_tensors', message: 'missing required field', line: 6, column: 9 },
      { path: 'models.net.subgraphs[0].output_tensors', message: 'missing required field', line: 6, column: 9 },
    ]);
  });

  it('reports missing models, model_file_path, subgraphs and input_shapes', () => {
    expect(issuesOf('library_name: lib\n')).toEqual([
      { path: 'models', message: 'missing required field', line: 1, column: 1 },
    ]);
    expect(
      issuesOf(`library_name: lib
models:
  net:
    platform: onnx
    input_tensors: a
    output_tensors: b
  other:
    platform: onnx
    model_file_path: o.onnx
`),
    ).toEqual([
      { path: 'models.net.model_file_path', message: 'missing required field', line: 4, column: 5 },
      { path: 'models.net.input_shapes', message: 'missing required field', line: 4, column: 5 },
      {
        path: 'models.other.subgraphs',
        message: 'missing required field (a list of subgraphs with input_tensors, input_shapes and output_tensors)',
        line: 8,
        column: 5,
      },
    ]);
  });

  it('reports an empty value at its key', () => {
    expect(
      issuesOf(
        withModel(`    subgraphs:
      - input_tensors:
        input_shapes: 1,2
        output_tensors: []
`),
      ),
    ).toEqual([
      { path: 'models.mobilenet.subgraphs[0].input_tensors', message: 'must not be empty', line: 9, column: 9 },
      {
        path: 'models.mobilenet.subgraphs[0].output_tensors',
        message: 'must list at least one tensor',
        line: 11,
        column: 25,
      },
    ]);
  });

  it('requires weight_file_path for caffe models', () => {
    expect(
      issuesOf(`library_name: lib
models:
  net:
    platform: caffe
    model_file_path: net.prototxt
    model_sha256_checksum: ${SHA_A}
${SG}`),
    ).toEqual([
      {
        path: 'models.net.weight_file_path',
        message: 'missing required field (platform caffe needs the .caffemodel weights)',
        line: 4,
        column: 5,
      },
    ]);
  });
});

describe('counts', () => {
  it('checks shapes, ranges, formats and validation inputs against the tensor counts', () => {
    const err = errorOf(
      withModel(`    subgraphs:
      - input_tensors: [a, b]
        input_shapes: 1,2
        input_ranges: ["0,1", "0,2", "0,3"]
        input_data_formats: [NHWC, NCHW, NONE]
        output_tensors: [c, d]
        output_shapes: ["1,2"]
        validation_inputs_data: a.npy
`),
    );
    const p = 'models.mobilenet.subgraphs[0]';
    expect(err.issues).toEqual([
      { path: `${p}.input_shapes`, message: 'expected 2 shapes (one per input tensor), got 1', line: 10, column: 23 },
      {
        path: `${p}.input_ranges`,
        message: 'expected 1 or 2 entries (one per input tensor), got 3',
        line: 11,
        column: 23,
      },
      {
        path: `${p}.input_data_formats`,
        message: 'expected 1 or 2 entries (one per input tensor), got 3',
        line: 12,
        column: 29,
      },
      { path: `${p}.output_shapes`, message: 'expected 2 shapes (one per output tensor), got 1', line: 14, column: 24 },
      {
        path: `${p}.validation_inputs_data`,
        message: 'expected 2 files (one per input tensor), got 1',
        line: 15,
        column: 33,
      },
    ]);
  });

  it('checks check_shapes against check_tensors, and that both are given', () => {
    const p = 'models.mobilenet.subgraphs[0]';
    expect(
      issuesOf(
        withModel(`    subgraphs:
      - input_tensors: a
        input_shapes: 1,2
        output_tensors: b
        check_tensors: [x, y]
        check_shapes: 1,2
`),
      ),
    ).toEqual([
      { path: `${p}.check_shapes`, message: 'expected 2 shapes (one per check tensor), got 1', line: 13, column: 23 },
    ]);
    expect(
      issuesOf(
        withModel(`    subgraphs:
      - input_tensors: a
        input_shapes: 1,2
        output_tensors: b
        check_tensors: x
`),
      ),
    ).toEqual([{ path: `${p}.check_shapes`, message: 'missing required field', line: 9, column: 9 }]);
  });
});

describe('values', () => {
  it('lists the allowed values of every enum, reporting all problems at once', () => {
    const err = errorOf(
      withModel(`    subgraphs:
      - input_tensors: a
        input_shapes: 1,2
        input_data_types: float64
        output_tensors: b
        output_data_formats: NWHC
    runtime: npu
    data_type: fp8
    winograd: 3
`),
    );
    const p = 'models.mobilenet';
    expect(err.issues).toEqual([
      {
        path: `${p}.subgraphs[0].input_data_types`,
        message: 'expected one of float32, int32, float16, bfloat16, int16, uint8; got "float64"',
        line: 11,
        column: 27,
      },
      {
        path: `${p}.subgraphs[0].output_data_formats`,
        message: 'expected one of NHWC, NCHW, NONE, OIHW; got "NWHC"',
        line: 13,
        column: 30,
      },
      {
        path: `${p}.runtime`,
        message: 'expected one of cpu, gpu, dsp, apu, hta, cpu+gpu; got "npu"',
        line: 14,
        column: 14,
      },
      {
        path: `${p}.data_type`,
        message: 'expected one of fp16_fp32, fp32_fp32, bf16_fp32, fp16_fp16; got "fp8"',
        line: 15,
        column: 16,
      },
      { path: `${p}.winograd`, message: 'expected one of 0, 2, 4; got 3', line: 16, column: 15 },
    ]);
  });

  it('checks top-level enums, platform, sha256 format and dimensions', () => {
    expect(
      issuesOf(`library_name: lib
target_abis: [arm64-v8a, mips64]
model_graph_format: proto
models:
  net:
    platform: tf
    model_file_path: a.pb
    model_sha256_checksum: xyz
    weight_sha256_checksum: ${SHA_A.slice(1)}
    subgraphs:
      - input_tensors: a
        input_shapes: 1,0,-3
        output_tensors: b
        output_shapes: [1, -2]
`),
    ).toEqual([
      {
        path: 'target_abis[1]',
        message: 'unknown ABI "mips64"; expected one of host, arm64-v8a, armeabi-v7a, aarch64, armhf, x86_64',
        line: 2,
        column: 26,
      },
      { path: 'model_graph_format', message: 'expected one of file, code; got "proto"', line: 3, column: 21 },
      {
        path: 'models.net.platform',
        message: 'expected one of tensorflow, caffe, onnx, tflite, keras, pytorch, megengine; got "tf"',
        line: 6,
        column: 15,
      },
      {
        path: 'models.net.model_sha256_checksum',
        message: 'expected a SHA-256 checksum (64 hexadecimal characters), got "xyz"',
        line: 8,
        column: 28,
      },
      {
        path: 'models.net.weight_sha256_checksum',
        message: `expected a SHA-256 checksum (64 hexadecimal characters), got "${SHA_A.slice(1)}"`,
        line: 9,
        column: 29,
      },
      {
        path: 'models.net.subgraphs[0].input_shapes',
        message: 'dimensions must be positive integers, got "1,0,-3"',
        line: 12,
        column: 23,
      },
      {
        path: 'models.net.subgraphs[0].output_shapes',
        message: 'dimensions must be positive integers, got [1, -2]',
        line: 14,
        column: 24,
      },
    ]);
  });

  it('rejects bad ranges, booleans, integers and thresholds', () => {
    const p = 'models.mobilenet';
    expect(
      issuesOf(
        withModel(`    subgraphs:
      - input_tensors: a
        input_shapes: 1,2
        input_ranges: 1,-1
        output_tensors: b
        validation_threshold: {CPU: 1.5, NPU: 0.9}
    obfuscate: maybe
    nnlib_graph_mode: -1
    opencl_queue_window_size: 1.5
`),
      ),
    ).toEqual([
      {
        path: `${p}.subgraphs[0].input_ranges`,
        message: 'range minimum 1 is greater than maximum -1',
        line: 11,
        column: 23,
      },
      {
        path: `${p}.subgraphs[0].validation_threshold.CPU`,
        message: 'must be greater than 0 and at most 1, got 1.5',
        line: 13,
        column: 37,
      },
      {
        path: `${p}.subgraphs[0].validation_threshold.NPU`,
        message: 'unknown runtime "NPU"; expected one of CPU, GPU, DSP, HEXAGON, HTA, APU, QUANTIZE',
        line: 13,
        column: 42,
      },
      {
        path: `${p}.obfuscate`,
        message: 'expected a boolean (0, 1, true or false), got "maybe"',
        line: 14,
        column: 16,
      },
      { path: `${p}.nnlib_graph_mode`, message: 'must be at least 0, got -1', line: 15, column: 23 },
      { path: `${p}.opencl_queue_window_size`, message: 'expected an integer, got "1.5"', line: 16, column: 31 },
    ]);
  });

  it('rejects conflicting options', () => {
    expect(
      issuesOf(`library_name: lib
model_graph_format: file
model_data_format: code
models:
  net:
    platform: onnx
    model_file_path: a.onnx
    model_sha256_checksum: ${SHA_A}
    quantize: 1
    quantize_large_weights: 1
    runtime: cpu
    data_type: uint8
${SG}`),
    ).toEqual([
      { path: 'model_data_format', message: 'must be file when model_graph_format is file', line: 3, column: 20 },
      {
        path: 'models.net.quantize_large_weights',
        message: 'cannot be enabled together with quantize',
        line: 10,
        column: 29,
      },
      {
        path: 'models.net.data_type',
        message:
          'uint8 is only valid for the dsp, apu, hta runtimes; expected one of fp16_fp32, fp32_fp32, bf16_fp32, fp16_fp16',
        line: 12,
        column: 16,
      },
    ]);
  });
});

describe('names', () => {
  it.each([
    ['../evil', 'must not contain path separators'],
    ['a\\b', 'must not contain path separators'],
    ['..', 'must not contain ".."'],
    ['lib name', 'may only contain letters, digits, "_", "-", "+" and ".", and must start with a letter, digit or "_"'],
    ['.hidden', 'may only contain letters, digits, "_", "-", "+" and ".", and must start with a letter, digit or "_"'],
  ])('rejects library_name %j', (name, why) => {
    expect(
      issuesOf(
        `library_name: ${JSON.stringify(name)}\nmodels:\n  m:\n    platform: onnx\n    model_file_path: m.onnx\n    model_sha256_checksum: ${SHA_A}\n${SG}`,
      ),
    ).toEqual([{ path: 'library_name', message: `${JSON.stringify(name)} ${why}`, line: 1, column: 15 }]);
  });

  it('rejects model tags that are unsafe as file names, and non-identifiers with code format', () => {
    const model = (tag: string): string =>
      `  ${tag}:\n    platform: onnx\n    model_file_path: m.onnx\n    model_sha256_checksum: ${SHA_A}\n    subgraphs:\n      - {input_tensors: a, input_shapes: "1,2", output_tensors: b}\n`;
    expect(issuesOf(`library_name: lib\nmodels:\n${model('"my/net"')}`)).toEqual([
      { path: 'models["my/net"]', message: 'model tag "my/net" must not contain path separators', line: 3, column: 3 },
    ]);
    expect(issuesOf(`library_name: lib\nmodel_graph_format: code\nmodels:\n${model('mobilenet-v2')}`)).toEqual([
      {
        path: 'models.mobilenet-v2',
        message:
          'model tag "mobilenet-v2" must be a C++ identifier (letters, digits and "_", not starting with a digit) when model_graph_format is code',
        line: 4,
        column: 3,
      },
    ]);
    const ok = parseDeployment(`library_name: lib\nmodels:\n${model('mobilenet-v2')}`);
    expect(ok.models[0]!.tag).toBe('mobilenet-v2');
    expect(ok.warnings).toEqual([
      {
        path: 'models.mobilenet-v2',
        message:
          'model tag "mobilenet-v2" must be a C++ identifier (letters, digits and "_", not starting with a digit) for MACE\'s own converter',
        line: 3,
        column: 3,
      },
    ]);
  });
});

describe('unknown keys', () => {
  it('are warnings with a path, a position and a suggestion; parsing still succeeds', () => {
    const cfg = parseDeployment(`library_name: lib
build_type: code
models:
  net:
    platform: onnx
    model_file_path: a.onnx
    model_sha256_checksum: ${SHA_A}
    subgraphs:
      - input_tensors: a
        input_shapes: 1,2
        output_tensors: b
        outptu_shapes: 1,2
        runtime: gpu
    runtim: gpu
    colour: blue
`);
    expect(cfg.models[0]!.runtime).toBe('cpu');
    expect(cfg.models[0]!.subgraphs[0]!.outputShapes).toBeNull();
    expect(cfg.warnings).toEqual([
      {
        path: 'build_type',
        message:
          '"build_type" is a key of old MACE releases and is ignored; use model_graph_format / model_data_format',
        line: 2,
        column: 1,
      },
      {
        path: 'models.net.subgraphs[0].outptu_shapes',
        message: 'unknown key "outptu_shapes"; did you mean "output_shapes"?',
        line: 12,
        column: 9,
      },
      {
        path: 'models.net.subgraphs[0].runtime',
        message: '"runtime" is a model-level key and is ignored inside a subgraph',
        line: 13,
        column: 9,
      },
      { path: 'models.net.runtim', message: 'unknown key "runtim"; did you mean "runtime"?', line: 14, column: 5 },
      { path: 'models.net.colour', message: 'unknown key "colour"', line: 15, column: 5 },
    ]);
  });

  it('are carried on the ConfigError when there are also errors', () => {
    const err = errorOf('library_name: lib\nmodles: {}\n');
    expect(err.issues).toEqual([{ path: 'models', message: 'missing required field', line: 1, column: 1 }]);
    expect(err.warnings).toEqual([
      { path: 'modles', message: 'unknown key "modles"; did you mean "models"?', line: 2, column: 1 },
    ]);
  });

  it('warns about missing checksums', () => {
    const cfg = parseDeployment(`library_name: lib
models:
  net:
    platform: caffe
    model_file_path: a.prototxt
    weight_file_path: a.caffemodel
${SG}`);
    expect(cfg.warnings).toEqual([
      {
        path: 'models.net.model_sha256_checksum',
        message: "not given; MACE's converter requires it to verify the model file",
        line: 4,
        column: 5,
      },
      {
        path: 'models.net.weight_sha256_checksum',
        message: "not given; MACE's converter requires it to verify the weight file",
        line: 4,
        column: 5,
      },
    ]);
  });
});

describe('document-level problems', () => {
  it('reports YAML syntax errors with line and column', () => {
    expect(issuesOf('library_name: x\nmodels:\n  m:\n    platform: [onnx, caffe\n    runtime: cpu\n')).toEqual([
      {
        path: '',
        message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
        line: 5,
        column: 5,
      },
    ]);
    expect(issuesOf('library_name: x\nmodels:\n  m:\n    platform: onnx\n   model_file_path: a\n')).toEqual([
      { path: '', message: 'All mapping items must start at the same column', line: 5, column: 1 },
    ]);
  });

  it('reports duplicate keys', () => {
    expect(issuesOf('library_name: x\nmodels: {}\nlibrary_name: y\n')).toEqual([
      { path: '', message: 'Map keys must be unique', line: 3, column: 1 },
    ]);
  });

  it('formats syntax errors without a field path', () => {
    const err = errorOf('library_name: "x\n', 'broken.yml');
    expect(formatConfigError(err)).toBe('broken.yml:2:1: Missing closing "quote');
  });

  it('rejects unresolved and self-referencing aliases, and alias bombs', () => {
    expect(issuesOf('library_name: lib\nmodels:\n  m: *nope\n')).toEqual([
      { path: '', message: 'unresolved alias *nope', line: 3, column: 6 },
    ]);
    expect(issuesOf('a: &x [1, *x]\nlibrary_name: lib\n')).toEqual([
      { path: '', message: 'alias *x refers to a node that contains it', line: 1, column: 11 },
    ]);
    const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expect(issuesOf(`${bomb.join('\n')}\nlibrary_name: lib\n`)).toEqual([
      { path: '', message: expect.stringMatching(/^cannot expand document: /) },
    ]);
  });

  it('rejects empty documents and non-mapping roots', () => {
    const why = 'the document is empty; expected a mapping with library_name and models';
    expect(issuesOf('')).toEqual([{ path: '', message: why, line: 1, column: 1 }]);
    expect(issuesOf('# nothing here\n')).toEqual([{ path: '', message: why, line: 1, column: 1 }]);
    expect(issuesOf('- a\n- b\n')).toEqual([
      {
        path: '',
        message: 'expected a mapping with library_name and models at the top level, got a list',
        line: 1,
        column: 1,
      },
    ]);
    expect(issuesOf('library_name: lib\nmodels: [a, b]\n')).toEqual([
      { path: 'models', message: 'expected a mapping of model tag to model settings, got a list', line: 2, column: 9 },
    ]);
  });
});
