'use strict';
// The global projections: folds over every user's events, one section each below the user, drawn with the generic
// view of inspector.js from GET /global/{name}. The server keeps them current; the page reads them again every few
// seconds.

const GLOBAL_REFRESH_MS = 5000;
const globals = {names: null, views: new Map(), shown: new Map(), timer: null};

/** The names the server has, each given its section once. */
async function globalNames() {
  if (globals.names === null) {
    const names = (await getJson('/global')).map((g) => g.name);
    $('global').replaceChildren(...names.map((name) => element('section',
        {'data-global': name, 'aria-labelledby': `global-${name}`},
        element('h3', {id: `global-${name}`}, title(name), ' ', element('span', {class: 'muted'}, 'all users')),
        element('p', {class: 'muted position'}, 'loading…'))));
    globals.names = names;
  }
  return globals.names;
}

function drawGlobal(name) {
  const section = document.querySelector(`#global section[data-global="${CSS.escape(name)}"]`);
  const answer = globals.views.get(name);
  section.replaceChildren(section.firstChild,
      element('p', {class: 'muted position'}, 'at feed position ', element('code', {}, answer.position)),
      ...generic(answer.view, name, {shown: globals.shown, redraw: () => drawGlobal(name)}));
}

async function loadGlobals() {
  clearTimeout(globals.timer);
  try {
    for (const name of await globalNames()) {
      try {
        globals.views.set(name, await getJson(`/global/${encodeURIComponent(name)}`));
        drawGlobal(name);
      } catch (e) {
        document.querySelector(`#global section[data-global="${CSS.escape(name)}"] .position`)
            .textContent = `cannot read ${name}: ${e.message}`;
      }
    }
  } catch (e) {
    $('global').replaceChildren(element('p', {class: 'error'}, `cannot list the global projections: ${e.message}`));
  }
  globals.timer = setTimeout(loadGlobals, GLOBAL_REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', () => loadGlobals());
  loadGlobals();
});
