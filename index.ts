/**
 * rol-soak's public entry: what a `soak.config.ts` or a user scenario file imports
 * (`import { defineScenario } from 'rol-soak'`). Nothing else of the package is public.
 */
export { defineConfig } from './harness/config/define-config.js';
export type { SoakUserConfig } from './harness/config/types.js';
export { defineSocketScenario as defineScenario, ScriptFailure } from './scenarios/socket-scenario.js';
export type {
  AuthSpec,
  ConnectionSpec,
  EmitOptions,
  FailureReason,
  Handshake,
  LoginStep,
  ScenarioUser,
  Script,
  Session,
  SocketPhase,
  SocketScenarioInput,
  SocketTimer,
} from './scenarios/socket-scenario.js';
