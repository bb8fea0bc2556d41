// Project soak configuration. Precedence: defaults < this file < scenario < SOAK_* env < CLI flags.
// Every key is optional; `npm run soak -- --help` lists them, harness/config/types.ts documents them.
import { defineConfig } from './harness/config/define-config.js';

export default defineConfig({
  scenario: 'office-day',
  users: 100,
  hours: 25,
});
