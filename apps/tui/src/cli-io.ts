/** The process surroundings a command uses, injectable for tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** True when stdout is a terminal that can host the live dashboard (a TTY, and not a CI job). */
  isTTY: boolean;
  cwd: string;
}

/**
 * Whether the environment says it is a CI job, by the rule Ink itself uses: under CI Ink draws only the final frame,
 * so a dashboard there would show nothing until the run ends; plain progress lines serve such a log better.
 */
export function isCiEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  const set = (key: string) => key in env && env[key] !== '0' && env[key] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION');
}

/** The real terminal. */
export function processIo(): CliIo {
  const isTTY = Boolean(process.stdout.isTTY) && !isCiEnvironment();
  return { stdout: process.stdout, stderr: process.stderr, isTTY, cwd: process.cwd() };
}
