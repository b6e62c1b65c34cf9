import { spawnSync } from 'node:child_process';

/**
 * Whether poppler's pdftoppm and pdftotext are installed (Debian: poppler-utils). Without them the PDF
 * tests are skipped with a loud message; REQUIRE_POPPLER=1 (set by .ci/run) makes that a failure.
 */
function installed(command: string): boolean {
  return spawnSync(command, ['-v'], { stdio: 'ignore' }).error === undefined;
}

export const popplerAvailable = installed('pdftoppm') && installed('pdftotext');

if (!popplerAvailable) {
  const message = 'pdftoppm/pdftotext (Debian poppler-utils) are not installed';
  if (process.env.REQUIRE_POPPLER === '1') throw new Error(`${message}, and REQUIRE_POPPLER=1`);
  console.warn(
    `\n*** ${message}: the PDF rendering tests are SKIPPED on this machine (apt-get install -y poppler-utils) ***\n`,
  );
}
