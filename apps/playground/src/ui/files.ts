// Files in and out of the page: a checkpoint directory as a zip download, and a picked folder, files or zip read into name → bytes.
import { unzipSync, zipSync } from 'fflate';
import type { DirFiles } from '../gpt/protocol.js';

/** Offers `files` as `<dir>.zip` holding `<dir>/<file>` (unzip it and pass `--out-dir <dir>` to the CLI). */
export function downloadZip(dir: string, files: DirFiles): void {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(files)) entries[`${dir}/${name}`] = bytes;
  const zip = zipSync(entries, { level: 6 });
  const url = URL.createObjectURL(new Blob([zip], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${dir}.zip`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The files the user picked (several files, a folder, or one zip), by base name. A zip's entries
 * are taken from its only directory or its root.
 */
export async function readPicked(list: FileList | File[]): Promise<{ name: string; files: DirFiles }> {
  const picked = Array.from(list);
  const files: DirFiles = {};
  // A folder's name, else (loose files) a description; a zip's name replaces either below.
  let name = picked[0]?.webkitRelativePath.split('/')[0] || `${picked.length} picked files`;
  for (const file of picked) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (file.name.endsWith('.zip')) {
      name = file.name.replace(/\.zip$/, '');
      for (const [path, data] of Object.entries(unzipSync(bytes))) {
        const base = path.split('/').pop();
        if (base) files[base] = data;
      }
    } else files[file.name] = bytes;
  }
  return { name, files };
}
