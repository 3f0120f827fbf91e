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
  const REMEDIATION_NOT_FOUND = 'urn:remediator:problem:remediation-not-found';
  const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  // Which buttons a run in a state gets; the engine has the last word (409 when the state moved on).
  const APPROVABLE = ['AwaitingApproval'];
  const CANCELLABLE = ['Pending', 'WaitingForRoot', 'AwaitingApproval', 'Executing', 'Verifying'];
  const STATE_CLASSES = {
    Succeeded: 'state-ok',
    Pending: 'state-wait',
    AwaitingApproval: 'state-wait',
    WaitingForRoot: 'state-wait',
    Executing: 'state-busy',
    Verifying: 'state-busy',
    Compensating: 'state-bad',
    Failed: 'state-bad',
    Escalated: 'state-bad',
    Refused: 'state-bad',
    DryRun: 'state-busy',
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

  function time(iso) {
    if (!iso) return h('span', { class: 'empty', text: '—' });
    const date = new Date(iso);
    const text = Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    return h('time', { datetime: iso, title: iso, text });
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
      delete state.seen.active;
      delete state.seen.history;
      delete state.seen.rules;
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

  async function load(name, path, render) {
    const data = await api('GET', path);
    const json = JSON.stringify(data);
    if (state.seen[name] === json) return;
    state.seen[name] = json;
    render(data);
  }

  async function loadAll() {
    const tasks = [load('pause', 'pause', renderPause)];
    if (state.detailId !== null) {
      tasks.push(loadDetail(state.detailId));
    } else {
      tasks.push(
        load('active', `remediations?active=true&pageSize=${ACTIVE_PAGE_SIZE}`, renderActive),
        load('history', `remediations?active=false&page=${state.historyPage}&pageSize=${HISTORY_PAGE_SIZE}`, renderHistory),
        load('rules', 'rules', renderRules));
    }

    const failures = (await Promise.allSettled(tasks)).filter(result => result.status === 'rejected').map(result => result.reason);
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
      await load('detail', `remediations/${encodeURIComponent(id)}`, view => {
        if (state.detailId === id) renderDetail(view);
      });
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
    $('pause-fields').hidden = status.paused;
    $('resume-all').hidden = !status.paused;

    const table = $('namespace-pauses');
    table.hidden = namespaces.length === 0;
    keepingFocus(() => table.tBodies[0].replaceChildren(...namespaces.map(([ns, entry]) => h('tr', { dataset: { namespace: ns } },
      h('th', { scope: 'row' }, h('code', { text: ns })),
      h('td', null, time(entry.pausedAt)),
      h('td', null, entry.until ? time(entry.until) : 'until resumed'),
      h('td', { text: entry.reason || '' }),
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

  async function pauseAll(event) {
    event.preventDefault();
    const until = $('pause-until').value;
    const body = { reason: $('pause-reason').value.trim() || null, until: until ? new Date(until).toISOString() : null };
    if (await mutate($('pause-all'), 'Pausing all remediation', 'POST', 'pause', body)) {
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

  function actionButtons(run) {
    const verbs = [];
    if (APPROVABLE.includes(run.state)) verbs.push('approve', 'reject');
    if (CANCELLABLE.includes(run.state)) verbs.push('cancel');
    // Acknowledging tells the escalation chain that someone is on it.
    if (run.active || run.state === 'Escalated') verbs.push('ack');
    // The recovery of a cascade's root: undo the isolation once the cause is fixed.
    if (!run.active && (run.isolations || []).length > 0) verbs.push('restore');
    return verbs.map(verb => h('button', {
      type: 'button',
      class: ACTIONS[verb].className,
      'aria-label': `${ACTIONS[verb].label} ${run.targetKey} (${run.ruleName})`,
      dataset: { action: verb, id: run.id, focusKey: `${verb}:${run.id}` },
      onclick: event => act(verb, run, event.currentTarget),
    }, ACTIONS[verb].label));
  }

  // The acknowledge endpoint is newer than the others: an engine without it answers 404 or 405.
  function isMissingEndpoint(error) {
    const problem = error.problem || {};
    return problem.status === 405 || (problem.status === 404 && problem.type !== REMEDIATION_NOT_FOUND);
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
      if (verb === 'ack' && isMissingEndpoint(error)) {
        showMessage('warning', 'Acknowledging is not available on this engine', [
          `It has no acknowledge endpoint (HTTP ${error.problem.status}). Acknowledge in the escalation channel instead.`,
        ], { key: 'ack-missing' });
      } else {
        reportFailure(`${ACTIONS[verb].label} ${run.targetKey}`, error);
      }
    } finally {
      button.disabled = false;
      state.seen = {};
      refresh();
    }
  }

  function targetLink(run) {
    return link(`remediations/${run.id}`, run.targetKey, { 'aria-label': `Details of ${run.targetKey} (${run.ruleName}), ${run.state}`, dataset: { focusKey: `open:${run.id}` } });
  }

  function dryRunTag(run) {
    return run.dryRun ? h('span', { class: 'tag', text: 'dry run' }) : null;
  }

  function renderActive(page) {
    const runs = page.items || [];
    $('active-empty').hidden = runs.length > 0;
    $('active-table').hidden = runs.length === 0;
    keepingFocus(() => $('active-table').tBodies[0].replaceChildren(...runs.map(run => h('tr', { dataset: { id: run.id, state: run.state, target: run.targetKey } },
      h('td', null, badge(run.state), dryRunTag(run)),
      h('td', { text: run.ruleName }),
      h('td', null, targetLink(run)),
      h('td', { text: run.attempt }),
      h('td', null, time(run.requestedAt)),
      h('td', null, h('span', { class: 'buttons' }, actionButtons(run)))))));
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
    keepingFocus(() => $('history-table').tBodies[0].replaceChildren(...runs.map(run => h('tr', { dataset: { id: run.id, state: run.state, target: run.targetKey } },
      h('td', null, badge(run.state), dryRunTag(run), run.outcome ? h('div', { class: 'help', text: run.outcome }) : null),
      h('td', { text: run.ruleName }),
      h('td', null, targetLink(run)),
      h('td', { text: run.attempt }),
      h('td', null, time(run.requestedAt)),
      h('td', null, time(run.finishedAt)),
      h('td', null, h('span', { class: 'buttons' }, actionButtons(run)))))));

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

  function renderDetail(view) {
    $('detail-problem').hidden = true;
    $('detail-body').hidden = false;
    $('detail-heading').textContent = `Remediation of ${view.targetKey}`;
    document.title = `${view.targetKey} (${view.state}) – Remediator`;
    $('detail-summary').replaceChildren(
      ...summaryItem('State', badge(view.state), view.dryRun ? h('span', { class: 'tag', text: 'dry run' }) : null),
      ...summaryItem('Outcome', view.outcome || (view.active ? 'still running' : '—')),
      ...summaryItem('Rule', view.ruleName),
      ...summaryItem('Target', h('code', { text: view.targetKey })),
      ...summaryItem('Attempt', String(view.attempt)),
      ...summaryItem('Severity', view.severity || '—'),
      ...summaryItem('Started', time(view.requestedAt)),
      ...summaryItem('Finished', time(view.finishedAt)),
      ...summaryItem('Alerts', (view.fingerprints || []).length ? h('code', { text: view.fingerprints.join(', ') }) : '—'),
      ...summaryItem('Id', h('code', { text: view.id })));

    const buttons = actionButtons(view);
    $('detail-actions').hidden = buttons.length === 0;
    keepingFocus(() => $('detail-buttons').replaceChildren(...buttons));

    $('timeline').replaceChildren(...(view.timeline || []).map(entry => h('li', null, time(entry.at), badge(entry.state), ' ', entry.reason)));

    // Keep the before/after panels the reader opened across refreshes.
    const open = new Set([...$('steps-table').querySelectorAll('details[open]')].map(details => details.dataset.key));
    const steps = view.steps || [];
    $('steps-empty').hidden = steps.length > 0;
    $('steps-table').hidden = steps.length === 0;
    $('steps-table').tBodies[0].replaceChildren(...steps.map(step => {
      const key = `${step.at}|${step.attempt}|${step.name}|${step.phase}`;
      const hasDetails = step.before || step.after || (step.requests || []).length > 0;
      return h('tr', { dataset: { step: step.name, phase: step.phase } },
        h('td', { text: step.attempt }),
        h('td', { text: step.name }),
        h('td', null, h('code', { text: step.action })),
        h('td', { text: step.phase }),
        h('td', null, badge(step.status), step.continueOnError ? h('span', { class: 'tag', text: 'continue on error' }) : null),
        h('td', null, time(step.at)),
        h('td', null,
          h('p', { class: 'step-summary', text: step.summary }),
          hasDetails ? h('details', { dataset: { key }, open: open.has(key) },
            h('summary', null, 'Before, after and requests'),
            h('h4', { text: 'Before' }), step.before ? h('pre', { class: 'before', text: pretty(step.before) }) : h('p', { class: 'empty', text: 'nothing recorded' }),
            h('h4', { text: 'After' }), step.after ? h('pre', { class: 'after', text: pretty(step.after) }) : h('p', { class: 'empty', text: 'nothing recorded' }),
            (step.requests || []).length ? [h('h4', { text: step.status === 'DryRun' ? 'Requests planned (dry run)' : 'Requests sent' }), h('ul', null, step.requests.map(request => h('li', null, h('code', { text: request }))))] : null) : null));
    }));
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
      h('td', { text: rule.severity }),
      h('td', { text: rule.status }),
      h('td', null, h('ul', null, (rule.matchers || []).map(matcher => h('li', null, h('code', { text: matcher }))))),
      h('td', { text: rule.targetKind }),
      h('td', null, h('ul', null, (rule.actions || []).map(action => h('li', null, h('code', { text: action }))))),
      h('td', null, h('code', { text: `${rule.sourceFile}:${rule.line}` })))));
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
    $('pause-global-form').addEventListener('submit', pauseAll);
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
