import { describe, expect, it } from 'vitest';
import type { DataUseArtifact } from '../stages/ml-lr/data-ledger.js';
import { dataNotesHtml, dataNotesMarkdown, gatherDataNotes } from './data-notes.js';

function store(files: Record<string, DataUseArtifact>) {
  return {
    exists: async (path: string) => path in files,
    readJson: async <T>(path: string) => files[path] as T,
  };
}

describe('data notes', () => {
  it('merges the stages’ data files: files with skipped records, the largest count per reason, each warning once', async () => {
    const notes = await gatherDataNotes(
      store({
        'data/proxy.json': { files: { 'h.csv': { records: 10, skipped: {} } }, warnings: ['w1'] },
        'data/ift.json': {
          files: { 'a.json': { records: 20, skipped: { wrong_type: 1, empty_response: 2 } } },
          warnings: ['w1', 'w2'],
        },
        'data/eval.json': { files: { 'a.json': { records: 20, skipped: { wrong_type: 1 } } }, warnings: [] },
      }),
    );
    expect(notes).toEqual({
      skipped_records: { 'a.json': { wrong_type: 1, empty_response: 2 } },
      records: { 'a.json': 20 },
      warnings: ['w1', 'w2'],
    });
    expect(await gatherDataNotes(store({}))).toBeUndefined();
  });

  it('renders nothing when all is well, and escapes file names and warnings', () => {
    expect(dataNotesMarkdown({ skipped_records: {}, records: {}, warnings: [] }, String)).toEqual([]);
    expect(dataNotesHtml(undefined)).toBeUndefined();
    const notes = {
      skipped_records: { '<x>.json': { empty_response: 1 } },
      records: { '<x>.json': 5 },
      warnings: ['<b>bad</b>'],
    };
    const htmlText = dataNotesHtml(notes)!.value;
    expect(htmlText).toContain('&lt;x&gt;.json');
    expect(htmlText).toContain('Warning: &lt;b&gt;bad&lt;/b&gt;');
    expect(htmlText).not.toContain('<b>');
    expect(dataNotesMarkdown(notes, (v) => `[${String(v)}]`)).toEqual([
      '## Data',
      '',
      '- **Warning:** [<b>bad</b>]',
      '- [<x>.json]: 1 of 5 records skipped ([empty response 1])',
      '',
    ]);
  });
});
