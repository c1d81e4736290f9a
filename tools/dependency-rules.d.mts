/** For each project tag, the tags of the projects it may depend on. */
export declare const depConstraints: ReadonlyArray<{ sourceTag: string; onlyDependOnLibsWithTags: readonly string[] }>;
