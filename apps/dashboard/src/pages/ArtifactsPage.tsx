// Artifacts: library packages per ABI, tuned OpenCL files per SoC and driver, model files — with
// sizes, checksums and downloads (fetched with the token, then saved: a link cannot send it).
import { useState } from 'react';
import type { ApiArtifact } from '@mace/protocol';
import { downloadWithToken } from '../api/client';
import { ErrorLine, LoadMore, Loading } from '../components/Status';
import { ARTIFACT_GROUPS, artifactsQuery, artifactTarget, type ArtifactGroup } from '../lib/artifacts';
import { formatBytes, formatTime, shortId } from '../lib/format';
import { usePagedList } from '../lib/use-paged-list';
import { Link } from '../router';

export function ArtifactsPage() {
  const [group, setGroup] = useState<ArtifactGroup>(ARTIFACT_GROUPS[0]);
  const { items, error, more } = usePagedList<ApiArtifact>(artifactsQuery(group));
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const download = async (a: ApiArtifact): Promise<void> => {
    setDownloading(a.id);
    setDownloadError(null);
    try {
      const name = a.name.split('/').pop() ?? a.name;
      await downloadWithToken(a.downloadUrl, name);
      setSaved(`Saved ${name} (${formatBytes(a.size)}).`);
    } catch (err) {
      setDownloadError(`download of ${a.name}: ${(err as Error).message}`);
    } finally {
      setDownloading(null);
    }
  };

  return (
    <section>
      <h1>Artifacts</h1>
      <div role="tablist" aria-label="Artifact kinds" className="tabs">
        {ARTIFACT_GROUPS.map((g) => (
          <button key={g.id} type="button" role="tab" aria-selected={g.id === group.id} onClick={() => setGroup(g)}>
            {g.label}
          </button>
        ))}
      </div>
      <ErrorLine error={downloadError ?? error} />
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      {items === null ? (
        !error && <Loading what="artifacts" />
      ) : items.length === 0 ? (
        <p className="muted">No {group.label.toLowerCase()} yet.</p>
      ) : (
        <div className="table-wrap" role="tabpanel" aria-label={group.label}>
          <table aria-label={group.label}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">For</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">SHA-256</th>
                <th scope="col">Run</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Download</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} data-artifact={a.name}>
                  <th scope="row" className="name">
                    {a.name}
                  </th>
                  <td>{a.kind}</td>
                  <td>{artifactTarget(a)}</td>
                  <td className="num" title={`${a.size} bytes`}>
                    {formatBytes(a.size)}
                  </td>
                  <td>
                    <code className="sha" title={a.sha256}>
                      {a.sha256.slice(0, 16)}…
                    </code>
                  </td>
                  <td>{a.runId ? <Link href={`/runs/${a.runId}`}>{shortId(a.runId)}</Link> : '—'}</td>
                  <td>{formatTime(a.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => void download(a)}
                      disabled={downloading === a.id}
                      aria-label={`Download ${a.name}`}
                    >
                      {downloading === a.id ? 'Downloading…' : 'Download'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore more={more} />
    </section>
  );
}
