import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllrError } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { evalModelId, evaluateModelFolder } from './eval-service.js';

describe('evalModelId', () => {
  it('names the generations file after the model folder, made safe as a file name', () => {
    expect(evalModelId('/runs/r1/models/ml-lr')).toBe('ml-lr');
    expect(evalModelId('/models/Qwen2.5 0.5B (chat)')).toBe('Qwen2.5_0.5B_chat_');
    expect(evalModelId('/models/..hidden')).toBe('hidden');
    expect(evalModelId('/')).toBe('model');
  });
});

describe('evaluateModelFolder: bad input is an input error before any engine starts', () => {
  const rejects = async (request: Parameters<typeof evaluateModelFolder>[0], code: string, message: RegExp) => {
    const error = await evaluateModelFolder(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MllrError);
    expect((error as MllrError).code).toBe(code);
    expect((error as MllrError).exitCode).toBe(2);
    expect((error as MllrError).message).toMatch(message);
  };

  it('names a missing folder, a file given as the folder, a folder without config.json or tokenizer.json, and an --out that is a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-eval-svc-'));
    await rejects({ model: 'missing', cwd: dir }, 'ARGUMENT_INVALID', /--model missing: no such folder/);
    writeFileSync(join(dir, 'file'), '');
    await rejects({ model: 'file', cwd: dir }, 'ARGUMENT_INVALID', /is a file; give the model's folder/);
    await rejects({ model: '.', cwd: dir }, 'CHECKPOINT_INVALID', /config\.json is missing/);
    writeFileSync(join(dir, 'config.json'), '{}');
    await rejects({ model: '.', cwd: dir }, 'CHECKPOINT_INVALID', /tokenizer\.json is missing/);
    await rejects({ model: 'tiny-chat', cwd: dir, outDir: 'file' }, 'ARGUMENT_INVALID', /--out .*file is a file/);
    await rejects({ model: 'tiny-chat', cwd: dir, configFile: 'none.yaml' }, 'CONFIG_NOT_FOUND', /none\.yaml/);
  });
});
