import { createProjectGraphAsync, type ProjectGraph } from '@nx/devkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { depConstraints } from '../dependency-rules.mjs';

let graph: ProjectGraph;

function tagOf(project: string): string {
  const tags = graph.nodes[project]?.data.tags ?? [];
  const tag = tags.find((t) => t.startsWith('type:'));
  if (!tag) throw new Error(`project ${project} has no type:* tag in its package.json nx.tags`);
  return tag;
}

describe('the project graph follows DESIGN.md', () => {
  beforeAll(async () => {
    graph = await createProjectGraphAsync({ exitOnError: false });
  }, 60_000);

  it('has the packages of the foundation, each tagged with its layer', () => {
    const projects = Object.keys(graph.nodes);
    expect(projects).toEqual(expect.arrayContaining(['@mllr/core', '@mllr/pipeline', '@mllr/tui']));
    expect(tagOf('@mllr/core')).toBe('type:core');
    expect(tagOf('@mllr/pipeline')).toBe('type:pipeline');
    expect(tagOf('@mllr/tui')).toBe('type:app');
  });

  it('has no dependency edge against the declared direction', () => {
    const allowed = new Map(depConstraints.map((c) => [c.sourceTag, new Set(c.onlyDependOnLibsWithTags)]));
    const edges: string[] = [];
    const wrong: string[] = [];
    for (const [source, deps] of Object.entries(graph.dependencies)) {
      if (!graph.nodes[source]) continue;
      for (const { target } of deps) {
        if (!graph.nodes[target]) continue; // external npm packages
        edges.push(`${source} -> ${target}`);
        if (!allowed.get(tagOf(source))?.has(tagOf(target)))
          wrong.push(`${source} (${tagOf(source)}) -> ${target} (${tagOf(target)})`);
      }
    }
    expect(edges).toEqual(expect.arrayContaining(['@mllr/pipeline -> @mllr/core', '@mllr/tui -> @mllr/pipeline']));
    expect(wrong).toEqual([]);
  });
});
