export const ENGINES: string[];
export function findFirefox(): { path: string; bidi: boolean } | undefined;
export function findWebKit(): { driver: string; xvfb: string } | undefined;
export function findEngine(name: string): { name: string; path?: string; missing?: string };
export function findEngines(wanted?: string): Array<{ name: string; path?: string; missing?: string }>;
