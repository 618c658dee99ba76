'use strict';
// The inspector page: plain DOM and SVG, no library. Data comes from the JSON endpoints of `serve` and their live
// streams; every text taken from the data goes in through textContent, never as HTML.

const PAGE = 100; // table rows added by each "show more"
const TOP_USERS = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OUTCOMES = [['completed', 'completed'], ['cancelled', 'cancelled'], ['in_progress', 'in progress']];
const SVG = 'http://www.w3.org/2000/svg';
const DAY_MS = 86400000;
const MIN_CHART_WIDTH = 260;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const number = new Intl.NumberFormat('en-US');
const RETRY_MS = 5000;
const TOKEN = 'eventstore-token'; // sessionStorage key: the token lasts as long as the tab
const live = {sources: [], retry: null}; // the shown user's streams
const NARROW = window.matchMedia('(max-width: 900px)'); // as the one-column layout of inspector.css

const state = {
  projections: null, // the names the server has, from GET /projections, asked once
  user: null,        // the id shown, or being loaded
  latest: new Map(), // name -> the latest of that projection, as its live stream sent it
  timeline: null,    // the name of the projection drawn as a timeline (a view of sessions and content), if any
  shown: new Map(),  // a generic table's key -> the rows it shows
  sessions: [],      // newest first
  content: [],
  days: null,        // the chart's data: {first, last, counts: Map(day number -> [completed, cancelled, in progress])}
  onlyAnomalies: false,
  shownSessions: PAGE,
  shownContent: PAGE,
};

const $ = (id) => document.getElementById(id);

function element(name, attributes = {}, ...children) {
  const e = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    e.setAttribute(key, value);
  }
  e.append(...children);
  return e;
}

function svg(name, attributes = {}, ...children) {
  const e = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    e.setAttribute(key, value);
  }
  e.append(...children);
  return e;
}

// --- the token: asked for when the server answers 401, kept in sessionStorage, sent with every request

function token() {
  return sessionStorage.getItem(TOKEN);
}

/** The path with the token as a parameter: EventSource cannot send an Authorization header. */
function withToken(path) {
  const t = token();
  return t ? `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(t)}` : path;
}

function askForToken() {
  $('token-note').textContent = token() ? 'That token was not accepted: enter the read token again.'
      : 'This server needs a token to show its data.';
  $('token-form').hidden = false;
}

/** Whether the server takes the token (or needs none); asks for one when it does not. */
async function authorized() {
  const response = await fetch(withToken('/users?limit=1'), {method: 'HEAD'});
  if (response.status === 401) {
    askForToken();
    return false;
  }
  return true;
}

async function getJson(path) {
  const headers = {Accept: 'application/json'};
  const sent = token();
  if (sent) {
    headers.Authorization = `Bearer ${sent}`;
  }
  const response = await fetch(path, {headers});
  if (response.status === 401) {
    if (token() === sent) {
      askForToken(); // not when a token was entered while this request was on its way
    }
    throw new Error('this server needs a read token: enter it above');
  }
  let body;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error(`${path} answered ${response.status} without JSON`);
  }
  if (!response.ok) {
    throw new Error(body.error || `${path} answered ${response.status}`);
  }
  return body;
}

function say(text) {
  $('message').textContent = text;
}

// --- finding a user

async function loadTopUsers() {
  const list = $('top-users');
  try {
    const users = await getJson(`/users?limit=${TOP_USERS}`);
    list.replaceChildren(...users.map((u) => element('li', {},
        element('button', {type: 'button', 'data-user': u.user_id},
            element('code', {}, u.user_id), element('span', {class: 'count'}, number.format(u.event_count))))));
    if (users.length === 0) {
      list.replaceChildren(element('li', {class: 'muted'}, 'no events stored yet'));
    }
    markSelected();
  } catch (e) {
    list.replaceChildren(element('li', {class: 'error'}, `cannot list users: ${e.message}`));
  }
}

function markSelected() {
  for (const button of document.querySelectorAll('#top-users button')) {
    button.toggleAttribute('aria-current', button.dataset.user === state.user);
  }
}

function choose(text) {
  const id = text.trim().toLowerCase();
  if (!UUID.test(id)) {
    say(text.trim() === '' ? 'Paste a user id, or pick one of the top users.'
        : `'${text.trim()}' is not a user id: paste a UUID such as 6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11.`);
    return;
  }
  $('user-id').value = id;
  window.history.replaceState(null, '', `#user=${id}`);
  show(id);
}

function show(id) {
  state.user = id;
  state.latest = new Map();
  state.timeline = null;
  state.shown = new Map();
  for (const section of document.querySelectorAll('#views section')) {
    section.hidden = true;
    section.replaceChildren(section.firstChild);
  }
  state.onlyAnomalies = false;
  state.shownSessions = PAGE;
  state.shownContent = PAGE;
  $('only-anomalies').checked = false;
  $('user').hidden = true;
  markSelected();
  say(`loading ${id}…`);
  follow(id);
}

// --- live: one Server-Sent Events stream per projection, each sending it whole at once and after every change

/** The projections the server has: whatever jars are on its class path. */
async function projections() {
  if (state.projections === null) {
    const names = (await getJson('/projections')).map((p) => p.name);
    $('views').replaceChildren(...names.map((name) => element('section',
        {'data-projection': name, 'aria-labelledby': `projection-${name}`, hidden: ''},
        element('h3', {id: `projection-${name}`}, title(name)))));
    state.projections = names;
  }
  return state.projections;
}

async function follow(id) {
  unfollow();
  let names;
  try {
    names = await projections();
  } catch (e) {
    say(`cannot list the projections: ${e.message}`);
    return;
  }
  if (state.user !== id) {
    return; // another user was chosen meanwhile
  }
  unfollow(); // a follow of this user that started while this one waited
  const open = new Set();
  for (const name of names) {
    const source = new EventSource(withToken(`/users/${id}/projections/${name}/live`));
    // Data after 'unavailable' means the database is back: the indicator says live again then too.
    const connected = () => {
      open.add(name);
      indicate(open.size === names.length ? 'live' : 'connecting');
    };
    source.onopen = connected;
    source.onmessage = (event) => {
      connected();
      receive(id, name, JSON.parse(event.data));
    };
    source.addEventListener('unavailable', () => indicate('unavailable'));
    source.onerror = () => {
      open.delete(name);
      if (source.readyState === EventSource.CLOSED) {
        // Refused (the server is busy, or wants a token): EventSource gives up on that, so the page tries again
        // itself, unless the token is what is missing.
        unfollow();
        indicate('offline');
        authorized().then((ok) => {
          if (ok) {
            live.retry = setTimeout(() => follow(id), RETRY_MS);
          } else {
            indicate('token');
          }
        }, () => {
          live.retry = setTimeout(() => follow(id), RETRY_MS);
        });
      } else {
        indicate('reconnecting'); // the connection dropped; EventSource reconnects by itself
      }
    };
    live.sources.push(source);
  }
  indicate('connecting');
}

function unfollow() {
  clearTimeout(live.retry);
  live.sources.forEach((source) => source.close());
  live.sources = [];
}

function indicate(status) {
  const text = {
    connecting: 'connecting…',
    live: 'live',
    reconnecting: 'reconnecting…',
    offline: `offline, trying again in ${RETRY_MS / 1000} s`,
    unavailable: 'database unavailable, waiting for it',
    token: 'waiting for a read token',
  };
  $('live').dataset.status = status;
  $('live').textContent = text[status];
}

function receive(id, name, projected) {
  if (projected.event_count === 0) {
    unfollow();
    $('user').hidden = true;
    say(`No events are stored for user ${id}.`);
    return;
  }
  const first = state.latest.size < state.projections.length;
  state.latest.set(name, projected);
  if (state.latest.size < state.projections.length) {
    return; // the page shows a user whole or not at all
  }
  for (const shown of first ? state.projections : [name]) {
    render(shown, state.latest.get(shown).projections[shown]);
  }
  const listed = document.querySelector(`#top-users button[data-user="${id}"] .count`);
  if (listed) {
    listed.textContent = number.format(projected.event_count); // the list is read once; this user's count lives
  }
  renderSummary(projected);
  if (first) {
    say('');
    $('user').hidden = false;
    if (state.timeline !== null) {
      drawChart();
    }
    if (NARROW.matches) {
      $('user').scrollIntoView(); // one column: the finder above would otherwise fill the screen
    }
  }
}

// --- one user's projections

/**
 * A view of sessions and content pieces (History's shape) is drawn as a timeline with its tables; the first such
 * projection in the server's order gets them, and every other view the generic one.
 */
function render(name, view) {
  if (state.timeline === null && isTimeline(view)) {
    state.timeline = name;
  }
  const section = document.querySelector(`#views section[data-projection="${CSS.escape(name)}"]`);
  section.hidden = name === state.timeline;
  $('timeline-view').hidden = state.timeline === null;
  if (name === state.timeline) {
    renderTimeline(view);
  } else {
    section.replaceChildren(section.firstChild, ...generic(view, name,
        {shown: state.shown, redraw: () => render(name, state.latest.get(name).projections[name])}));
  }
}

function isTimeline(view) {
  return isObject(view) && Array.isArray(view.sessions) && Array.isArray(view.content)
      && view.sessions.every((s) => isObject(s) && typeof s.local_date === 'string' && typeof s.outcome === 'string'
          && Array.isArray(s.anomalies))
      && view.content.every((c) => isObject(c) && typeof c.object_uri === 'string');
}

/**
 * From one stream alone, the timeline's when there is one, so that its counts agree with each other while the other
 * streams lead or lag.
 */
function renderSummary(projected) {
  const from = state.timeline === null ? projected : state.latest.get(state.timeline);
  const timeline = state.timeline === null ? null : from.projections[state.timeline];
  $('user-title').textContent = state.user;
  // Events of types with no registered event type, which projections received as generic events.
  const generic = Object.entries(from.unknown_event_types ?? {});
  const genericCount = generic.reduce((sum, [, n]) => sum + n, 0);
  $('user-summary').textContent = [
    `${number.format(from.event_count)} events`,
    ...(timeline === null ? [] : [`${number.format(timeline.sessions.length)} sessions`,
      `${number.format(timeline.content.length)} content pieces`]),
    ...(generic.length === 0 ? [] : [`${number.format(genericCount)} generic (${generic
        .map(([type, n]) => `${type} ${number.format(n)}`).join(', ')})`]),
    `updated ${new Date().toLocaleTimeString('en-GB')}`,
  ].join(' · ');
}

function renderTimeline(view) {
  state.sessions = view.sessions.slice().reverse();
  state.content = view.content;
  state.days = days(view.sessions);
  $('anomaly-count').textContent = number.format(view.sessions.filter((s) => s.anomalies.length > 0).length);
  if (!$('user').hidden) {
    drawChart();
  }
  renderSessions();
  renderContent();
}

// --- the generic view of a projection's JSON: numbers as figures, lists of objects as tables, objects within
// objects under their own heading, anything else as text

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function title(key) {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function text(value) {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
    return '—';
  }
  if (typeof value === 'number') {
    return number.format(value);
  }
  if (Array.isArray(value) && !value.some((v) => typeof v === 'object' && v !== null)) {
    return value.map(text).join(', ');
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The nodes that show {@code value}, a part of a projection's view; {@code key} names the part, so that a table keeps
 * the rows it shows across updates in {@code drawn.shown}, and "show more" calls {@code drawn.redraw}.
 */
function generic(value, key, drawn) {
  if (isObject(value)) {
    const entries = Object.entries(value);
    const figures = entries.filter(([, v]) => typeof v === 'number');
    const nodes = figures.length === 0 ? [] : [element('dl', {class: 'figures'}, ...figures.map(([k, v]) =>
        element('div', {class: 'figure', 'data-figure': k}, element('dt', {}, k.replace(/_/g, ' ')),
            element('dd', {}, number.format(v)))))];
    for (const [k, v] of entries.filter(([, v]) => typeof v !== 'number')) {
      nodes.push(element('div', {class: 'part', 'data-field': k}, element('h4', {}, title(k)),
          ...generic(v, `${key}.${k}`, drawn)));
    }
    return nodes;
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
    return table(value, key, drawn);
  }
  return [element('p', {class: 'value'}, text(value))];
}

/** Rows of objects as a table, its columns every key of the rows, PAGE rows at a time. */
function table(rows, key, drawn) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const shown = Math.min(drawn.shown.get(key) || PAGE, rows.length);
  const more = element('button', {type: 'button'}, `Show ${number.format(Math.min(PAGE, rows.length - shown))} more`);
  more.hidden = shown === rows.length;
  more.addEventListener('click', () => {
    drawn.shown.set(key, shown + PAGE);
    drawn.redraw();
  });
  return [element('div', {class: 'table'}, element('table', {class: 'rows generic'},
      element('thead', {}, element('tr', {}, ...columns.map((c) => element('th', {scope: 'col'}, title(c))))),
      element('tbody', {}, ...rows.slice(0, shown).map((row) => element('tr', {}, ...columns.map((c) =>
          element('td', typeof row[c] === 'number' ? {'data-label': title(c), class: 'num'} : {'data-label': title(c)},
              text(row[c])))))))),
  element('p', {class: 'more'}, element('span', {class: 'muted shown'},
      `showing ${number.format(shown)} of ${number.format(rows.length)}`), more)];
}

// --- the timeline: sessions per local date, stacked by outcome

function dayNumber(date) {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function days(sessions) {
  const counts = new Map();
  for (const s of sessions) {
    const day = dayNumber(s.local_date);
    let c = counts.get(day);
    if (!c) {
      c = [0, 0, 0];
      counts.set(day, c);
    }
    c[OUTCOMES.findIndex(([outcome]) => outcome === s.outcome)]++;
  }
  const numbers = [...counts.keys()];
  return {first: Math.min(...numbers), last: Math.max(...numbers), counts};
}

function niceStep(max, ticks) {
  const rough = Math.max(max / ticks, 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough);
}

function isoDate(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Where the x axis is labelled: month starts over long ranges (with the year on the first and on January), days over
 * short ones; labels never closer than minGap px.
 */
function xTicks(first, last, dayWidth, minGap) {
  const ticks = [];
  if (last - first > 62) {
    const d = new Date(first * DAY_MS);
    const year = d.getUTCFullYear();
    // Date.UTC carries month 12 over into January of the next year.
    for (let month = d.getUTCMonth() + (d.getUTCDate() === 1 ? 0 : 1); ; month++) {
      const start = new Date(Date.UTC(year, month, 1));
      const day = start.getTime() / DAY_MS;
      if (day > last) {
        break;
      }
      const name = MONTHS[start.getUTCMonth()];
      ticks.push({day, label: name === 'Jan' || ticks.length === 0 ? `${name} ${start.getUTCFullYear()}` : name});
    }
    const every = Math.ceil(minGap / (30.4 * dayWidth));
    return ticks.filter((t, i) => i % every === 0);
  }
  const every = Math.max(1, Math.ceil(minGap / dayWidth));
  for (let day = first; day <= last; day += every) {
    const d = new Date(day * DAY_MS);
    ticks.push({day, label: `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`});
  }
  return ticks;
}

function drawChart() {
  const chart = $('chart');
  const {first, last, counts} = state.days;
  if (counts.size === 0) {
    chart.replaceChildren(element('p', {class: 'muted'}, 'No sessions.'));
    return;
  }
  const width = Math.max(chart.clientWidth, MIN_CHART_WIDTH);
  const height = width < 520 ? 180 : 240;
  const m = {top: 18, right: 10, bottom: 26, left: 40};
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const span = last - first + 1;
  const dayWidth = plotW / span;
  const barWidth = Math.min(dayWidth > 4 ? dayWidth - 1 : dayWidth, 28);
  let max = 0;
  for (const c of counts.values()) {
    max = Math.max(max, c[0] + c[1] + c[2]);
  }
  const step = niceStep(max, height < 200 ? 3 : 4);
  const top = Math.ceil(max / step) * step;
  const y = (value) => m.top + plotH - plotH * value / top;
  const x = (day) => m.left + (day - first) * dayWidth;

  const total = [...counts.values()].reduce((sum, c) => sum + c[0] + c[1] + c[2], 0);
  const root = svg('svg', {
    width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Sessions per day from ${isoDate(first)} to ${isoDate(last)}: ${number.format(total)} sessions `
        + `on ${number.format(counts.size)} days, at most ${number.format(max)} a day`,
  });
  const grid = svg('g', {class: 'grid'});
  for (let value = 0; value <= top; value += step) {
    grid.append(svg('line', {x1: m.left, x2: width - m.right, y1: y(value), y2: y(value)}),
        svg('text', {x: m.left - 6, y: y(value), dy: '0.32em', 'text-anchor': 'end'}, number.format(value)));
  }
  grid.append(svg('text', {x: 0, y: m.top - 8, class: 'axis-title'}, 'sessions'));
  const axis = svg('g', {class: 'axis'});
  // A label that would run past the right edge is left out (some 6.5 px a character).
  for (const tick of xTicks(first, last, dayWidth, 56).filter((t) => x(t.day) + 6.5 * t.label.length <= width)) {
    axis.append(svg('line', {x1: x(tick.day), x2: x(tick.day), y1: m.top + plotH, y2: m.top + plotH + 4}),
        svg('text', {x: x(tick.day), y: height - 6, 'text-anchor': 'start'}, tick.label));
  }
  const bars = svg('g', {class: 'bars'});
  for (const [day, c] of counts) {
    const group = svg('g', {'data-day': isoDate(day)},
        svg('title', {}, `${isoDate(day)}: ${c[0] + c[1] + c[2]} sessions: `
            + OUTCOMES.map(([, label], i) => `${c[i]} ${label}`).join(', ')));
    let base = 0;
    OUTCOMES.forEach(([outcome], i) => {
      if (c[i] > 0) {
        group.append(svg('rect', {
          class: outcome, x: x(day) + (dayWidth - barWidth) / 2, width: barWidth,
          y: y(base + c[i]), height: y(base) - y(base + c[i]),
        }));
        base += c[i];
      }
    });
    bars.append(group);
  }
  root.append(grid, bars, axis,
      svg('line', {class: 'baseline', x1: m.left, x2: width - m.right, y1: m.top + plotH, y2: m.top + plotH}));
  chart.replaceChildren(root);
}

// --- the tables

function timestamp(iso) {
  return iso === null ? '—' : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function duration(seconds) {
  if (seconds === null) {
    return '—';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  return `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;
}

function contentCell(uri, kind) {
  const short = uri.replace(/^sevenmind:\/\/content\//, '');
  return element('td', {'data-label': 'Content', class: 'uri', title: uri},
      ...(kind ? [element('span', {class: 'kind'}, kind), ' '] : []), element('code', {}, short));
}

function sessionRow(s) {
  const anomalies = s.anomalies.map((a) => element('span', {class: 'anomaly-name'}, `⚠ ${a.replace(/_/g, ' ')}`));
  return element('tr', s.anomalies.length > 0 ? {class: 'anomaly'} : {},
      element('td', {'data-label': 'Local date'}, s.local_date),
      element('td', {'data-label': 'Started (UTC)'}, timestamp(s.started_at)),
      contentCell(s.object_uri, s.content_kind),
      element('td', {'data-label': 'Outcome'},
          element('span', {class: `dot ${s.outcome}`, 'aria-hidden': 'true'}), s.outcome.replace('_', ' ')),
      element('td', {'data-label': 'Duration', class: 'num'}, duration(s.duration_seconds)),
      element('td', {'data-label': 'Anomalies'}, ...(anomalies.length > 0 ? anomalies : ['—'])));
}

function contentRow(c) {
  return element('tr', {},
      contentCell(c.object_uri, null),
      element('td', {'data-label': 'Sessions', class: 'num'}, number.format(c.sessions)),
      element('td', {'data-label': 'Completed', class: 'num'}, number.format(c.completed)),
      element('td', {'data-label': 'Cancelled', class: 'num'}, number.format(c.cancelled)),
      element('td', {'data-label': 'In progress', class: 'num'}, number.format(c.in_progress)),
      element('td', {'data-label': 'Last played (UTC)'}, timestamp(c.last_played_at)));
}

/** The first {@code shown} of {@code rows} into the table, and what the "show more" line says. */
function fill(table, rows, shown, toRow, counter, more) {
  const visible = rows.slice(0, shown);
  $(table).tBodies[0].replaceChildren(...visible.map(toRow));
  $(counter).textContent = `showing ${number.format(visible.length)} of ${number.format(rows.length)}`;
  $(more).hidden = visible.length === rows.length;
  $(more).textContent = `Show ${number.format(Math.min(PAGE, rows.length - visible.length))} more`;
}

function renderSessions() {
  const rows = state.onlyAnomalies ? state.sessions.filter((s) => s.anomalies.length > 0) : state.sessions;
  fill('sessions', rows, state.shownSessions, sessionRow, 'sessions-shown', 'more-sessions');
}

function renderContent() {
  fill('content', state.content, state.shownContent, contentRow, 'content-shown', 'more-content');
}

// --- wiring

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN, $('token').value.trim());
    $('token').value = '';
    $('token-form').hidden = true;
    say('');
    loadTopUsers();
    if (state.user) {
      show(state.user);
    }
  });
  $('lookup').addEventListener('submit', (event) => {
    event.preventDefault();
    choose($('user-id').value);
  });
  $('top-users').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-user]');
    if (button) {
      choose(button.dataset.user);
    }
  });
  $('only-anomalies').addEventListener('change', (event) => {
    state.onlyAnomalies = event.target.checked;
    state.shownSessions = PAGE;
    renderSessions();
  });
  $('more-sessions').addEventListener('click', () => {
    state.shownSessions += PAGE;
    renderSessions();
  });
  $('more-content').addEventListener('click', () => {
    state.shownContent += PAGE;
    renderContent();
  });
  // The chart is drawn to its box's width in pixels, so that its text keeps its size: redrawn when the box changes.
  new ResizeObserver(() => {
    const drawn = $('chart').querySelector('svg');
    if (drawn && Number(drawn.getAttribute('width')) !== Math.max($('chart').clientWidth, MIN_CHART_WIDTH)) {
      drawChart();
    }
  }).observe($('chart'));
  loadTopUsers();
  const linked = /^#user=(.+)$/.exec(location.hash);
  if (linked) {
    choose(decodeURIComponent(linked[1]));
  }
});
