// Runs the README's example and checks that it prints exactly the output the README shows.
import { expect, it } from 'vitest';
import { runReadmeExample } from '@tinygpt/scripts/readme-example';

it('README example prints what the README shows', () => {
  const { expected, actual } = runReadmeExample(new URL('..', import.meta.url));
  expect(actual).toBe(expected);
}, 30_000);
