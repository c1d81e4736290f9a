// A two-stage test pipeline, written as a plain-JS third-party plugin: `alpha` counts to `steps`, `beta` reads
// alpha's artifact and counts on. Options: steps, delay_ms (per step), crash_in (stage that exits the process),
// throw_async_in (stage that throws outside any promise the pipeline awaits).
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function countingStage(name, options, reads) {
  const steps = options.steps ?? 3;
  const delayMs = options.delay_ms ?? 0;
  return {
    name,
    title: `count to ${steps}`,
    hashInputs: (config) => ({ stages: config.stages, seed: config.seed }),
    async run(ctx) {
      const before = reads ? JSON.parse(await ctx.store.readText(`${reads}.json`)).total : 0;
      for (let step = 1; step <= steps; step++) {
        ctx.throwIfStopped();
        if (options.crash_in === name && step === 2) {
          process.stderr.write(`fixture: ${name} crashing on purpose\n`);
          process.exit(3);
        }
        if (options.throw_async_in === name && step === 2) {
          setTimeout(() => {
            throw new Error(`${name} threw asynchronously`);
          }, 0);
          await sleep(1000);
        }
        await sleep(delayMs);
        ctx.progress(step, steps, { unit: 'step' });
      }
      ctx.metric('count', steps);
      ctx.log(`${name} counted to ${before + steps}`);
      await ctx.store.writeJson(`${name}.json`, { stage: name, total: before + steps });
    },
  };
}

export function register(container, options, info) {
  container.register(info.token, {
    useValue: {
      name: 'two-stage',
      info: { model: 'none (test pipeline)' },
      stages: [countingStage('alpha', options), countingStage('beta', options, 'alpha')],
    },
  });
}
