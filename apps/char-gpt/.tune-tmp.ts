import { pretrainConfig } from './src/cli/pretrain-config.js';
import { train } from './src/train.js';
const overrides = JSON.parse(process.argv[2] ?? '{}');
const config = { ...pretrainConfig(['--config', 'quick'])!, ...overrides, outDir: `/tmp/cg/tune-${process.pid}`, sampleChars: 0 };
const c0 = process.cpuUsage(); const t0 = performance.now();
const r = await train(config);
const cpu = process.cpuUsage(c0);
console.log(JSON.stringify(overrides), 'evals', r.evals.map((e) => `${e.iter}:${e.valLoss.toFixed(3)}`).join(' '), `cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)}s wall ${((performance.now() - t0) / 1000).toFixed(1)}s`);
