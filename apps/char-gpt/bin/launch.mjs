// Starts a char-gpt command from its bundled JavaScript (dist/<command>.mjs), rebuilding the bundle when a source it
// was made from changed, and from the TypeScript sources through tsx when it cannot.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The commands, each src/cli/<name>.ts. */
export const commands = ['pretrain', 'generate', 'eval', 'export'];

const appDir = fileURLToPath(new URL('..', import.meta.url));
const distDir = join(appDir, 'dist');

/** The bundle of `command` and the list of files it was made from. */
function bundlePaths(command) {
  return { bundle: join(distDir, `${command}.mjs`), inputs: join(distDir, `${command}.inputs.json`) };
}

/**
 * Whether the bundle of `command` exists and is newer than every file it was made from (about a
 * hundred `stat` calls: a millisecond).
 */
export function isFresh(command) {
  const { bundle, inputs } = bundlePaths(command);
  try {
    const built = statSync(bundle).mtimeMs;
    const files = JSON.parse(readFileSync(inputs, 'utf8'));
    return files.every((file) => statSync(file).mtimeMs <= built);
  } catch {
    return false;
  }
}

/**
 * An esbuild plugin: npm dependencies (all but the workspace's own @tinygpt packages) stay out of
 * the bundle and are imported from where they are installed, so files they find next to
 * themselves (a dataset's text, through `__dirname`) are still found.
 */
const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@tinygpt/') || args.pluginData === 'resolving') return undefined;
      if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { external: true };
      const found = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (found.errors.length > 0) return { errors: found.errors };
      return { path: pathToFileURL(found.path).href, external: true };
    });
  },
};

/**
 * An esbuild plugin: in the workspace's sources, `import.meta.url` becomes the URL of the source
 * file itself, so code that finds files relative to its own module (the app's `configs/`, a
 * dataset package through `createRequire`) finds them from the bundle too.
 */
const ownLocation = {
  name: 'own-location',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * Bundles src/cli/<command>.ts and everything it imports (the workspace packages from their
 * TypeScript sources) into dist/<command>.mjs with esbuild, written atomically, plus the list of
 * its input files.
 * @returns false when esbuild is not installed.
 */
export async function build(command) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  const { bundle, inputs } = bundlePaths(command);
  mkdirSync(distDir, { recursive: true });
  const tmp = `${bundle}.${process.pid}.tmp`;
  const result = await esbuild.build({
    entryPoints: [join(appDir, 'src', 'cli', `${command}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@tinygpt/source'],
    plugins: [externalDependencies, ownLocation],
    outfile: tmp,
    metafile: true,
    absWorkingDir: appDir,
    logLevel: 'error',
  });
  const files = Object.keys(result.metafile.inputs)
    .filter((file) => !file.startsWith('file:'))
    .map((file) => resolve(appDir, file));
  writeFileSync(`${inputs}.${process.pid}.tmp`, JSON.stringify(files));
  renameSync(`${inputs}.${process.pid}.tmp`, inputs);
  renameSync(tmp, bundle);
  return true;
}

/** How often a launcher under a package manager checks that the manager is still there, ms (as cli-kit's commands do). */
const PARENT_POLL_MS = 500;

/**
 * Runs src/cli/<command>.ts through tsx in a child process with this process's arguments; exits
 * with its status (128 + the signal's number when a signal ended it). Ctrl-C reaches the child from
 * the terminal, and this process waits for it to finish. A SIGTERM sent to this process alone is
 * passed on, so the run saves and stops as it does when it gets the signal itself; so is the end of
 * the package manager that started this process (`pnpm pretrain`, whose SIGTERM is not passed on).
 */
function runFromSource(command) {
  const tsx = import.meta.resolve('tsx');
  const script = join(appDir, 'src', 'cli', `${command}.ts`);
  const child = spawn(
    process.execPath,
    ['--import', tsx, '--conditions=@tinygpt/source', script, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.on('SIGINT', () => {}); // the child gets Ctrl-C from the terminal too and stops cleanly
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      child.kill('SIGTERM');
    }, PARENT_POLL_MS);
    watch.unref();
  }
  child.on('error', (err) => {
    process.stderr.write(`char-gpt: could not start ${command} from its sources (${err.message})\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}

/**
 * Runs char-gpt command `command` in this process from its bundle, (re)building it first when it
 * is missing or stale; without esbuild, or with CHAR_GPT_FROM_SOURCE=1 in the environment (stack
 * traces into the TypeScript), from the sources through tsx.
 */
export async function launch(command) {
  if (process.env.CHAR_GPT_FROM_SOURCE === '1') return runFromSource(command);
  if (!isFresh(command)) {
    let built = false;
    try {
      built = await build(command);
    } catch (err) {
      process.stderr.write(`char-gpt: could not bundle ${command} (${err.message}); running it from its sources\n`);
    }
    if (!built) return runFromSource(command);
  }
  await import(pathToFileURL(bundlePaths(command).bundle).href);
}

// `node bin/launch.mjs --build`: bundles every command (the package's `build` script).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === '--build') {
  for (const command of commands) {
    if (!(await build(command))) {
      process.stderr.write('char-gpt: esbuild is not installed; run pnpm install\n');
      process.exit(1);
    }
  }
}
