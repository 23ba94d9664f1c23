import { defineConfig } from 'vitest/config';

/**
 * Tests that open rollcall's files in a real LibreOffice Calc, headless (Debian's
 * libreoffice-calc, `soffice`): the CSVs with its default import settings and evidence.xlsx.
 */
export default defineConfig({
  test: {
    include: ['test/spreadsheet/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // One LibreOffice at a time: each conversion starts a whole office process.
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
