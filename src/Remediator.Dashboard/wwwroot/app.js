// The Remediator dashboard: a plain script over the engine's JSON API (/api/v1/...). Every URL is
// relative to the page's <base href>, which the engine sets, so the page also works behind a proxy
// that serves the engine under a path prefix. No framework and nothing loaded from elsewhere.
'use strict';

(function () {
  const API = 'api/v1/';
  const POLL_INTERVAL_MS = 3000;
  const SUCCESS_MESSAGE_MS = 8000;
  const MAX_MESSAGES = 6;
  const HISTORY_PAGE_SIZE = 25;
  // Runs still going are few; a page this size shows them all.
  const ACTIVE_PAGE_SIZE = 500;
  const TOKEN_KEY = 'remediator.token';
  const OPERATOR_KEY = 'remediator.operator';
  const ESCALATION_NOT_FOUND = 'urn:remediator:problem:escalation-not-found';
  // An escalation in this state paged people and nobody acknowledged it yet; one Unrouted paged no one.
  const PAGING = 'Paging';
  const UNROUTED = 'Unrouted';
  // Labels every run shows in columns of their own; the others are the alert's "key labels".
  const COLUMN_LABELS = ['alertname', 'severity', 'namespace'];
  const KEY_LABELS_SHOWN = 3;
  const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  // Which buttons a run in a state gets; the engine has the last word (409 when the state moved on).
  const APPROVABLE = ['AwaitingApproval'];
  // Every unfinished state but Cancelling, which already is (RemediationStates.Cancellable).
  const CANCELLABLE = ['Pending', 'WaitingForRoot', 'AwaitingApproval', 'Executing', 'Compensating', 'Verifying'];
  const CANCELLING = 'Cancelling';
  const STATE_CLASSES = {
    Succeeded: 'state-ok',
    Pending: 'state-wait',
    AwaitingApproval: 'state-wait',
    WaitingForRoot: 'state-wait',
    Executing: 'state-busy',
    Verifying: 'state-busy',
    Compensating: 'state-bad',
    Cancelling: 'state-busy',
    Failed: 'state-bad',
    Escalated: 'state-bad',
    Refused: 'state-bad',
    Cancelled: '',
    DryRun: 'state-busy',
    Requested: 'state-wait',
    Skipped: '',
    Unknown: 'state-bad',
    Kept: 'state-wait',
  };
  const ACTIONS = {
    approve: { label: 'Approve', done: 'Approval sent', className: 'approve' },
    reject: { label: 'Reject', done: 'Rejection sent', className: 'danger' },
    cancel: { label: 'Cancel', done: 'Cancellation sent', className: 'danger' },
    ack: { label: 'Acknowledge', done: 'Acknowledged', className: '' },
    restore: { label: 'Restore', done: 'Recovery sent', className: '' },
  };

  const $ = id => document.getElementById(id);
  const state = {
    detailId: null,
    historyPage: 1,
    // The overview's data as last loaded: "needs you now" is drawn from all of it.
    data: {},
    // Escalations by remediation id (the overview's GET escalations).
    escalations: new Map(),

    // The last JSON rendered per view: an unchanged poll leaves the DOM (focus, open details) alone.
    seen: {},
    timer: null,
    inFlight: null,
    again: false,
  };

  // ---- DOM helpers: text only (textContent), never HTML from the API ----

  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // ---- times: relative on the page ("3 min ago"), exact with the zone on hover ----

  // "45 s", "30 min", "2 h 5 min", "3 d 4 h": the largest two units, as people say them.
  function duration(ms) {
    const seconds = Math.round(Math.abs(ms) / 1000);
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
    const days = Math.floor(hours / 24);
    return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
  }

  // .NET's TimeSpan as JSON and in the engine's prose: [-][d.]hh:mm:ss[.fffffff].
  const TIMESPAN = /(?<![\d:.])(\d+\.)?(\d{1,2}):(\d{2}):(\d{2})(\.\d+)?(?![\d:])/g;

  function timeSpanMs(days, hours, minutes, seconds) {
    return ((((Number(days) || 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
  }

  // The engine writes its timeouts as TimeSpans ("within 00:30:00"): read them as "30 min".
  function humanize(text) {
    return String(text ?? '').replace(TIMESPAN, (match, days, hours, minutes, seconds) => duration(timeSpanMs(days, hours, minutes, seconds)));
  }

  function relative(date, now) {
    const ms = date.getTime() - now;
    if (Math.abs(ms) < 10000) return 'just now';
    return ms < 0 ? `${duration(ms)} ago` : `in ${duration(ms)}`;
  }

  function exact(date) {
    return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
  }

  function time(iso) {
    if (!iso) return h('span', { class: 'empty', text: '—' });
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return h('time', { text: iso });
    return h('time', { datetime: iso, title: exact(date), dataset: { relative: '' }, text: relative(date, Date.now()) });
  }

  // Relative times age while the data stands still: re-written on every poll.
  function ageTimes() {
    const now = Date.now();
    for (const node of document.querySelectorAll('time[data-relative]')) {
      node.textContent = relative(new Date(node.dateTime), now);
    }
  }

  function between(fromIso, toIso) {
    const from = new Date(fromIso);
    const to = new Date(toIso);
    return Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) ? null : duration(to - from);
  }

  function badge(name) {
    return h('span', { class: `state ${STATE_CLASSES[name] || ''}`, dataset: { state: name }, text: name });
  }

  function pretty(json) {
    try {
      return JSON.stringify(JSON.parse(json), null, 2);
    } catch {
      return json;
    }
  }

  // Re-rendering a table replaces its buttons: give focus back to the same button, if it is still there.
  function keepingFocus(render) {
    const focused = document.activeElement;
    const key = focused && focused.dataset ? focused.dataset.focusKey : undefined;
    render();
    if (key) {
      const again = document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
      if (again) again.focus();
    }
  }

  // ---- the API ----

  class ApiError extends Error {
    constructor(problem) {
      super(problem.title || 'Request failed');
      this.problem = problem;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json, application/problem+json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    const init = { method, headers, cache: 'no-store', credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }

    let response;
    try {
      response = await fetch(API + path, init);
    } catch (error) {
      throw new ApiError({ status: 0, title: 'The engine cannot be reached', detail: `${method} ${API}${path}: ${error.message}` });
    }

    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }

    if (!response.ok) {
      // problem+json as the engine writes it; anything else (a proxy's HTML page) as its first lines.
      const problem = data && typeof data === 'object' ? { ...data } : { detail: text.slice(0, 300) || undefined };
      problem.status = problem.status || response.status;
      problem.title = problem.title || response.statusText || 'Request failed';
      throw new ApiError(problem);
    }

    if (data === undefined) {
      throw new ApiError({ status: response.status, title: 'Unexpected response', detail: `${method} ${API}${path} did not answer with JSON.` });
    }

    return data;
  }

  // ---- messages: errors stay until dismissed, successes fade ----

  function clearMessage(key) {
    const old = $('messages').querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (old) old.remove();
  }

  function showMessage(kind, title, lines, options) {
    const { key, list } = options || {};
    const signature = JSON.stringify([kind, title, lines, list]);
    if (key) {
      const old = $('messages').querySelector(`[data-key="${CSS.escape(key)}"]`);
      // The same failure on every poll is announced once, not every few seconds.
      if (old && old.dataset.signature === signature) return old;
      if (old) old.remove();
    }

    const box = h('div', { class: `message ${kind}`, role: kind === 'error' || kind === 'warning' ? 'alert' : 'status', dataset: { signature, ...(key ? { key } : {}) } },
      h('div', null,
        h('p', null, h('strong', { class: 'message-title', text: title })),
        (lines || []).filter(Boolean).map(line => h('p', { text: line })),
        list && list.length ? h('ul', null, list.map(item => h('li', null, h('code', { text: item })))) : null),
      h('button', { type: 'button', 'aria-label': `Dismiss: ${title}`, onclick: () => box.remove() }, '×'));
    $('messages').prepend(box);
    while ($('messages').children.length > MAX_MESSAGES) $('messages').lastElementChild.remove();
    if (kind === 'success') setTimeout(() => box.remove(), SUCCESS_MESSAGE_MS);
    return box;
  }

  function problemErrors(problem) {
    const errors = problem.errors;
    if (Array.isArray(errors)) return errors.map(String);
    if (errors && typeof errors === 'object') {
      return Object.entries(errors).flatMap(([field, texts]) => [].concat(texts).map(text => (field ? `${field}: ${text}` : String(text))));
    }
    return [];
  }

  function showProblem(action, error, key) {
    const problem = error.problem || { title: error.message || String(error) };
    const status = problem.status ? ` (HTTP ${problem.status})` : '';
    const lines = [problem.detail];
    if (problem.status === 401) lines.push('The engine wants an API token for this: enter it at the top of the page, save, and try again.');
    if (problem.status === 403) lines.push('This token may not do that.');
    if (problem.type && !problem.type.startsWith('about:') && !problem.type.startsWith('https://tools.ietf.org/')) lines.push(`Problem type: ${problem.type}`);
    return showMessage('error', `${action} failed: ${problem.title}${status}`, lines, { key, list: problemErrors(problem) });
  }

  // A failure of something the user did: shown, and the token field offered when it was the token.
  function reportFailure(action, error) {
    showProblem(action, error);
    if (error.problem && error.problem.status === 401) $('token').focus();
  }

  // ---- routing: / is the overview, remediations/{id} one run (also #/remediations/{id}) ----

  function routeId() {
    const hash = /^#\/?remediations\/([^/?#]+)\/?$/.exec(location.hash);
    if (hash) {
      history.replaceState(null, '', `remediations/${hash[1]}`);
      return decodeURIComponent(hash[1]);
    }

    const basePath = new URL(document.baseURI).pathname;
    const rest = location.pathname.startsWith(basePath) ? location.pathname.slice(basePath.length) : '';
    const path = /^remediations\/([^/]+)\/?$/.exec(rest);
    return path ? decodeURIComponent(path[1]) : null;
  }

  function followLink(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    history.pushState(null, '', event.currentTarget.href);
    route();
  }

  function link(href, text, props) {
    return h('a', { href, onclick: followLink, ...props }, text);
  }

  function route() {
    state.detailId = routeId();
    delete state.seen.detail;
    const showingDetail = state.detailId !== null;
    $('overview').hidden = showingDetail;
    $('detail').hidden = !showingDetail;
    if (showingDetail) {
      $('detail-heading').textContent = 'Remediation';
      $('detail-body').hidden = true;
      $('detail-problem').hidden = true;
      document.title = 'Remediation – Remediator';
      refresh().then(() => $('detail-heading').focus());
    } else {
      document.title = 'Remediator';
      // The overview was not polled while a run was shown.
      for (const section of OVERVIEW_SECTIONS) delete state.seen[section.name];
      refresh();
    }
  }

  // ---- polling ----

  function schedule() {
    clearTimeout(state.timer);
    if ($('auto-refresh').checked && !document.hidden) state.timer = setTimeout(refresh, POLL_INTERVAL_MS);
  }

  // One refresh at a time; a refresh asked for meanwhile runs right after it.
  function refresh() {
    if (state.inFlight) {
      state.again = true;
      return state.inFlight;
    }

    state.inFlight = (async () => {
      do {
        state.again = false;
        await loadAll();
      } while (state.again);
    })().finally(() => {
      state.inFlight = null;
      schedule();
    });
    return state.inFlight;
  }

  // True when the data changed (and was rendered).
  async function load(name, path, render) {
    const data = await api('GET', path);
    const json = JSON.stringify(data);
    if (state.seen[name] === json) return false;
    state.seen[name] = json;
    state.data[name] = data;
    render(data);
    return true;
  }

  // The overview's sections: each reads one API resource and draws its own part of the page. A
  // new section is one more entry (and its markup in index.html). Escalations come first (the run
  // tables need them to know which runs can be acknowledged); "Needs you now" is drawn from all
  // of them once they loaded (renderAttention).
  const OVERVIEW_SECTIONS = [
    { name: 'escalations', path: () => 'escalations', render: indexEscalations },
    { name: 'active', path: () => `remediations?active=true&pageSize=${ACTIVE_PAGE_SIZE}`, render: renderActive },
    { name: 'history', path: () => `remediations?active=false&page=${state.historyPage}&pageSize=${HISTORY_PAGE_SIZE}`, render: renderHistory },
    { name: 'rules', path: () => 'rules', render: renderRules },
    { name: 'pause', path: () => 'pause', render: renderPause },
  ];

  async function loadOverview() {
    const [first, ...rest] = OVERVIEW_SECTIONS;
    const changed = [await load(first.name, first.path(), first.render)];
    if (changed[0]) {
      // Which runs can be acknowledged changed: their rows are drawn again.
      delete state.seen.active;
      delete state.seen.history;
    }
    const results = await Promise.allSettled(rest.map(section => load(section.name, section.path(), section.render)));
    const failure = results.find(result => result.status === 'rejected');
    if (changed[0] || results.some(result => result.value === true)) await renderAttention();
    if (failure) throw failure.reason;
  }

  async function loadAll() {
    const tasks = [state.detailId !== null ? loadDetail(state.detailId) : loadOverview()];
    const failures = (await Promise.allSettled(tasks)).filter(result => result.status === 'rejected').map(result => result.reason);
    ageTimes();
    const now = new Date().toLocaleTimeString();
    if (failures.length > 0) {
      showProblem('Refreshing the dashboard', failures[0], 'refresh');
      $('updated').textContent = `Refresh failed at ${now}`;
    } else {
      clearMessage('refresh');
      $('updated').textContent = `Updated ${now}`;
    }
  }

  async function loadDetail(id) {
    if (!GUID.test(id)) {
      renderDetailProblem({ title: 'Not a remediation id', detail: `'${id}' is not a remediation id.` });
      return;
    }

    try {
      const [view, escalation] = await Promise.all([
        api('GET', `remediations/${encodeURIComponent(id)}`),
        // A run that never escalated has no escalation: the engine says so with escalation-not-found.
        api('GET', `remediations/${encodeURIComponent(id)}/escalation`).catch(error => {
          if (error.problem && error.problem.type === ESCALATION_NOT_FOUND) return null;
          throw error;
        }),
      ]);
      const json = JSON.stringify([view, escalation]);
      if (state.seen.detail !== json && state.detailId === id) {
        state.seen.detail = json;
        renderDetail(view, escalation);
      }
    } catch (error) {
      if (error.problem && error.problem.status === 404) {
        delete state.seen.detail;
        renderDetailProblem(error.problem);
        return;
      }
      throw error;
    }
  }

  // ---- the pause ----

  function describePause(entry) {
    return [
      ' since ', time(entry.pausedAt),
      entry.until ? [' until ', time(entry.until)] : ' until resumed',
      entry.reason ? `: ${entry.reason}` : '',
    ];
  }

  function renderPause(status) {
    const namespaces = Object.entries(status.namespaces || {});
    const line = $('pause-status');
    line.dataset.paused = String(status.paused);
    line.replaceChildren(
      status.paused
        ? h('span', null, 'All remediation is paused', describePause(status.global), '.')
        : h('span', null, 'Remediation is not paused globally.'),
      namespaces.length > 0 ? ` ${namespaces.length} namespace${namespaces.length === 1 ? ' is' : 's are'} paused.` : '');
    $('pause-fields').hidden = status.paused || !$('pause-confirm').hidden;
    $('resume-all').hidden = !status.paused;

    const table = $('namespace-pauses');
    table.hidden = namespaces.length === 0;
    keepingFocus(() => table.tBodies[0].replaceChildren(...namespaces.map(([ns, entry]) => h('tr', { dataset: { namespace: ns } },
      h('th', { scope: 'row' }, h('code', { text: ns })),
      h('td', { dataset: { label: 'Since' } }, time(entry.pausedAt)),
      h('td', { dataset: { label: 'Until' } }, entry.until ? time(entry.until) : 'until resumed'),
      h('td', { text: entry.reason || '', dataset: { label: 'Reason' } }),
      h('td', null, h('button', {
        type: 'button',
        'aria-label': `Resume namespace ${ns}`,
        dataset: { focusKey: `resume:${ns}` },
        onclick: event => resumeNamespace(ns, event.currentTarget),
      }, 'Resume'))))));
  }

  async function mutate(button, action, method, path, body, done) {
    if (button) button.disabled = true;
    try {
      const result = await api(method, path, body);
      if (done) done(result);
      return true;
    } catch (error) {
      reportFailure(action, error);
      return false;
    } finally {
      if (button) button.disabled = false;
      state.seen = {};
      refresh();
    }
  }

  // Pausing everything is one click away from an outage's fix not happening: it is confirmed first.
  function askToPauseAll(event) {
    event.preventDefault();
    $('pause-fields').hidden = true;
    $('pause-confirm').hidden = false;
    $('pause-all-confirm').focus();
  }

  function keepRemediating() {
    $('pause-confirm').hidden = true;
    $('pause-fields').hidden = false;
    $('pause-all').focus();
  }

  async function pauseAll() {
    const until = $('pause-until').value;
    const body = { reason: $('pause-reason').value.trim() || null, until: until ? new Date(until).toISOString() : null };
    const confirmed = await mutate($('pause-all-confirm'), 'Pausing all remediation', 'POST', 'pause', body);
    $('pause-confirm').hidden = true;
    if (confirmed) {
      $('pause-reason').value = '';
      $('pause-until').value = '';
      showMessage('success', 'All remediation is paused', ['Runs already acting finish their step; nothing new acts until you resume.']);
    }
  }

  async function resumeAll() {
    if (await mutate($('resume-all'), 'Resuming all remediation', 'DELETE', 'pause')) {
      showMessage('success', 'Remediation resumed');
    }
  }

  async function pauseNamespace(event) {
    event.preventDefault();
    const ns = $('pause-namespace').value.trim();
    const body = { reason: $('pause-namespace-reason').value.trim() || null };
    if (await mutate($('pause-namespace-button'), `Pausing namespace ${ns}`, 'POST', `namespaces/${encodeURIComponent(ns)}/pause`, body)) {
      $('pause-namespace').value = '';
      $('pause-namespace-reason').value = '';
      showMessage('success', `Namespace ${ns} is paused`);
    }
  }

  async function resumeNamespace(ns, button) {
    if (await mutate(button, `Resuming namespace ${ns}`, 'DELETE', `namespaces/${encodeURIComponent(ns)}/pause`)) {
      showMessage('success', `Namespace ${ns} resumed`);
    }
  }

  // ---- remediations ----

  function escalationOf(run) {
    return state.escalations.get(run.id) || null;
  }

  function actionButtons(run, escalation) {
    const verbs = [];
    if (APPROVABLE.includes(run.state)) verbs.push('approve', 'reject');
    if (CANCELLABLE.includes(run.state)) verbs.push('cancel');
    // Only an escalation that paged people and waits for them can be acknowledged.
    if (escalation && escalation.state === PAGING) verbs.push('ack');
    // The recovery of a cascade's root: undo the isolation once the cause is fixed.
    if (!run.active && (run.isolations || []).length > 0) verbs.push('restore');
    const buttons = verbs.map(verb => h('button', {
      type: 'button',
      class: ACTIONS[verb].className,
      'aria-label': `${ACTIONS[verb].label} ${run.targetKey} (${run.ruleName})`,
      dataset: { action: verb, id: run.id, focusKey: `${verb}:${run.id}` },
      onclick: event => act(verb, run, event.currentTarget),
    }, ACTIONS[verb].label));
    // The cancel's progress where its button was: the step under way finishes and what the
    // attempt changed is undone before the run shows Cancelled.
    if (run.state === CANCELLING) {
      buttons.push(h('button', {
        type: 'button',
        class: ACTIONS.cancel.className,
        disabled: true,
        title: 'The step under way finishes, then what the attempt changed is undone as the rule says; the run then ends Cancelled.',
        dataset: { action: 'cancelling', id: run.id },
      }, 'Cancelling…'));
    }
    return buttons;
  }

  async function act(verb, run, button) {
    const comment = state.detailId !== null ? $('detail-comment').value.trim() : '';
    const body = { by: sessionStorage.getItem(OPERATOR_KEY) || null, comment: comment || null };
    button.disabled = true;
    try {
      await api('POST', `remediations/${run.id}/${verb}`, body);
      if (state.detailId !== null) $('detail-comment').value = '';
      showMessage('success', `${ACTIONS[verb].done}: ${run.targetKey}`, ['The engine applies it in a moment; this page follows on its own.']);
    } catch (error) {
      // Each problem as the engine typed it (escalation-not-found, a state conflict, ...).
      reportFailure(`${ACTIONS[verb].label} ${run.targetKey}`, error);
    } finally {
      button.disabled = false;
      state.seen = {};
      refresh();
    }
  }

  // The target without its namespace, which has a column of its own.
  function targetName(run) {
    const target = run.target || {};
    const kind = String(target.kind || '').toLowerCase();
    return target.name ? `${kind}/${target.name}` : run.targetKey;
  }

  function targetLink(run) {
    return link(`remediations/${run.id}`, targetName(run), {
      class: 'run-link',
      title: run.targetKey,
      'aria-label': `Details of ${run.targetKey} (${run.ruleName}), ${run.state}`,
      dataset: { focusKey: `open:${run.id}` },
    });
  }

  function dryRunTag(run) {
    return run.dryRun ? h('span', { class: 'tag', text: 'dry run' }) : null;
  }

  function keyLabels(alert) {
    return Object.entries(alert.labels || {}).filter(([name]) => !COLUMN_LABELS.includes(name));
  }

  // The alert by name and key labels (never a bare fingerprint), and the rule that took it.
  function alertCell(run) {
    const alert = run.alert || {};
    const labels = keyLabels(alert);
    return h('td', { class: 'alert', dataset: { label: 'Alert' } },
      h('strong', { class: 'alert-name', text: alert.name || '(unnamed alert)' }),
      labels.length ? h('ul', { class: 'labels', 'aria-label': 'Key labels' }, labels.slice(0, KEY_LABELS_SHOWN).map(([name, value]) => h('li', null, h('code', { text: `${name}=${value}` })))) : null,
      h('div', { class: 'help' }, 'rule ', h('span', { class: 'rule-name', text: run.ruleName })));
  }

  function severityCell(run) {
    const alertSeverity = run.alert && run.alert.severity;
    return h('td', { class: 'severity', dataset: { label: 'Severity' } },
      run.severity ? h('span', { class: `sev sev-${String(run.severity).toLowerCase()}`, text: run.severity }) : h('span', { class: 'empty', text: '—' }),
      alertSeverity && alertSeverity !== run.severity ? h('div', { class: 'help', text: alertSeverity }) : null);
  }

  function namespaceOf(run) {
    return (run.alert && run.alert.namespace) || (run.target && run.target.namespace) || '—';
  }

  function cell(label, ...children) {
    return h('td', { dataset: { label } }, ...children);
  }

  function runRow(run, first, when) {
    const escalation = escalationOf(run);
    return h('tr', { dataset: { id: run.id, state: run.state, target: run.targetKey } },
      first,
      alertCell(run),
      severityCell(run),
      cell('Namespace', h('code', { text: namespaceOf(run) })),
      cell('Target', targetLink(run)),
      when,
      cell('Actions', h('span', { class: 'buttons' }, actionButtons(run, escalation))));
  }

  function indexEscalations(list) {
    state.escalations = new Map((list.items || []).map(escalation => [escalation.remediationId, escalation]));
  }

  // Why a run needs a human now, or null. The engine has the last word on each (a 409 when it moved on).
  function attentionReason(run) {
    const escalation = escalationOf(run);
    if (run.state === 'AwaitingApproval') {
      if (!run.approvalDueAt) return { kind: 'approval', text: 'Awaiting your approval' };
      const left = new Date(run.approvalDueAt) - Date.now();
      return left > 0
        ? { kind: 'approval', text: `Awaiting your approval: ${duration(left)} left`, due: run.approvalDueAt }
        : { kind: 'stuck', text: `Stuck: the approval deadline passed ${duration(left)} ago and the engine has not escalated`, due: run.approvalDueAt };
    }
    if (escalation && escalation.state === PAGING) return { kind: 'escalated', text: `Escalated, not acknowledged: tier ${escalation.tier} paged` };
    if (run.uncertain && run.active) return { kind: 'stuck', text: 'Stuck: a step was interrupted and its outcome is unknown' };
    if (run.state === 'Compensating') return { kind: 'failed', text: 'Failed: undoing what the run changed' };
    if (run.state === 'Escalated' && (!escalation || escalation.state === UNROUTED)) return { kind: 'failed', text: 'Failed, and no one was paged' };
    return null;
  }

  const ATTENTION_ORDER = ['approval', 'escalated', 'failed', 'stuck'];

  async function renderAttention() {
    const runs = new Map();
    for (const page of [state.data.active, state.data.history]) {
      for (const run of (page && page.items) || []) runs.set(run.id, run);
    }

    // A paging escalation whose run is off the lists (an older page of the history) is fetched.
    const missing = [...state.escalations.values()].filter(escalation => escalation.state === PAGING && !runs.has(escalation.remediationId));
    const fetched = await Promise.all(missing.map(escalation => api('GET', `remediations/${escalation.remediationId}`)));
    for (const run of fetched) runs.set(run.id, run);

    const needs = [...runs.values()]
      .map(run => ({ run, reason: attentionReason(run) }))
      .filter(item => item.reason)
      .sort((a, b) => ATTENTION_ORDER.indexOf(a.reason.kind) - ATTENTION_ORDER.indexOf(b.reason.kind) || new Date(a.run.requestedAt) - new Date(b.run.requestedAt));

    const notices = [];
    const pause = state.data.pause;
    if (pause && pause.paused) {
      notices.push(h('p', { class: 'notice warn', dataset: { notice: 'paused' } }, 'All remediation is paused', describePause(pause.global), '. ', h('a', { href: '#pause' }, 'Resume it below'), '.'));
    }
    const rules = state.data.rules;
    if (rules && rules.lastReload && !rules.lastReload.succeeded) {
      notices.push(h('p', { class: 'notice bad', dataset: { notice: 'reload-failed' } }, `The last rules reload failed with ${rules.lastReload.errors.length} error${rules.lastReload.errors.length === 1 ? '' : 's'}; the rules loaded before stay in force. `, h('a', { href: '#rules-errors' }, 'See the errors'), '.'));
    }
    $('attention-notices').replaceChildren(...notices);

    $('attention-empty').hidden = needs.length > 0;
    $('attention-table').hidden = needs.length === 0;
    keepingFocus(() => $('attention-table').tBodies[0].replaceChildren(...needs.map(({ run, reason }) => {
      const row = runRow(run,
        h('td', { class: 'why', dataset: { label: 'Why' } }, h('span', { class: `why-${reason.kind}`, dataset: { why: reason.kind }, text: reason.text }), ' ', badge(run.state), dryRunTag(run), outLinks(run)),
        cell('Started', time(run.requestedAt)));
      row.dataset.why = reason.kind;
      return row;
    })));
  }

  // Where the people paged go next: the alert's graph, its Alertmanager and a silence, its runbook.
  function outLinks(run, asList) {
    const alert = run.alert || {};
    const links = [
      alert.runbookUrl && ['runbook', 'Runbook', alert.runbookUrl],
      alert.generatorUrl && ['source', 'Alert source', alert.generatorUrl],
      alert.alertmanagerUrl && ['alertmanager', 'Alertmanager', alert.alertmanagerUrl],
      alert.silenceUrl && ['silence', 'Silence', alert.silenceUrl],
    ].filter(Boolean).map(([kind, text, href]) => h('a', { href, class: 'out', rel: 'noopener noreferrer', target: '_blank', dataset: { link: kind } }, text));
    if (asList) return links.map(anchor => h('li', null, anchor));
    return links.length ? h('div', { class: 'out-links' }, links) : null;
  }

  function renderActive(page) {
    const runs = page.items || [];
    $('active-empty').hidden = runs.length > 0;
    $('active-table').hidden = runs.length === 0;
    keepingFocus(() => $('active-table').tBodies[0].replaceChildren(...runs.map(run => runRow(run,
      h('td', { dataset: { label: 'State' } }, badge(run.state), dryRunTag(run)),
      cell('Started', time(run.requestedAt))))));
    if (page.total > runs.length) {
      showMessage('warning', `Only the newest ${runs.length} of ${page.total} active remediations are shown`, ['Filter the API (state, rule, target) for the others.'], { key: 'active-truncated' });
    } else {
      clearMessage('active-truncated');
    }
  }

  function renderHistory(page) {
    const runs = page.items || [];
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    if (runs.length === 0 && state.historyPage > 1) {
      // The page emptied (runs are only added at the front): show the last one there is.
      state.historyPage = pages;
      delete state.seen.history;
      refresh();
      return;
    }

    $('history-empty').hidden = page.total > 0;
    $('history-table').hidden = runs.length === 0;
    keepingFocus(() => $('history-table').tBodies[0].replaceChildren(...runs.map(run => runRow(run,
      h('td', { dataset: { label: 'Outcome' } }, badge(run.state), dryRunTag(run), run.outcome ? h('div', { class: 'help outcome', text: humanize(run.outcome) }) : null),
      cell('Finished', time(run.finishedAt), run.finishedAt ? h('div', { class: 'help', text: `took ${between(run.requestedAt, run.finishedAt)}` }) : null)))));

    $('history-pager').hidden = pages <= 1;
    $('history-newer').disabled = state.historyPage <= 1;
    $('history-older').disabled = state.historyPage >= pages;
    $('history-position').textContent = `Page ${state.historyPage} of ${pages} (${page.total} finished runs)`;
  }

  function turnHistoryPage(delta) {
    state.historyPage = Math.max(1, state.historyPage + delta);
    delete state.seen.history;
    refresh();
  }

  function renderDetailProblem(problem) {
    $('detail-heading').textContent = problem.status === 404 ? 'Remediation not found' : problem.title;
    $('detail-body').hidden = true;
    const box = $('detail-problem');
    box.hidden = false;
    box.replaceChildren(h('div', null, h('p', null, h('strong', { text: problem.title })), problem.detail ? h('p', { text: problem.detail }) : null));
  }

  function summaryItem(term, ...value) {
    return [h('dt', { text: term }), h('dd', null, ...value)];
  }

  function linkTo(other) {
    return link(`remediations/${other.id}`, other.targetKey || `run ${other.id.slice(0, 8)}`, { class: 'cascade-link', dataset: { id: other.id } });
  }

  // Dependents are known by id only: their targets are looked up once shown.
  async function nameDependents(links) {
    await Promise.all(links.map(async anchor => {
      const run = await api('GET', `remediations/${anchor.dataset.id}`);
      anchor.textContent = run.targetKey;
    }));
  }

  function describeEscalation(escalation) {
    if (!escalation) return 'The run did not escalate.';
    const parts = [`${escalation.state}`, escalation.policy ? ` (policy ${escalation.policy})` : ''];
    if (escalation.tier > 0) parts.push(`; tier ${escalation.tier} paged`);
    if ((escalation.channelsTold || []).length) parts.push(` via ${escalation.channelsTold.join(', ')}`);
    if (escalation.acknowledgedBy || escalation.acknowledgedAt) parts.push(`; acknowledged${escalation.acknowledgedBy ? ` by ${escalation.acknowledgedBy}` : ''} `, time(escalation.acknowledgedAt));
    if (escalation.state === PAGING && escalation.nextTierAt) parts.push('; next tier ', time(escalation.nextTierAt));
    if (escalation.resolution) parts.push(`; ${escalation.resolution}`);
    return h('span', { dataset: { escalation: escalation.state } }, ...parts, '.');
  }

  function renderDetail(view, escalation) {
    $('detail-problem').hidden = true;
    $('detail-body').hidden = false;
    const alert = view.alert || {};
    $('detail-heading').textContent = `Remediation of ${view.targetKey}`;
    document.title = `${view.targetKey} (${view.state}) – Remediator`;
    state.escalations.set(view.id, escalation);
    const reason = attentionReason(view);
    const labels = Object.entries(alert.labels || {});
    const dependents = (view.dependents || []).map(linkTo);
    $('detail-summary').replaceChildren(
      ...summaryItem('State', badge(view.state), view.dryRun ? h('span', { class: 'tag', text: 'dry run' }) : null),
      ...(reason ? summaryItem('Needs you', h('span', { dataset: { why: reason.kind }, text: reason.text })) : []),
      ...summaryItem('Outcome', view.outcome ? humanize(view.outcome) : (view.active ? 'still running' : '—')),
      ...summaryItem('Alert', h('strong', { text: alert.name || '(unnamed alert)' }), alert.summary ? h('div', { text: alert.summary }) : null),
      ...summaryItem('Severity', view.severity || '—', alert.severity && alert.severity !== view.severity ? ` (alert: ${alert.severity})` : ''),
      ...summaryItem('Namespace', h('code', { text: namespaceOf(view) })),
      ...summaryItem('Target', h('code', { text: view.targetKey })),
      ...summaryItem('Rule', view.ruleName),
      ...summaryItem('Attempt', String(view.attempt)),
      ...summaryItem('Started', time(view.requestedAt)),
      ...summaryItem('Finished', time(view.finishedAt), view.finishedAt ? ` (took ${between(view.requestedAt, view.finishedAt)})` : ''),
      ...(view.cascadeRoot ? summaryItem('Cascade root', linkTo(view.cascadeRoot), ' (this run waited for it)') : []),
      ...(dependents.length ? summaryItem('Dependents', h('ul', { class: 'dependents' }, dependents.map(anchor => h('li', null, anchor)))) : []),
      ...summaryItem('Labels', labels.length ? h('ul', { class: 'labels' }, labels.map(([name, value]) => h('li', null, h('code', { text: `${name}=${value}` })))) : '—'),
      ...summaryItem('Alerts', (view.fingerprints || []).length ? h('code', { text: view.fingerprints.join(', ') }) : '—'),
      ...summaryItem('Id', h('code', { text: view.id })));
    nameDependents(dependents).catch(error => showProblem('Naming the dependent runs', error, 'dependents'));

    const links = outLinks(view, true);
    $('detail-links').replaceChildren(...(links.length ? links : [h('li', { class: 'empty', text: 'The alert carried no links (generatorURL, runbook_url) and no Alertmanager URL.' })]));
    $('detail-escalation').replaceChildren(describeEscalation(escalation));

    const buttons = actionButtons(view, escalation);
    $('detail-actions').hidden = buttons.length === 0;
    keepingFocus(() => $('detail-buttons').replaceChildren(...buttons));

    $('timeline').replaceChildren(...(view.timeline || []).map(entry => h('li', null, time(entry.at), badge(entry.state), ' ', timelineText(entry.reason, view))));

    // Keep the before/after panels the reader opened across refreshes.
    const open = new Set([...$('steps-table').querySelectorAll('details[open]')].map(details => details.dataset.key));
    const steps = view.steps || [];
    $('steps-empty').hidden = steps.length > 0;
    $('steps-table').hidden = steps.length === 0;
    $('steps-table').tBodies[0].replaceChildren(...steps.map(step => {
      const key = `${step.at}|${step.attempt}|${step.name}|${step.phase}|${step.summary}`;
      const hasDetails = step.before || step.after || (step.requests || []).length > 0;
      return h('tr', { dataset: { step: step.name, phase: step.phase, status: step.status } },
        cell('Attempt', String(step.attempt)),
        cell('Step', step.name),
        cell('Action', h('code', { class: 'action', text: step.action })),
        cell('Phase', step.phase),
        cell('Status', badge(step.status), step.continueOnError ? h('span', { class: 'tag', text: 'continue on error' }) : null),
        cell('At', time(step.at)),
        cell('Result',
          h('p', { class: 'step-summary', text: humanize(step.summary) }),
          hasDetails ? h('details', { dataset: { key }, open: open.has(key) },
            h('summary', null, 'Before, after and requests'),
            h('h4', { text: 'Before' }), step.before ? h('pre', { class: 'before', text: pretty(step.before) }) : h('p', { class: 'empty', text: 'nothing recorded' }),
            h('h4', { text: 'After' }), step.after ? h('pre', { class: 'after', text: pretty(step.after) }) : h('p', { class: 'empty', text: 'nothing recorded' }),
            (step.requests || []).length ? [h('h4', { text: step.status === 'DryRun' ? 'Requests planned (dry run)' : 'Requests sent' }), h('ul', null, step.requests.map(request => h('li', null, h('code', { text: request }))))] : null) : null));
    }));
  }

  // The timeline names the cascade root by id: that id becomes a link to it.
  function timelineText(reason, view) {
    const text = humanize(reason);
    const root = view.cascadeRoot;
    if (!root || !text.includes(root.id)) return text;
    const [before, ...after] = text.split(root.id);
    return [before, link(`remediations/${root.id}`, root.id, { class: 'cascade-link' }), after.join(root.id)];
  }

  // ---- rules ----

  function renderRules(status) {
    const reload = status.lastReload;
    $('rules-status').replaceChildren(h('span', null,
      `${status.ruleCount} rule${status.ruleCount === 1 ? '' : 's'} from `, h('code', { text: status.path }), ', loaded ', time(status.loadedAt), '.',
      reload && reload.succeeded ? [' Last reload (', reload.trigger, ') succeeded ', time(reload.at), '.'] : ''));

    const failed = reload && !reload.succeeded;
    $('rules-errors').hidden = !failed;
    if (failed) {
      $('rules-errors-summary').replaceChildren(h('span', null,
        `The reload (${reload.trigger}) at `, time(reload.at), ` found ${reload.errors.length} error${reload.errors.length === 1 ? '' : 's'}; the rules loaded at `, time(status.loadedAt), ' stay in force.'));
      $('rules-errors-list').replaceChildren(...reload.errors.map(error => h('li', { text: error })));
    }

    const rules = status.rules || [];
    $('rules-table').hidden = rules.length === 0;
    $('rules-table').tBodies[0].replaceChildren(...rules.map(rule => h('tr', { dataset: { rule: rule.name } },
      h('th', { scope: 'row' }, rule.name, rule.description ? h('div', { class: 'help', text: rule.description }) : null),
      h('td', { text: rule.severity, dataset: { label: 'Severity' } }),
      h('td', { text: rule.status, dataset: { label: 'Alerts' } }),
      h('td', { dataset: { label: 'Matchers' } }, h('ul', null, (rule.matchers || []).map(matcher => h('li', null, h('code', { text: matcher }))))),
      h('td', { text: rule.targetKind, dataset: { label: 'Target' } }),
      h('td', { dataset: { label: 'Actions' } }, h('ul', null, (rule.actions || []).map(action => h('li', null, h('code', { class: 'action', text: action }))))),
      h('td', { dataset: { label: 'Defined in' } }, h('code', { class: 'path', text: `${rule.sourceFile}:${rule.line}` })))));
  }

  async function reloadRules() {
    await mutate($('reload-rules'), 'Reloading the rules', 'POST', 'rules/reload', undefined, status => {
      showMessage('success', `Rules reloaded: ${status.ruleCount} rule${status.ruleCount === 1 ? '' : 's'} in force`);
    });
  }

  // ---- credentials ----

  function saveCredentials(event) {
    event.preventDefault();
    const token = $('token').value.trim();
    const operator = $('operator').value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    if (operator) sessionStorage.setItem(OPERATOR_KEY, operator);
    else sessionStorage.removeItem(OPERATOR_KEY);
    showMessage('success', token ? 'Token saved for this tab' : 'No token: requests go without one');
    state.seen = {};
    refresh();
  }

  function forgetCredentials() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(OPERATOR_KEY);
    $('token').value = '';
    $('operator').value = '';
    showMessage('success', 'Token forgotten');
  }

  // ---- start ----

  function start() {
    // A bug in this script is reported on the page, not only in the browser's console.
    window.addEventListener('error', event => showMessage('error', 'The dashboard hit an error', [event.message]));
    window.addEventListener('unhandledrejection', event => showMessage('error', 'The dashboard hit an error', [String(event.reason)]));
    $('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
    $('operator').value = sessionStorage.getItem(OPERATOR_KEY) || '';
    $('credentials').addEventListener('submit', saveCredentials);
    $('clear-credentials').addEventListener('click', forgetCredentials);
    $('auto-refresh').addEventListener('change', () => (($('auto-refresh').checked) ? refresh() : clearTimeout(state.timer)));
    $('refresh-now').addEventListener('click', () => {
      state.seen = {};
      refresh();
    });
    $('pause-global-form').addEventListener('submit', askToPauseAll);
    $('pause-all-confirm').addEventListener('click', pauseAll);
    $('pause-all-cancel').addEventListener('click', keepRemediating);
    $('resume-all').addEventListener('click', resumeAll);
    $('pause-namespace-form').addEventListener('submit', pauseNamespace);
    // The comment field's Enter must not submit anywhere: the buttons act.
    $('detail-actions').addEventListener('submit', event => event.preventDefault());
    $('reload-rules').addEventListener('click', reloadRules);
    $('history-newer').addEventListener('click', () => turnHistoryPage(-1));
    $('history-older').addEventListener('click', () => turnHistoryPage(1));
    $('home-link').addEventListener('click', followLink);
    $('back-link').addEventListener('click', followLink);
    window.addEventListener('popstate', route);
    window.addEventListener('hashchange', route);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) refresh();
    });
    route();
  }

  start();
})();
