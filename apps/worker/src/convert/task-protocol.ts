// The files a convert task (child process) reads and writes in its work folder.
import type { ModelConfig } from '@mace/config';

export interface ConvertTaskRequest {
  modelPath: string;
  model: ModelConfig;
  /** One .npy path per input (validation_inputs_data resolved from the store), or null for random inputs. */
  validationInputs: string[] | null;
  seed: number;
}

export interface TaskTensor {
  name: string;
  shape: number[];
  dataFormat: string;
  /** Relative to the work folder. */
  file: string;
}

export interface ConvertTaskResult {
  stats: { nodesIn: number; nodesOut: number; folded: number; plannedBytes: number; naiveBytes: number };
  framework: { name: string; version: string };
  inputs: TaskTensor[];
  outputs: TaskTensor[];
}

/** error.json, written before a non-zero exit. */
export interface ConvertTaskError {
  user: boolean;
  message: string;
}

export const TASK_FILES = {
  request: 'request.json',
  result: 'result.json',
  error: 'error.json',
  graph: 'model.mace',
  data: 'model.data',
  coverage: 'coverage.json',
} as const;

/** Exit code of a task that failed with a user error (details in error.json). */
export const USER_ERROR_EXIT = 3;

/** A problem with the user's inputs (model, inputs, deployment file), found inside a task. */
export class TaskUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskUserError';
  }
}

/** In a task process: exit when the worker that started it dies (its IPC channel closes). */
export function onParentExit(): void {
  if (process.connected) process.on('disconnect', () => process.exit(70));
}
