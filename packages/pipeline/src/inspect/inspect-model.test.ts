import { allModuleIds } from '@mllr/core';
import { loadCheckpoint } from '@mllr/model';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { describe, expect, it } from 'vitest';
import { inspectModel } from './inspect-model.js';

describe('inspectModel', () => {
  it("counts a safetensors checkpoint's parameters and tensors, lists its modules and summarises its tokenizer", async () => {
    const checkpoint = await loadCheckpoint(TINY_CHAT_DIR);
    const inspection = await inspectModel({ dir: TINY_CHAT_DIR });
    expect(inspection.format).toBe('safetensors');
    expect(inspection.described).toBeUndefined();
    expect(inspection.tensors).toBe(checkpoint.tensors.size);
    expect(inspection.parameters).toBe([...checkpoint.tensors.values()].reduce((n, t) => n + t.data.length, 0));
    expect(inspection.architecture).toEqual(checkpoint.architecture);
    expect(inspection.modules).toEqual(allModuleIds(checkpoint.architecture.numLayers));
    expect(inspection.engine).toBe('tfjs');
    expect(inspection.tokenizer?.eos_token_ids.length).toBeGreaterThan(0);
  });

  it('refuses a folder without a model, naming it', async () => {
    await expect(inspectModel({ dir: '/nonexistent/model' })).rejects.toThrow(/\/nonexistent\/model/);
  });
});
