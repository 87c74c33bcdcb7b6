// The test "sites": hostnames the tests use besides localhost and 127.0.0.1.
// Every engine resolves them to 127.0.0.1 (Chromium by resolver rules, Firefox
// by a pref that needs every name listed, WebKit through a mapping proxy).
export const TEST_DOMAINS = ['example.test', 'other.test'] as const;
const LABELS = ['app', 'ws', 'api', 'uploads', 'evil', 'cdn', 'www', 'login', 'auth', 'static', 'a', 'b'];

/** Every `<label>.<domain>` name Firefox maps; Chromium and WebKit map the whole domains. */
export const TEST_HOSTS: string[] = TEST_DOMAINS.flatMap((domain) => [domain, ...LABELS.map((label) => `${label}.${domain}`)]);

/** Whether `host` is one of the test sites (mapped to 127.0.0.1). */
export const isTestHost = (host: string): boolean => TEST_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
