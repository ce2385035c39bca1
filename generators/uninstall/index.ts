import { packTemplates, shipped } from '../io/templates.js';
import { everyClientFile } from '../lib/clients/files.js';
import { planUninstall } from '../lib/plan.js';
import { PackGenerator } from '../pack-generator.js';

/**
 * `generator-ai-pack uninstall` / `yo ai-pack:uninstall`: takes out what the pack wrote and the user
 * has not changed (files, settings entries, the CLAUDE.md section, folders it created); lists, and keeps,
 * what the user edited. The plan is lib/plan.ts `planUninstall`.
 */
export default class UninstallGenerator extends PackGenerator {
  initializing(): void {
    this.openRepository();
  }

  writing(): void {
    if (!this.record) {
      this.print(
        `generator-ai-pack is not installed here (no generator-ai-pack entry in ${this.recordPath}): nothing to remove.`,
      );
      this.done();
      return;
    }
    let shippedToday: Record<string, string> | undefined;
    const plan = planUninstall({
      disk: this.disk,
      record: this.record,
      recordPath: this.recordPath,
      packVersionsBeside: (path) => {
        shippedToday ??= shippedNow();
        return Object.hasOwn(shippedToday, path) ? [shippedToday[path]!] : [];
      },
      packMayOwn: shipped().mayOwn,
    });
    this.applyAndReport(plan, 'The pack is out. Your own files, settings and backups are as they were.');
  }
}

/** The pack's files as it ships them today, for every client: what a `.ai-pack-new` beside one may hold. */
function shippedNow(): Record<string, string> {
  const { files } = packTemplates();
  return { ...files, ...everyClientFile(files) };
}
