/** A model named by its Hugging Face Hub id: `org/name`, optionally `@revision` (a branch, a tag or a commit hash). */
export interface HubId {
  /** `org/name`. */
  repo: string;
  /** The revision asked for; `main` when none was given. */
  revision: string;
  /** True when `revision` is a full commit hash, which names a snapshot directly (no `refs/` lookup). */
  isCommit: boolean;
}

/** The revision used when an id names none, as huggingface_hub does. */
export const DEFAULT_HUB_REVISION = 'main';

// One part of a repo id as the Hub allows it: letters, digits, `-`, `_`, `.`, starting and ending with a letter or
// digit (which also rules out `.` and `..`), at most 96 characters.
const PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
// A git ref name as the cache stores it under refs/ (branches may hold `/`, like `refs/pr/1`); never `..`.
const REVISION = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const COMMIT = /^[0-9a-f]{40}$/;

/**
 * Reads `org/name` or `org/name@revision` as a Hub id; undefined for anything else (a path with more or fewer
 * than one `/`, `./x`, `/abs/path`, a part the Hub would not accept). Whether a value that parses is a Hub id or a
 * local folder is the caller's rule: mllr reads an existing local path first.
 */
export function parseHubId(value: string): HubId | undefined {
  const at = value.indexOf('@');
  const repo = at < 0 ? value : value.slice(0, at);
  const revision = at < 0 ? DEFAULT_HUB_REVISION : value.slice(at + 1);
  const parts = repo.split('/');
  if (parts.length !== 2 || !parts.every((p) => PART.test(p) && !p.includes('--') && !p.includes('..')))
    return undefined;
  if (!REVISION.test(revision) || revision.split('/').some((s) => s === '.' || s === '..')) return undefined;
  return { repo, revision, isCommit: COMMIT.test(revision) };
}

/** `org/name` or `org/name@revision` as the user would write it (no `@main` for the default). */
export function formatHubId(id: Pick<HubId, 'repo' | 'revision'>): string {
  return id.revision === DEFAULT_HUB_REVISION ? id.repo : `${id.repo}@${id.revision}`;
}
