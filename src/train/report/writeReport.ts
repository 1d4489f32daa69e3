import { join } from 'node:path';
import { writeFileAtomic } from '../../source/writeFileAtomic.js';
import { renderReport } from './renderReport.js';
import { readRunRecords } from './runRecords.js';

/** Writes `report.html` into a run folder, atomically, from what the folder holds; returns its path. */
export function writeReport(runPath: string): string {
  const path = join(runPath, 'report.html');
  writeFileAtomic(path, renderReport(readRunRecords(runPath)));
  return path;
}
