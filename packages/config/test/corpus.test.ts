// Every real deployment file in the shared corpus parses, with the expected normalised values.

import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseDeploymentFile, type DeploymentConfig } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = process.env.MACE_DEPLOY_CORPUS ?? resolve(here, '../../../../shared/corpus/deploy-configs');
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
  .sort();

interface Expected {
  libraryName: string;
  targetAbis: string[];
  tag: string;
  platform: string;
  runtime: string;
  dataType: string;
  inputTensors: string[];
  inputShapes: number[][];
  outputTensors: string[];
  outputShapes: number[][];
  winograd: number;
  obfuscate: boolean;
  quantize: boolean;
  weights: boolean;
  validationInputsData: string[];
  backend: string | null;
}

const EXPECTED: Record<string, Expected> = {
  'inception-v3_inception-v3.yml': {
    libraryName: 'inception-v3',
    targetAbis: ['armeabi-v7a', 'arm64-v8a'],
    tag: 'inception_v3',
    platform: 'tensorflow',
    runtime: 'cpu+gpu',
    dataType: 'fp16_fp32',
    inputTensors: ['input'],
    inputShapes: [[1, 299, 299, 3]],
    outputTensors: ['InceptionV3/Predictions/Reshape_1'],
    outputShapes: [[1, 1001]],
    winograd: 0,
    obfuscate: true,
    quantize: false,
    weights: false,
    validationInputsData: [],
    backend: null,
  },
  'micro-models_keras_mnist_mnist.yml': {
    libraryName: 'mnist',
    targetAbis: ['host'],
    tag: 'mnist',
    platform: 'keras',
    runtime: 'cpu',
    dataType: 'fp32_fp32',
    inputTensors: ['conv2d_input:0'],
    inputShapes: [[1, 28, 28, 1]],
    outputTensors: ['dense_1/Softmax:0'],
    outputShapes: [[1, 10]],
    winograd: 0,
    obfuscate: false,
    quantize: false,
    weights: false,
    validationInputsData: [],
    backend: null,
  },
  'mobilenet-v1_mobilenet-v1-quantize-retrain.yml': {
    libraryName: 'mobilenet-v1-quantize-retrain',
    targetAbis: ['arm64-v8a', 'armeabi-v7a'],
    tag: 'mobilenet_v1_quantize_retrain',
    platform: 'tensorflow',
    runtime: 'cpu',
    dataType: 'fp32_fp32',
    inputTensors: ['input'],
    inputShapes: [[1, 224, 224, 3]],
    outputTensors: ['MobilenetV1/Predictions/Softmax:0'],
    outputShapes: [[1, 1001]],
    winograd: 0,
    obfuscate: false,
    quantize: true,
    weights: false,
    validationInputsData: [
      'http://cnbj1.fds.api.xiaomi.com/mace/miai-models/mobilenet-v1/input_n01440764_15071.JPEG_input',
    ],
    backend: null,
  },
  'mobilenet-v2_mobilenet-v2.yml': {
    libraryName: 'mobilenet-v2',
    targetAbis: ['armeabi-v7a', 'arm64-v8a'],
    tag: 'mobilenet_v2',
    platform: 'tensorflow',
    runtime: 'cpu+gpu',
    dataType: 'fp16_fp32',
    inputTensors: ['input'],
    inputShapes: [[1, 224, 224, 3]],
    outputTensors: ['MobilenetV2/Predictions/Reshape_1'],
    outputShapes: [[1, 1001]],
    winograd: 0,
    obfuscate: false,
    quantize: false,
    weights: false,
    validationInputsData: ['https://cnbj1.fds.api.xiaomi.com/mace/inputs/dog.npy'],
    backend: null,
  },
  'onnx-models_onnx-mobilenetv2-1.0.yml': {
    libraryName: 'mobilenet-v2_1_0',
    targetAbis: ['armeabi-v7a', 'arm64-v8a'],
    tag: 'mobilenet',
    platform: 'onnx',
    runtime: 'cpu+gpu',
    dataType: 'fp16_fp32',
    inputTensors: ['data'],
    inputShapes: [[1, 224, 224, 3]],
    outputTensors: ['mobilenetv20_output_flatten0_reshape0'],
    outputShapes: [[1, 1000]],
    winograd: 0,
    obfuscate: false,
    quantize: false,
    weights: false,
    validationInputsData: [],
    backend: 'caffe2',
  },
  'squeezenet_squeezenet-v11.yml': {
    libraryName: 'squeezenet-v11',
    targetAbis: ['armeabi-v7a', 'arm64-v8a'],
    tag: 'squeezenet_v11',
    platform: 'caffe',
    runtime: 'cpu+gpu',
    dataType: 'fp16_fp32',
    inputTensors: ['data'],
    inputShapes: [[1, 227, 227, 3]],
    outputTensors: ['prob'],
    outputShapes: [[1, 1, 1, 1000]],
    winograd: 0,
    obfuscate: false,
    quantize: false,
    weights: true,
    validationInputsData: [],
    backend: null,
  },
  'vgg16_vgg16-caffe-gpu.yml': {
    libraryName: 'vgg16-caffe-gpu',
    targetAbis: ['armeabi-v7a'],
    tag: 'vgg16_caffe_gpu',
    platform: 'caffe',
    runtime: 'gpu',
    dataType: 'fp16_fp32',
    inputTensors: ['data'],
    inputShapes: [[1, 224, 224, 3]],
    outputTensors: ['prob'],
    outputShapes: [[1, 1, 1, 1000]],
    winograd: 4,
    obfuscate: false,
    quantize: false,
    weights: true,
    validationInputsData: [],
    backend: null,
  },
};

describe('shared corpus of deployment files', () => {
  it('contains the files this test knows about', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(EXPECTED)));
  });

  it.each(files)('%s parses without errors or warnings', async (file) => {
    const cfg = await parseDeploymentFile(join(CORPUS, file));
    expect(cfg.warnings).toEqual([]);
    expect(cfg.models.length).toBeGreaterThan(0);
    expect(cfg.raw).toEqual(parseYaml(await readFile(join(CORPUS, file), 'utf8')));
    for (const m of cfg.models) {
      for (const sg of m.subgraphs) {
        expect(sg.inputShapes).toHaveLength(sg.inputTensors.length);
        expect(sg.inputRanges).toHaveLength(sg.inputTensors.length);
        expect(sg.inputDataFormats).toHaveLength(sg.inputTensors.length);
        expect(sg.outputDataFormats).toHaveLength(sg.outputTensors.length);
      }
    }
  });

  it.each(Object.entries(EXPECTED))('%s yields the expected normalised values', async (file, x) => {
    const cfg: DeploymentConfig = await parseDeploymentFile(join(CORPUS, file));
    const raw = cfg.raw as { models: Record<string, Record<string, unknown>> };
    expect(cfg.libraryName).toBe(x.libraryName);
    expect(cfg.targetAbis).toEqual(x.targetAbis);
    expect(cfg.targetSocs).toEqual([]);
    expect(cfg.modelGraphFormat).toBe('file');
    expect(cfg.modelDataFormat).toBe('file');
    expect(cfg.models.map((m) => m.tag)).toEqual([x.tag]);

    const m = cfg.models[0]!;
    expect(m.platform).toBe(x.platform);
    expect(m.runtime).toBe(x.runtime);
    expect(m.dataType).toBe(x.dataType);
    expect(m.winograd).toBe(x.winograd);
    expect(m.obfuscate).toBe(x.obfuscate);
    expect(m.quantize).toBe(x.quantize);
    expect(m.limitOpenclKernelTime).toBe(false);
    expect(m.nnlibGraphMode).toBe(0);
    expect(m.modelFilePath).toBe(raw.models[x.tag]!.model_file_path);
    expect(m.modelSha256Checksum).toBe(raw.models[x.tag]!.model_sha256_checksum);
    expect(m.modelSha256Checksum).toMatch(/^[0-9a-f]{64}$/);
    if (x.weights) {
      expect(m.weightFilePath).toMatch(/\.caffemodel$/);
      expect(m.weightSha256Checksum).toBe(raw.models[x.tag]!.weight_sha256_checksum);
    } else {
      expect(m.weightFilePath).toBeNull();
      expect(m.weightSha256Checksum).toBeNull();
    }

    expect(m.subgraphs).toHaveLength(1);
    const sg = m.subgraphs[0]!;
    expect(sg.inputTensors).toEqual(x.inputTensors);
    expect(sg.inputShapes).toEqual(x.inputShapes);
    expect(sg.outputTensors).toEqual(x.outputTensors);
    expect(sg.outputShapes).toEqual(x.outputShapes);
    expect(sg.inputRanges).toEqual([[-1, 1]]);
    expect(sg.inputDataFormats).toEqual(['NHWC']);
    expect(sg.inputDataTypes).toEqual(['float32']);
    expect(sg.outputDataFormats).toEqual(['NHWC']);
    expect(sg.validationInputsData).toEqual(x.validationInputsData);
    expect(sg.backend).toBe(x.backend);
    expect(sg.checkTensors).toEqual([]);
    expect(sg.validationThreshold).toEqual({ cpu: 0.999, gpu: 0.995, quantize: 0.95 });
  });
});
