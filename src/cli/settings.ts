import { type Command, Option } from 'commander';
import { type Config, loadConfig, type Setting, settings } from '../config/config.js';

/** commander's attribute name for a flag: `--data-dir <dir>` -> `dataDir`. */
const attributeOf = (s: Setting) =>
  (s.flag.split(' ')[0] as string).replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Adds the flags of these settings to a command, each with its doc, default and environment variable. */
export function addSettings(command: Command, names: (keyof Config)[]): Command {
  for (const name of names) {
    const s = settings[name] as Setting;
    const empty = s.default === undefined || (Array.isArray(s.default) && s.default.length === 0);
    const defaultText = empty ? '' : ` (default: ${String(s.default)})`;
    const envs = [s.env, ...(s.alsoEnv ?? [])].join(', ');
    command.addOption(new Option(s.flag, `${s.doc}${defaultText} [env: ${envs}]`));
  }
  return command;
}

/** The settings for a command: its flags, then the environment, then the defaults. */
export function configFrom(command: Command): Config {
  const opts = command.opts();
  const flags: Partial<Record<keyof Config, string | boolean | undefined>> = {};
  for (const s of Object.values(settings) as Setting[]) flags[s.key] = opts[attributeOf(s)];
  return loadConfig(flags, process.env);
}

/** A mistake in how the command was called: said on stderr, with exit code 2 like commander's own. */
export function usageError(command: Command, message: string): never {
  return command.error(`error: ${message}`, { exitCode: 2, code: 'graphmeet.usage' });
}
