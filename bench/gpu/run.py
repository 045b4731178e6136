#!/usr/bin/env python3
"""GPU benchmark: our OpenCL runtime, untuned and tuned, against PyTorch eager fp32 on one GPU.

Runs on a machine with an OpenCL GPU driver and PyTorch (the lent H100), in one process run so
that every number comes from the same card in the same state. It needs what
bench/gpu/prepare.sh puts in the carry folder (tools built elsewhere, converted models).

For each corpus CNN and data type (fp16_fp32: half storage; fp32_fp32: float storage):
  1. untuned: benchmark_model --device=GPU (default local work sizes)
  2. tune:    mace_run --device=GPU --tune writes the compiled programs and tuned parameters
  3. tuned:   benchmark_model with --opencl_binary_file and --opencl_parameter_file
and PyTorch eager fp32 (torchvision's architecture of the same model, cudnn.benchmark off, the
same input): end to end like ours (host input -> device -> host output) and forward only.
Medians over `--rounds` timed runs after warm-up. Prints a table and writes JSON.

  python3 bench/gpu/run.py --carry .devcarry --out OUT_DIR [--rounds 200] [--tune-dir DIR]
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time

MODELS = ['mobilenet_v2', 'squeezenet1_1', 'mobilenet_v3_small']
DATA_TYPES = ['fp16_fp32', 'fp32_fp32']


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


def model_args(carry, model, dt):
    models = os.path.join(carry, 'models')
    return [f"--model_file={os.path.join(models, dt, model + '.mace')}",
            f"--model_data_file={os.path.join(models, model + '.data')}",
            f"--input_file={os.path.join(carry, 'models', model + '.input.npy')}", '--device=GPU']


def bench_ours(carry, model, dt, rounds, warmup, tuned=None):
    out = os.path.join(carry, f'bench-{model}-{dt}-{"tuned" if tuned else "untuned"}.json')
    cmd = [os.path.join(carry, 'bin', 'benchmark_model'), *model_args(carry, model, dt), f'--round={rounds}',
           f'--warmup_runs={warmup}', '--max_time=120', f'--json={out}']
    if tuned:
        cmd += [f'--opencl_binary_file={tuned[0]}', f'--opencl_parameter_file={tuned[1]}']
    r = run(cmd)
    doc = json.load(open(out))
    ignored = [l for l in r.stderr.splitlines() if 'ignoring' in l or 'rejected' in l]
    return {'median_ms': doc['runs']['median_ms'], 'p90_ms': doc['runs']['p90_ms'], 'min_ms': doc['runs']['min_ms'],
            'runs': doc['runs']['count'], 'init_ms': doc['init_ms'], 'gmacs': doc['macs'] / 1e9,
            'warnings': ignored}


def tune(carry, model, dt, out_dir):
    cmd = [os.path.join(carry, 'bin', 'mace_run'), *model_args(carry, model, dt), '--tune', '--round=3',
           f'--tune_output_dir={out_dir}', '--library_name=bench', f'--model_tag={model}-{dt}', '--soc=gpu']
    t0 = time.time()
    r = run(cmd)
    files = re.search(r'tuned: wrote (\S+) and (\S+)', r.stdout)
    placement = next((l for l in r.stdout.splitlines() if l.startswith('GPU: ')), '')
    return (files.group(1), files.group(2)), time.time() - t0, placement


def bench_torch(carry, model, rounds, warmup):
    import numpy as np
    import torch
    import torchvision
    torch.backends.cudnn.benchmark = False
    net = getattr(torchvision.models, model)(weights=None).eval().cuda()
    x_host = torch.from_numpy(np.load(os.path.join(carry, 'models', model + '.input.npy'))).float()
    x_dev = x_host.cuda()
    times_e2e, times_fwd = [], []
    with torch.inference_mode():
        for _ in range(warmup):
            net(x_host.cuda()).cpu()
        for _ in range(rounds):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            net(x_host.cuda()).cpu()  # .cpu() waits for the GPU
            times_e2e.append((time.perf_counter() - t0) * 1e3)
        for _ in range(rounds):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            net(x_dev)
            torch.cuda.synchronize()
            times_fwd.append((time.perf_counter() - t0) * 1e3)
    return {'median_ms': statistics.median(times_e2e), 'forward_median_ms': statistics.median(times_fwd),
            'torch': torch.__version__, 'device': torch.cuda.get_device_name(0)}


def opencl_suite(carry):
    r = subprocess.run([os.path.join(carry, 'bin', 'mace_opencl_test'), '--gtest_brief=1'], capture_output=True,
                       text=True)
    passed = re.search(r'\[  PASSED  \] (\d+) test', r.stdout)
    failed = re.findall(r'\[  FAILED  \] (\S+)', r.stdout)
    return {'exit': r.returncode, 'passed': int(passed.group(1)) if passed else 0, 'failed': sorted(set(failed)),
            'tail': r.stdout[-2000:]}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--carry', default='.devcarry')
    p.add_argument('--out', required=True, help='where gpu-bench.json goes')
    p.add_argument('--tune-dir', default='/tmp/mace-gpu-tune', help='where the tuning outputs go')
    p.add_argument('--rounds', type=int, default=200)
    p.add_argument('--warmup', type=int, default=20)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    os.makedirs(a.tune_dir, exist_ok=True)
    info = run([os.path.join(a.carry, 'bin', 'mace_run'), '--opencl_info']).stdout
    result = {'date': datetime.date.today().isoformat(), 'opencl': info.strip().splitlines(),
              'suite': opencl_suite(a.carry), 'rounds': a.rounds, 'models': []}
    print(f"OpenCL suite: {result['suite']['passed']} passed, failed: {result['suite']['failed'] or 'none'}",
          flush=True)
    for model in MODELS:
        torch_r = bench_torch(a.carry, model, a.rounds, a.warmup)
        for dt in DATA_TYPES:
            untuned = bench_ours(a.carry, model, dt, a.rounds, a.warmup)
            files, tune_s, placement = tune(a.carry, model, dt, a.tune_dir)
            tuned = bench_ours(a.carry, model, dt, a.rounds, a.warmup, files)
            entry = {'model': model, 'data_type': dt, 'untuned': untuned, 'tuned': tuned, 'tune_s': tune_s,
                     'placement': placement, 'torch_eager_fp32': torch_r,
                     'ratio_tuned_vs_torch': tuned['median_ms'] / torch_r['median_ms'],
                     'ratio_untuned_vs_torch': untuned['median_ms'] / torch_r['median_ms'],
                     'ratio_tuned_vs_untuned': tuned['median_ms'] / untuned['median_ms']}
            result['models'].append(entry)
            print(json.dumps({k: entry[k] for k in ('model', 'data_type', 'ratio_tuned_vs_torch')}), flush=True)
    head = ['model', 'data type', 'untuned ms', 'tuned ms', 'tune s', 'torch e2e ms', 'torch fwd ms',
            'tuned/torch', 'untuned/torch']
    rows = [[e['model'], e['data_type'], f"{e['untuned']['median_ms']:.3f}", f"{e['tuned']['median_ms']:.3f}",
             f"{e['tune_s']:.1f}", f"{e['torch_eager_fp32']['median_ms']:.3f}",
             f"{e['torch_eager_fp32']['forward_median_ms']:.3f}", f"{e['ratio_tuned_vs_torch']:.2f}",
             f"{e['ratio_untuned_vs_torch']:.2f}"] for e in result['models']]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    for r in [head, ['-' * w for w in widths]] + rows:
        print('  '.join(c.ljust(w) for c, w in zip(r, widths)))
    with open(os.path.join(a.out, 'gpu-bench.json'), 'w') as f:
        json.dump(result, f, indent=2)
    return 0 if result['suite']['exit'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
