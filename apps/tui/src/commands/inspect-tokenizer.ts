import type { TokenizerSummary } from '@mllr/pipeline';

/** The summary as `mllr inspect`'s text lines. */
export function tokenizerLines(summary: TokenizerSummary | null): string[] {
  if (!summary) return ['tokenizer    none (no tokenizer.json: give token ids, --ids)'];
  const eos = summary.eos_token_ids.map((id, i) => `${id} ${JSON.stringify(summary.eos_tokens[i])}`).join(' · ');
  const template = summary.chat_template;
  return [
    `eos ids      ${eos || '-'} (each ends generation)`,
    template
      ? `chat template ${template.file} (${template.lines} line${template.lines === 1 ? '' : 's'}):`
      : 'chat template none (tokenizer_config.json has no chat_template)',
    ...(template?.first_lines ?? []).map((line) => `  ${line}`),
    ...(template && template.lines > template.first_lines.length
      ? [`  … ${template.lines - template.first_lines.length} more lines`]
      : []),
  ];
}
