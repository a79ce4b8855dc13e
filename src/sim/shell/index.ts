/** The simulated terminal's shell: parsing, running, built-ins and the tool contract. */
export * from './types.ts';
export { createRegistry } from './registry.ts';
export {
  cloneShell,
  createShell,
  DEFAULT_POD_PROMPTS,
  enterPod,
  HOST_PROMPT,
  imageRepository,
  leavePod,
  POD_PROMPT,
  recordHistory,
  shellName,
  type ShellOptions,
} from './state.ts';
export * from './parse.ts';
export { runLine, NOT_FOUND_EXIT, type RunResult } from './run.ts';
export {
  CLEAR_SCREEN,
  createShellRegistry,
  HOST_EXIT_NOTICE,
  registerBuiltins,
  SHELL_BUILTINS,
  splitLines,
  TEXT_TOOLS,
} from './builtins.ts';
