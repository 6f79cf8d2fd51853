// Runs in every test file (vitest.config.ts `setupFiles`): whatever the file created through
// test/helpers/temp.ts is removed when its tests are done.
import { afterAll } from 'vitest';
import { cleanup } from './temp.js';

afterAll(cleanup);
