import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A commit hash for tests, derived from a label. */
export function fakeCommit(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/** The files of a model folder (top level, regular files), by name. */
export function folderFiles(dir: string): Record<string, Buffer> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

/**
 * Lays a model out in a Hugging Face cache folder as huggingface_hub writes it: bytes in `blobs/<sha256>`,
 * `snapshots/<commit>/<file>` relative symlinks to them, `refs/<revision>` holding the commit (none when
 * `revision` is undefined). Returns the snapshot folder.
 */
export function layOutHubCache(
  cache: string,
  repo: string,
  files: Record<string, Buffer>,
  commit: string,
  revision: string | undefined = 'main',
): string {
  const repoDir = join(cache, `models--${repo.replace('/', '--')}`);
  const snapshot = join(repoDir, 'snapshots', commit);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    const blob = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(repoDir, 'blobs', blob), bytes);
    symlinkSync(`../../blobs/${blob}`, join(snapshot, name));
  }
  if (revision !== undefined) {
    mkdirSync(join(repoDir, 'refs'), { recursive: true });
    writeFileSync(join(repoDir, 'refs', revision), commit);
  }
  return snapshot;
}

/** A local HTTP server answering the Hub API calls a download makes, for one repo at one commit (HF_ENDPOINT points here). */
export async function startFakeHub(
  repo: string,
  commit: string,
  files: Record<string, Buffer>,
): Promise<{ url: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const entries = Object.entries(files).map(([path, bytes]) => ({
    type: 'file',
    path,
    size: bytes.length,
    oid: createHash('sha1').update(bytes).digest('hex'),
    ...(path.endsWith('.safetensors') ? { lfs: { oid: sha256(bytes), size: bytes.length, pointerSize: 130 } } : {}),
    lastCommit: { id: fakeCommit(`older ${commit}`), date: '2024-01-01T00:00:00Z', title: 'older' },
  }));
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(`${req.method} ${path}`);
    const json = (value: unknown) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
    const revs = ['main', commit];
    if (path.startsWith(`/api/models/${repo}/revision/`) && revs.includes(path.split('/').at(-1)!))
      return json({ _id: 'x', id: repo, sha: commit });
    if (path === `/api/models/${repo}/tree/${commit}`) return json(entries);
    if (path === `/api/models/${repo}/paths-info/${commit}`) {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () =>
        json(entries.filter((e) => (JSON.parse(body) as { paths: string[] }).paths.includes(e.path))),
      );
      return;
    }
    const prefix = `/${repo}/resolve/${commit}/`;
    const bytes = path.startsWith(prefix) ? files[path.slice(prefix.length)] : undefined;
    if (!bytes) return res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end('{}');
    const headers = { ETag: `"${sha256(bytes)}"`, 'X-Repo-Commit': commit, 'Content-Type': 'application/octet-stream' };
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!range) return res.writeHead(200, headers).end(bytes);
    const [start, end] = [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)];
    res
      .writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${bytes.length}` })
      .end(bytes.subarray(start, end + 1));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}
