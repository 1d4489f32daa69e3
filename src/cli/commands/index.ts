import type { BirdCommand } from '../command.js';
import { checkCommand } from './check.js';
import { compileCommand } from './compile.js';
import { diffCommand } from './diff.js';
import { encodeCommand } from './encode.js';
import { exportCommand } from './export.js';
import { fitCommand } from './fit.js';
import { fmtCommand } from './fmt.js';
import { graphCommand } from './graph.js';
import { predictCommand } from './predict.js';
import { reportCommand } from './report.js';
import { serveCommand } from './serve.js';
import { trainCommand } from './train.js';
import { verifyCommand } from './verify.js';

/** Every `bird` command by name, in the order `bird --help` lists them. */
export const commands: ReadonlyMap<string, BirdCommand> = new Map([
  ['check', checkCommand],
  ['fmt', fmtCommand],
  ['compile', compileCommand],
  ['fit', fitCommand],
  ['train', trainCommand],
  ['report', reportCommand],
  ['encode', encodeCommand],
  ['predict', predictCommand],
  ['export', exportCommand],
  ['verify', verifyCommand],
  ['diff', diffCommand],
  ['graph', graphCommand],
  ['serve', serveCommand],
]);
