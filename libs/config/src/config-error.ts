/** A setting the app cannot start with; its message names the variable and what to do. */
export class ConfigError extends Error {}

export function refuse(problem: string): never {
  throw new ConfigError(`Invalid environment variables: ${problem}`);
}
