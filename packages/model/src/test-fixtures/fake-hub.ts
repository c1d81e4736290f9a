import { createHash } from 'node:crypto';

/** One repo of the fake Hub: its branches and the files of each commit. */
export interface FakeRepo {
  refs: Record<string, string>;
  commits: Record<string, Record<string, string | Uint8Array>>;
}

/** A request the fake Hub answered: method and path (no host, no query). */
export interface FakeHubRequest {
  method: string;
  path: string;
  range: string | null;
}

/**
 * A fetch that answers the Hub API calls @huggingface/hub makes to download files (model info, tree listing,
 * paths-info, resolve with byte ranges), from repos held in memory. No network: tests inject it as `fetch`.
 */
export function fakeHubFetch(repos: Record<string, FakeRepo>): { fetch: typeof fetch; requests: FakeHubRequest[] } {
  const requests: FakeHubRequest[] = [];
  const handler = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? 'GET';
    const range = new Headers(init?.headers).get('range');
    const path = decodeURIComponent(url.pathname);
    requests.push({ method, path, range });
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree|paths-info)\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (api) {
      const [, repo, kind, rev] = api;
      const found = lookUp(repos, repo!, rev!);
      if (!found) return notFound('RevisionNotFound');
      if (kind === 'revision') return json({ _id: 'x', id: repo, sha: found.commit });
      const entries = Object.entries(found.files).map(([name, content]) => entry(name, content, found.commit));
      if (kind === 'tree') return json(entries.filter((e) => !e.path.includes('/')));
      const asked = (JSON.parse(String(init?.body)) as { paths: string[] }).paths;
      return json(entries.filter((e) => asked.includes(e.path)));
    }
    const file = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (file) {
      const found = lookUp(repos, file[1]!, file[2]!);
      const content = found?.files[file[3]!];
      if (!found || content === undefined) return notFound('EntryNotFound');
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      const headers = {
        ETag: `"${sha256(bytes)}"`,
        'X-Repo-Commit': found.commit,
        'Content-Type': 'application/octet-stream',
      };
      const match = range ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
      if (!match)
        return new Response(bytes, { status: 200, headers: { ...headers, 'Content-Length': String(bytes.length) } });
      const start = Number(match[1]);
      const end = Math.min(Number(match[2]), bytes.length - 1);
      return new Response(bytes.slice(start, end + 1), {
        status: 206,
        headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${bytes.length}` },
      });
    }
    return notFound('RepoNotFound');
  };
  return { fetch: handler as typeof fetch, requests };
}

function lookUp(
  repos: Record<string, FakeRepo>,
  repo: string,
  rev: string,
): { commit: string; files: Record<string, string | Uint8Array> } | undefined {
  const r = repos[repo];
  if (!r) return undefined;
  const commit = r.refs[rev] ?? rev;
  const files = r.commits[commit];
  return files ? { commit, files } : undefined;
}

function entry(name: string, content: string | Uint8Array, commit: string) {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const oid = createHash('sha1').update(bytes).digest('hex');
  // Weights are LFS files on the Hub: their etag (and blob name) is the sha256; the last commit touching a file
  // differs from the repo's commit, as it usually does on the Hub.
  const lfs =
    name.endsWith('.safetensors') || name.endsWith('.bin')
      ? { lfs: { oid: sha256(bytes), size: bytes.length, pointerSize: 130 } }
      : {};
  return {
    type: 'file',
    path: name,
    size: bytes.length,
    oid,
    ...lfs,
    lastCommit: {
      id: createHash('sha1').update(`older ${commit}`).digest('hex'),
      date: '2024-01-01T00:00:00Z',
      title: 'older',
    },
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { status: 200, headers: { 'Content-Type': 'application/json' } });
}

function notFound(code: string): Response {
  return new Response(JSON.stringify({ error: code }), {
    status: 404,
    headers: { 'Content-Type': 'application/json', 'X-Error-Code': code },
  });
}
