import { defineConfig } from 'vitest/config';

/** Tests that drive a real headless Chromium (playwright-core over the system's /usr/bin/chromium). */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
