// Custos service worker: the app keeps working while the site server is unreachable for a moment (issue 22).
// Built by web/offline-worker.ts, which fills in the build id and the list of the app shell's files.
// - The app shell (index.html, the entry's scripts and styles, the roll-call screen's chunks) is cached at install;
//   any other built asset is cached the first time it loads (its name carries its hash, so it never goes stale).
// - A few API reads the roll-call tablet needs after a reload (who is signed in, the roll call and its expected list,
//   its facility) go to the network first and fall back to the last answer kept; no other API answer is kept, and
//   these are forgotten at sign-out (message `forget`). Marks are never sent through here: the screen keeps them in
//   IndexedDB and sends them itself.
const BUILD = '__CUSTOS_BUILD__';
const SHELL_FILES = __CUSTOS_SHELL__;
const SHELL = `custos-shell-${BUILD}`;
const DATA = 'custos-offline-data';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const KEPT_READS = [/^\/api\/v1\/auth\/me$/, new RegExp(`^/api/v1/rollcalls/${UUID}$`), new RegExp(`^/api/v1/facilities/${UUID}$`)];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('custos-shell-') && n !== SHELL).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'forget') event.waitUntil(caches.delete(DATA));
});

/** The network's answer, kept when it is a success; the last kept answer when the network cannot be reached. */
async function networkFirst(request, cacheName, fallbackUrl) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(cacheName);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (err) {
    const kept = (await caches.match(request, { cacheName, ignoreVary: true })) ?? (fallbackUrl && (await caches.match(fallbackUrl, { cacheName: SHELL })));
    if (kept) return kept;
    throw err;
  }
}

async function cacheFirst(request) {
  const kept = await caches.match(request, { cacheName: SHELL });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    if (KEPT_READS.some((r) => r.test(url.pathname))) event.respondWith(networkFirst(request, DATA));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, SHELL, '/index.html'));
    return;
  }
  if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(request));
});
