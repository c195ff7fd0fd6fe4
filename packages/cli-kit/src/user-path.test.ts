import { afterEach, describe, expect, it } from 'vitest';
import { shownPath, userCwd, userPath } from './user-path.js';

const saved = process.env.INIT_CWD;
afterEach(() => {
  if (saved === undefined) delete process.env.INIT_CWD;
  else process.env.INIT_CWD = saved;
});

describe('user paths', () => {
  it('resolve from INIT_CWD (where pnpm was started), else the working directory', () => {
    delete process.env.INIT_CWD;
    expect(userCwd()).toBe(process.cwd());
    process.env.INIT_CWD = '/srv/tinygpt';
    expect(userPath('runs/quick')).toBe('/srv/tinygpt/runs/quick');
    expect(userPath('/data/x.txt')).toBe('/data/x.txt');
  });

  it('are shown relative to the user when inside their directory, absolute otherwise', () => {
    process.env.INIT_CWD = '/srv/tinygpt';
    expect(shownPath('/srv/tinygpt/runs/quick')).toBe('runs/quick');
    expect(shownPath('/srv/tinygpt')).toBe('.');
    expect(shownPath('/srv/elsewhere/run')).toBe('/srv/elsewhere/run');
    expect(shownPath('/srv/tinygpt-2/run')).toBe('/srv/tinygpt-2/run');
  });
});
