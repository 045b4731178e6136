// The artifact page's groups and what each row says about its target (ABI, SoC, driver).
import type { ApiArtifact } from '@mace/protocol';

export interface ArtifactGroup {
  id: 'libraries' | 'tuned' | 'models' | 'all';
  label: string;
  /** `kind` values for GET /v1/artifacts (repeatable); empty: every kind. */
  kinds: string[];
}

export const ARTIFACT_GROUPS: readonly ArtifactGroup[] = [
  { id: 'libraries', label: 'Library packages', kinds: ['library'] },
  { id: 'tuned', label: 'Tuned OpenCL files', kinds: ['tuned'] },
  { id: 'models', label: 'Model files', kinds: ['model_graph', 'model_data'] },
  { id: 'all', label: 'All', kinds: [] },
];

/** The first page of a group's artifacts (later pages follow the API's `next` link). */
export function artifactsQuery(group: ArtifactGroup, limit = 100): string {
  const q = new URLSearchParams();
  for (const k of group.kinds) q.append('kind', k);
  q.set('limit', String(limit));
  return `/v1/artifacts?${q.toString()}`;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** What an artifact is built or tuned for: `arm64-v8a`, `sdm845 · driver …`, a model tag. */
export function artifactTarget(a: ApiArtifact): string {
  const m = a.metadata;
  if (a.kind === 'library') return text(m.abi) ?? '—';
  if (a.kind === 'tuned_binary' || a.kind === 'tuned_parameters') {
    return (
      [text(m.deviceModel), text(m.soc), text(m.driver) && `driver ${text(m.driver)}`].filter(Boolean).join(' · ') ||
      '—'
    );
  }
  return text(m.modelTag) ?? text(m.abi) ?? '—';
}
