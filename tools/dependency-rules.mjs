// The dependency direction of DESIGN.md as nx tag constraints: apps → pipeline → plugin packages → model → core,
// and plugin packages never import each other. Used by eslint.config.mjs and checked against the real graph in tools/.

/** For each project tag, the tags of the projects it may depend on. */
export const depConstraints = [
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:model', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:model', 'type:core'] },
  { sourceTag: 'type:pipeline', onlyDependOnLibsWithTags: ['type:plugin', 'type:model', 'type:core'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pipeline', 'type:model', 'type:core'] },
  {
    sourceTag: 'type:tools',
    onlyDependOnLibsWithTags: ['type:app', 'type:pipeline', 'type:plugin', 'type:model', 'type:core'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:app', 'type:pipeline', 'type:plugin', 'type:model', 'type:core'],
  },
];
