/** What the page tells the client about the network and its own life. */
export interface BrowserSignalHandlers {
  offline(): void;
  online(): void;
  /** The page became visible again after `hiddenFor` ms. */
  visible(hiddenFor: number): void;
  /** The page entered the back/forward cache. */
  frozen(): void;
  /** The page came back from the back/forward cache. */
  restored(): void;
  /** The page is going away for good (navigation, close): `pagehide` without bfcache. */
  leaving(): void;
}

/** Whether the browser says it is offline (never true outside a browser). */
export const isOffline = (): boolean => typeof navigator !== 'undefined' && navigator.onLine === false;

/** Listens to the page's network and lifecycle events; returns the detach function. A no-op outside browsers. */
export function watchBrowserSignals(handlers: BrowserSignalHandlers): () => void {
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return () => {};
  let hiddenSince: number | undefined;
  const listeners: Array<[EventTarget, string, (event: any) => void]> = [
    [window, 'offline', () => handlers.offline()],
    [window, 'online', () => handlers.online()],
    [window, 'pagehide', (event: PageTransitionEvent) => (event.persisted ? handlers.frozen() : handlers.leaving())],
    [window, 'pageshow', (event: PageTransitionEvent) => event.persisted && handlers.restored()],
  ];
  if (typeof document !== 'undefined') {
    listeners.push([document, 'visibilitychange', () => {
      if (document.visibilityState === 'hidden') hiddenSince = Date.now();
      else if (hiddenSince !== undefined) {
        handlers.visible(Date.now() - hiddenSince);
        hiddenSince = undefined;
      }
    }]);
  }
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener);
  return () => {
    for (const [target, type, listener] of listeners) target.removeEventListener(type, listener);
  };
}

