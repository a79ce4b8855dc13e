/* global document, location, window, URL, URLSearchParams */
/*
 * Network Policy Playground embeds. Put this script on a page and mark places with
 *   <div data-netpol-playground data-scenario="lock-the-database" data-panes="editor,terminal"></div>
 * Each becomes an iframe of /embed/ sized to its content. Optional: data-readonly="1",
 * data-theme="light|dark", data-title. The iframe is available as `div.netpolFrame` for
 * postMessage (see the protocol on the embed demo page).
 */
(() => {
  const script = document.currentScript;
  const base = new URL('.', script ? script.src : location.href);
  const frames = [];
  for (const el of document.querySelectorAll('[data-netpol-playground]')) {
    const q = new URLSearchParams();
    for (const k of ['scenario', 'panes', 'readonly', 'theme']) {
      const v = el.getAttribute(`data-${k}`);
      if (v) q.set(k, v);
    }
    q.set('origins', location.origin);
    const iframe = document.createElement('iframe');
    iframe.src = new URL(`embed/?${q.toString()}`, base).toString();
    iframe.title = el.getAttribute('data-title') || 'Network policy playground';
    iframe.style.width = '100%';
    iframe.style.border = '0';
    iframe.style.height = '36rem';
    el.appendChild(iframe);
    el.netpolFrame = iframe;
    frames.push(iframe);
  }
  window.addEventListener('message', (event) => {
    if (event.origin !== base.origin) return;
    const m = event.data;
    if (!m || m.source !== 'netpol-playground' || m.type !== 'height') return;
    for (const f of frames)
      if (f.contentWindow === event.source && typeof m.height === 'number')
        f.style.height = `${Math.max(200, Math.min(m.height, 4000))}px`;
  });
})();
