// A run's jobs laid out by stage from their dependencies.
import { describe, expect, it } from 'vitest';
import { layoutPipeline, type GraphJob } from '../src/lib/pipeline-graph';

const job = (id: string, kind: string, dependsOn: string[], extra: Partial<GraphJob> = {}): GraphJob => ({
  id,
  kind,
  status: 'pending',
  dependsOn,
  abi: null,
  deviceId: null,
  modelTag: 'net',
  ...extra,
});

describe('layoutPipeline', () => {
  it('puts each job one stage after the deepest job it waits for', () => {
    const jobs = [
      job('bench-b', 'benchmark', ['build-arm', 'tune-b'], { deviceId: 'b' }),
      job('convert', 'convert', []),
      job('build-arm', 'build', ['convert'], { abi: 'arm64-v8a', modelTag: null }),
      job('build-host', 'build', ['convert'], { abi: 'host', modelTag: null }),
      job('tune-b', 'tune', ['build-arm'], { deviceId: 'b' }),
      job('validate-a', 'validate', ['build-host'], { deviceId: 'a' }),
    ];
    const g = layoutPipeline(jobs);
    const col = Object.fromEntries(g.nodes.map((n) => [n.job.id, n.column]));
    expect(col).toEqual({ convert: 0, 'build-arm': 1, 'build-host': 1, 'tune-b': 2, 'validate-a': 2, 'bench-b': 3 });
    expect(g.columns).toBe(4);
    expect(g.rows).toBe(2);
    // rows within a stage: ordered by device, then ABI
    const stage1 = g.nodes.filter((n) => n.column === 1).sort((a, b) => a.row - b.row);
    expect(stage1.map((n) => n.job.id)).toEqual(['build-arm', 'build-host']);
    const stage2 = g.nodes.filter((n) => n.column === 2).sort((a, b) => a.row - b.row);
    expect(stage2.map((n) => n.job.id)).toEqual(['validate-a', 'tune-b']);
    expect(g.edges).toContainEqual({ from: 'tune-b', to: 'bench-b' });
    expect(g.edges).toHaveLength(6);
  });

  it('ignores dependencies on jobs it was not given, and survives a cycle', () => {
    const g = layoutPipeline([job('a', 'build', ['missing']), job('x', 'tune', ['y']), job('y', 'tune', ['x'])]);
    expect(g.nodes.find((n) => n.job.id === 'a')!.column).toBe(0);
    expect(g.edges).toEqual([
      { from: 'y', to: 'x' },
      { from: 'x', to: 'y' },
    ]);
  });

  it('lays out nothing for a run without jobs', () => {
    expect(layoutPipeline([])).toEqual({ nodes: [], edges: [], columns: 0, rows: 0 });
  });
});
