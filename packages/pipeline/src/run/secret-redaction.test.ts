import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDACTED, SecretRedactor, type RunEvent } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { FsRunStore } from './fs-run-store.js';
import { RunEventSink } from './run-event-sink.js';
import { RunFolder } from './run-folder.js';

const KEY = 'sk-planted-0123456789abcdef';

describe('the run folder writers redact secrets', () => {
  it('RunEventSink: events forwarded and logged carry no secret, whatever field it was in', () => {
    const seen: RunEvent[] = [];
    const sink = new RunEventSink((e) => seen.push(e), Date.now, new SecretRedactor([KEY]));
    const log = join(mkdtempSync(join(tmpdir(), 'mllr-redact-')), 'events.jsonl');
    sink.attachLog(log);
    sink.emit({ type: 'log', level: 'info', message: `key is ${KEY}` });
    sink.emit({ type: 'metric', stage: 's', name: `m-${KEY}`, value: 1, labels: { series: KEY } } as never);
    sink.emit({
      type: 'error',
      error: { code: 'INTERNAL', message: `boom ${KEY}`, details: [{ where: KEY, message: 'x' }] },
      exitCode: 1,
    });
    sink.close();
    const text = readFileSync(log, 'utf8');
    expect(text).not.toContain(KEY);
    expect(JSON.stringify(seen)).not.toContain(KEY);
    expect(text.split(REDACTED).length - 1).toBe(5);
  });

  it('FsRunStore: text, JSON and binary artifacts carry no secret; binary keeps its length', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-redact-'));
    const store = new FsRunStore(dir, new SecretRedactor([KEY]));
    await store.writeArtifact('a.txt', `x ${KEY} y`);
    await store.writeJson('b.json', { [KEY]: [KEY] });
    const bytes = new TextEncoder().encode(`\u0000${KEY}\u0000`);
    expect(await store.writeArtifact('c.bin', bytes)).toBe(bytes.byteLength);
    for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name), 'utf8'), name).not.toContain(KEY);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe(`x ${REDACTED} y`);
  });

  it('RunFolder: the copied config and the resolved config carry no secret from the environment', async () => {
    process.env['MLLR_TEST_API_KEY'] = KEY;
    try {
      const dir = join(mkdtempSync(join(tmpdir(), 'mllr-redact-')), 'run');
      const folder = await RunFolder.open({
        dir,
        config: { model: { path: `/m/${KEY}` } },
        configText: `model: { path: /m/${KEY} }\n`,
        configFile: '/c/run.yaml',
      });
      await folder.store.writeArtifact('out.txt', KEY);
      await folder.close('finished');
      for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name), 'utf8'), name).not.toContain(KEY);
      expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(`model: { path: /m/${REDACTED} }\n`);
    } finally {
      delete process.env['MLLR_TEST_API_KEY'];
    }
  });
});
