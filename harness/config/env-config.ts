import type { ProfileKind, SoakUserConfig } from './types.js';
import type { StoreMode } from '../../store/resolve.js';

/**
 * Reads the SOAK_* variables into a config layer. Values stay strings or numbers as typed by the
 * user; validation happens once, in resolveConfig.
 */
export function configFromEnv(env: Record<string, string | undefined>): SoakUserConfig {
  const layer: Record<string, unknown> = {};
  const text = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const num = (name: string) => {
    const v = text(name);
    return v === undefined ? undefined : Number(v);
  };
  const set = (key: keyof SoakUserConfig, value: unknown) => {
    if (value !== undefined) layer[key] = value;
  };
  set('scenario', text('SOAK_SCENARIO'));
  set('users', num('SOAK_USERS'));
  set('hours', num('SOAK_HOURS'));
  const ts = text('SOAK_TIME_SCALE');
  set('timeScale', ts === undefined ? undefined : ts === 'auto' ? 'auto' : Number(ts));
  set('leaks', text('SOAK_LEAKS'));
  set('seed', num('SOAK_SEED'));
  set('out', text('SOAK_OUT'));
  set('store', text('SOAK_STORE') as StoreMode | undefined);
  // SOAK_HTTP=0|false|off|no turns the HTTP load off, 1|true|on|yes on; anything else is left
  // as text so that validation names it.
  const http = text('SOAK_HTTP');
  set('http', http === undefined ? undefined : /^(0|false|off|no)$/i.test(http) ? false : /^(1|true|on|yes)$/i.test(http) ? true : http);
  set('profile', text('SOAK_PROFILE') as ProfileKind | undefined);
  // A spec (SOAK_SYNTHETIC_LEAK), or the older number of MiB per simulated hour.
  set('syntheticLeak', text('SOAK_SYNTHETIC_LEAK') ?? num('SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR'));
  set('timerFloorMs', num('SOAK_TIMER_FLOOR_MS'));
  set('idleSettleSeconds', num('SOAK_IDLE_SETTLE_S'));
  set('productionHeadroomMiB', num('SOAK_HEADROOM_MIB'));
  return layer as SoakUserConfig;
}
