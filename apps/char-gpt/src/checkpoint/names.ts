// Maps the Gpt module's parameter names onto nanoGPT's state-dict names and back (`h.0.ln1.weight` ↔ `h.0.ln_1.weight`).

/**
 * nanoGPT's (PyTorch) name of one of our parameters: each dotted segment goes camelCase →
 * snake_case, and a digit that follows a letter gets an underscore; numeric segments (block
 * indices) stay as they are.
 *
 * @example
 * toNanoGptName('transformer.h.0.ln1.weight');        // 'transformer.h.0.ln_1.weight'
 * toNanoGptName('transformer.h.3.attn.cAttn.weight'); // 'transformer.h.3.attn.c_attn.weight'
 * toNanoGptName('transformer.lnF.weight');            // 'transformer.ln_f.weight'
 * toNanoGptName('lmHead.weight');                     // 'lm_head.weight'
 */
export function toNanoGptName(name: string): string {
  return name
    .split('.')
    .map((segment) =>
      /^\d+$/.test(segment)
        ? segment
        : segment
            .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
            .replace(/([a-zA-Z])(\d)/g, '$1_$2')
            .toLowerCase(),
    )
    .join('.');
}

/**
 * Our parameter name for a nanoGPT state-dict name: the inverse of {@link toNanoGptName}.
 *
 * @example
 * fromNanoGptName('transformer.h.0.mlp.c_fc.weight'); // 'transformer.h.0.mlp.cFc.weight'
 * fromNanoGptName('transformer.h.1.ln_2.bias');       // 'transformer.h.1.ln2.bias'
 */
export function fromNanoGptName(name: string): string {
  return name
    .split('.')
    .map((segment) => segment.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/_(\d)/g, '$1'))
    .join('.');
}
