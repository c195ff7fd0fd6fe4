// Runs this README's example and checks it prints what the README shows.
import { expect, it } from 'vitest';
import { runReadmeExample } from './readme-example.js';

it('README example prints what the README shows', () => {
  const { expected, actual } = runReadmeExample(new URL('.', import.meta.url));
  expect(actual).toBe(expected);
}, 60_000);
