/**
 * `WeatherWindow`: the desktop's weather widget (the seed's `WeatherWindow.tsx`), refreshed
 * over REST (`GET /api/weather?city=`) on mount and every 15 simulated minutes. It renders only
 * when the observation changes.
 */
import { useEffect, useState } from 'react';
import type { WeatherReport } from '../common/events.js';
import { ROUTES, type WeatherResponse } from '../common/http.js';
import { useClientEnv } from './client-context.js';
import { useSimInterval } from './use-sim-interval.js';

/** The seed's weather refresh period, simulated ms. */
export const WEATHER_REFRESH_MS = 15 * 60_000;

export interface WeatherWindowProps {
  readonly city: string;
  readonly token: string;
}

export function WeatherWindow({ city, token }: WeatherWindowProps) {
  const { apiBase, probe } = useClientEnv();
  const [report, setReport] = useState<WeatherReport | null>(null);

  const refresh = (): void => {
    const url = `${apiBase}${ROUTES.weather}?city=${encodeURIComponent(city)}`;
    fetch(url, { headers: { authorization: `Bearer ${token}` } })
      .then(async (res) => {
        if (!res.ok) {
          await res.body?.cancel();
          probe.error('weather', `http-${res.status}`);
          return;
        }
        const body = (await res.json()) as WeatherResponse;
        setReport((old) =>
          old && old.observedAt === body.data.observedAt && old.tempC === body.data.tempC ? old : body.data,
        );
      })
      .catch(() => probe.error('weather', 'network'));
  };

  // Fetch on mount and when the city or session changes; later refreshes come from the interval.
  useEffect(refresh, [apiBase, city, token]);
  useSimInterval(() => {
    probe.timerFired('weather');
    refresh();
  }, WEATHER_REFRESH_MS);

  return (
    <div className="weather" data-city={city}>
      {report ? `${report.city}: ${report.tempC} °C, ${report.condition}` : 'loading…'}
    </div>
  );
}
