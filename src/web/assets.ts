import { createHash } from 'node:crypto';

/**
 * The pages' one stylesheet and one script, served by graphmeet itself (no CDN: the pages work offline). The script
 * only improves a page that already works without it: it shows times in the viewer's time zone and refreshes the
 * live part of the meeting page.
 */
export const stylesheet = `
:root { color-scheme: light dark; --accent: #4f52b2; --accent-text: #fff; --muted: #616161; --line: #d1d1d1; --bg: #fff; --card: #f5f5f5; --text: #242424; --danger: #a4262c; --ok: #0e700e; }
@media (prefers-color-scheme: dark) { :root { --accent: #9ea2ff; --accent-text: #1b1b1b; --muted: #c8c8c8; --line: #555; --bg: #1f1f1f; --card: #2b2b2b; --text: #f0f0f0; --danger: #ff99a4; --ok: #9fd89f; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif; background: var(--bg); color: var(--text); }
header { padding: 12px 24px; border-bottom: 1px solid var(--line); font-weight: 600; }
header a { color: inherit; text-decoration: none; }
main { max-width: 640px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 1.6rem; margin: 0 0 12px; }
h2 { font-size: 1.15rem; margin: 24px 0 8px; }
.card { background: var(--card); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
.card > h2:first-child { margin-top: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
legend { font-weight: 600; padding: 0 4px; }
label { display: block; margin: 8px 0 2px; }
.choice { display: flex; gap: 8px; align-items: baseline; margin: 6px 0; }
.choice label { display: inline; margin: 0; }
/* Only the chosen kind of person's fields show (the others are still in the form for browsers without :has). */
.choice:has(input[type=radio]:not(:checked)) + .fields { display: none; }
.fields { margin: 0 0 8px 24px; }
input[type=text], input[type=email], select { width: 100%; padding: 8px; font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; }
input:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { font: inherit; padding: 8px 18px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); cursor: pointer; font-weight: 600; }
button.secondary { background: transparent; color: var(--text); border-color: var(--line); }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
.inline { display: inline; }
ul.people { list-style: none; padding: 0; margin: 0; }
ul.people li { display: flex; justify-content: space-between; align-items: center; gap: 8px; padding: 6px 0; border-bottom: 1px solid var(--line); }
.role { color: var(--muted); font-size: .9rem; }
.error { color: var(--danger); font-weight: 600; }
.ok { color: var(--ok); font-weight: 600; }
.muted { color: var(--muted); }
a { color: var(--accent); }
main.wide { max-width: 1280px; }
nav.console { display: flex; flex-wrap: wrap; gap: 4px 20px; align-items: center; margin: 0 0 16px; padding-bottom: 8px; border-bottom: 1px solid var(--line); }
nav.console form { margin-left: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: .95rem; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
pre { background: var(--card); padding: 12px; border-radius: 6px; overflow: auto; font-size: .85rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 4px 12px; align-items: end; margin-bottom: 8px; }
form.filters label { margin: 0; }
input[type=password], input[type=number] { width: 100%; padding: 8px; font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; }
.status-4, .status-5, .status-0 { color: var(--danger); font-weight: 600; }
`;

export const script = `
(function () {
  'use strict';
  var lang = document.documentElement.lang || undefined;
  function localTimes(root) {
    var times = root.querySelectorAll('time[data-local]');
    for (var i = 0; i < times.length; i++) {
      var d = new Date(times[i].getAttribute('datetime'));
      if (isNaN(d.getTime())) continue;
      try {
        times[i].textContent = new Intl.DateTimeFormat(lang, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(d);
      } catch (e) { /* keep the server's text */ }
    }
  }
  localTimes(document);
  var live = document.getElementById('live');
  var source = live && live.getAttribute('data-refresh');
  if (!source) return;
  var last = live.innerHTML;
  function poll() {
    fetch(source, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (text) {
      if (text !== null && text !== last) { live.innerHTML = text; last = text; localTimes(live); }
    }).catch(function () {}).then(function () { setTimeout(poll, 1500); });
  }
  setTimeout(poll, 1500);
})();
`;

/** Content digests, so the assets can be cached for long and a new version is a new URL. */
const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 12);
export const stylesheetPath = `/_graphmeet/web/site.${digest(stylesheet)}.css`;
export const scriptPath = `/_graphmeet/web/site.${digest(script)}.js`;
