// Public surface of @tinygpt/cli-kit: what the char-gpt and mnist-mlp command lines share.
export { resolveConfig, kebab } from './config.js';
export { formatHelp } from './help.js';
export { parsePythonConfig } from './python-config.js';
export type { PythonSetting } from './python-config.js';
export type {
  Config,
  ConfigDefaults,
  ConfigSource,
  ConfigSpec,
  ConfigValue,
  ResolvedConfig,
  Validator,
} from './config.js';
export {
  isInteger,
  isPositiveInteger,
  isNonNegativeInteger,
  isPositive,
  isNonNegative,
  inRange,
} from './validators.js';
export { selectCommand, formatCommands } from './command.js';
export type { SelectedCommand } from './command.js';
export { CliError, USAGE_EXIT_CODE, errorMessage } from './cli-error.js';
export { runMain } from './run-main.js';
export type { Main, RunMainOptions } from './run-main.js';
export { createProgress, formatDuration, formatField } from './progress.js';
export { formatBytes, memoryBudget } from './bytes.js';
export type { Progress, ProgressFields, ProgressOptions, ProgressStream } from './progress.js';
export {
  readDirConsistent,
  readJsonFile,
  readableDir,
  recoverDirSwap,
  replaceDirAtomic,
  writeFileAtomic,
} from './files.js';
export type { AtomicData } from './files.js';
export { lockDir } from './lock.js';
export { describeFsError, notSavedError, writeError } from './fs-error.js';
export { makeDir } from './make-dir.js';
export { dirRefusal, foreignFilesRefusal } from './out-dir.js';
export { readStdin, readUserFile } from './read-file.js';
export { sha256Hex } from './hash.js';
export type { ReadUserFileOptions } from './read-file.js';
export { onInterrupt, stdoutClosed, INTERRUPT_EXIT_CODES } from './interrupt.js';
export type { InterruptHandler } from './interrupt.js';
export { suggest, editDistance } from './suggest.js';
export { userCwd, userPath, shownPath } from './user-path.js';
export { NODE_ENGINES, nodeTooOld } from './node-floor.js';
