// The rules page's effectiveness view and one-rule backtest (GET /api/v1/rules/{name}/effectiveness,
// POST /api/v1/rules/{name}/backtest?days=N). Kept apart from app.js: it only reads the rules list
// and the API token the page saved, and owns the #rule-insights section.
'use strict';

(function () {
  const API = 'api/v1/';
  // The key app.js saves the token under (this tab only).
  const TOKEN_KEY = 'remediator.token';
  const SVG = 'http://www.w3.org/2000/svg';
  const CHART = { width: 600, height: 120, gap: 2 };
  const OUTCOMES = [
    { key: 'verified', fill: '#2e7d32' },
    { key: 'escalated', fill: '#c62828' },
    { key: 'refused', fill: '#f9a825' },
    { key: 'other', fill: '#9e9e9e' },
  ];

  const $ = id => document.getElementById(id);

  function cell(text) {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
  }

  async function call(method, path) {
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(API + path, { method, headers });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = body && (body.detail || body.title);
      throw new Error(`${body && body.title ? body.title : 'The request failed'} (HTTP ${response.status})${detail && detail !== body.title ? `: ${detail}` : ''}`);
    }
    return body;
  }

  function show(message) {
    $('insights-message').hidden = !message;
    $('insights-message').textContent = message || '';
  }

  function duration(text) {
    return text === null || text === undefined ? '–' : text;
  }

  async function loadRules() {
    const select = $('insights-rule');
    const chosen = select.value;
    const status = await call('GET', 'rules');
    select.replaceChildren(...(status.rules || []).map(rule => {
      const option = document.createElement('option');
      option.value = rule.name;
      option.textContent = rule.name;
      return option;
    }));
    if (chosen) select.value = chosen;
  }

  function renderChart(days) {
    const chart = $('effectiveness-chart');
    const most = Math.max(1, ...days.map(day => OUTCOMES.reduce((sum, o) => sum + day[o.key], 0)));
    const width = CHART.width / days.length;
    const bars = days.map((day, index) => {
      const group = document.createElementNS(SVG, 'g');
      group.dataset.day = day.day;
      let top = CHART.height;
      for (const outcome of OUTCOMES) {
        group.dataset[outcome.key] = day[outcome.key];
        const height = (day[outcome.key] / most) * CHART.height;
        const rect = document.createElementNS(SVG, 'rect');
        rect.setAttribute('x', String(index * width));
        rect.setAttribute('y', String(top - height));
        rect.setAttribute('width', String(Math.max(width - CHART.gap, 1)));
        rect.setAttribute('height', String(height));
        rect.setAttribute('fill', outcome.fill);
        top -= height;
        group.appendChild(rect);
      }
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${day.day}: ${OUTCOMES.map(o => `${day[o.key]} ${o.key}`).join(', ')}`;
      group.appendChild(title);
      return group;
    });
    chart.replaceChildren(...bars);
  }

  async function showEffectiveness() {
    show(null);
    $('backtest-result').hidden = true;
    const rule = $('insights-rule').value;
    if (!rule) return show('No rule is loaded.');
    try {
      const effectiveness = await call('GET', `rules/${encodeURIComponent(rule)}/effectiveness`);
      $('effectiveness-table').tBodies[0].replaceChildren(...effectiveness.windows.map(window => {
        const row = document.createElement('tr');
        row.dataset.window = window.window;
        const refusals = Object.entries(window.refusals).map(([guard, count]) => `${guard} ${count}`).join(', ') || '0';
        const share = window.handledWithoutHuman === null ? '–' : `${Math.round(window.handledWithoutHuman * 100)}% of ${window.alerts} alerts`;
        row.append(cell(window.window), cell(String(window.runs)), cell(String(window.verifiedSuccesses)), cell(String(window.ladderClimbs)),
          cell(String(window.escalations)), cell(refusals), cell(duration(window.medianTimeToRecovery)), cell(duration(window.p90TimeToRecovery)), cell(share));
        return row;
      }));
      renderChart(effectiveness.days);
      $('effectiveness').hidden = false;
    } catch (error) {
      show(error.message);
    }
  }

  async function runBacktest() {
    show(null);
    $('effectiveness').hidden = true;
    const rule = $('insights-rule').value;
    const days = $('backtest-days').value;
    if (!rule) return show('No rule is loaded.');
    const button = $('run-backtest');
    button.disabled = true;
    try {
      const report = await call('POST', `rules/${encodeURIComponent(rule)}/backtest?days=${encodeURIComponent(days)}`);
      const result = report.ruleResults[0];
      $('backtest-range').textContent = `${rule} against ${report.prometheus}, ${report.from} to ${report.to}: ${report.alerts.firing} firing alerts in the history.`;
      const refusals = Object.entries(result.refusals).map(([guard, count]) => `${guard} ${count}`).join(', ') || 'none';
      const figures = [
        ['Alerts matched', result.alertsMatched], ['Runs started', result.runsStarted], ['Refused', refusals],
        ['Ladder climbs', result.ladderClimbs], ['Succeeded', result.succeeded], ['Escalated', result.escalated],
        ['Storm brakes', result.stormBrakes.length], ['Pages', result.pages.length],
        ['Minimum-healthy', `not evaluated (${result.minimumHealthyNotEvaluated} decisions)`],
      ];
      $('backtest-summary').replaceChildren(...figures.flatMap(([name, value]) => {
        const term = document.createElement('dt');
        term.textContent = name;
        const definition = document.createElement('dd');
        definition.textContent = String(value);
        return [term, definition];
      }));
      $('backtest-assumptions').replaceChildren(...report.assumptions.map(text => {
        const item = document.createElement('li');
        item.textContent = text;
        return item;
      }));
      $('backtest-result').hidden = false;
    } catch (error) {
      show(error.message);
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('show-effectiveness').addEventListener('click', showEffectiveness);
    $('run-backtest').addEventListener('click', runBacktest);
    $('insights-rule').addEventListener('focus', () => loadRules().catch(error => show(error.message)));
    loadRules().catch(error => show(error.message));
  });
})();
