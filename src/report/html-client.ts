/**
 * The HTML report's only script and style, inlined. The script reads the findings from a JSON
 * data block and renders one page of the table at a time (100,000 findings stay responsive); it
 * builds every cell with textContent, never innerHTML, so text from AWS is never parsed as markup.
 * Written as plain ES2017 so any browser of the last years runs it without a build step.
 */
export const HTML_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SEV = data.severities;
  var rows = data.findings.map(function (f) {
    return { sev: f[0], rule: data.rules[f[1]], account: f[2], region: f[3], fn: f[4], message: f[5], arn: f[6], isNew: f[7] === 1, age: f[8], pastSla: f[9] === 1 };
  });
  var PAGE = 100;
  var state = { key: 'sev', dir: 1, page: 0, shown: rows };
  var $ = function (id) { return document.getElementById(id); };
  var controls = { severity: $('f-severity'), rule: $('f-rule'), account: $('f-account'), region: $('f-region'), fn: $('f-function'), text: $('f-text') };
  if ($('f-new')) controls.accepted = $('f-new');
  if ($('f-sla')) controls.sla = $('f-sla');

  function options(select, values) {
    values.forEach(function (v) {
      var o = document.createElement('option');
      o.value = v; o.textContent = v; select.appendChild(o);
    });
  }
  function distinct(key) {
    var seen = {};
    rows.forEach(function (r) { seen[r[key]] = true; });
    return Object.keys(seen).sort();
  }
  options(controls.severity, SEV);
  options(controls.rule, distinct('rule'));
  options(controls.account, distinct('account'));
  options(controls.region, distinct('region'));

  function compare(a, b) {
    var k = state.key;
    var x = a[k], y = b[k];
    if (x === y) return a.sev - b.sev || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0);
    return (x < y ? -1 : 1) * state.dir;
  }
  function apply() {
    var sev = controls.severity.value, rule = controls.rule.value, account = controls.account.value, region = controls.region.value;
    var fn = controls.fn.value.toLowerCase(), text = controls.text.value.toLowerCase();
    var accepted = controls.accepted ? controls.accepted.value : '';
    var sla = controls.sla ? controls.sla.value : '';
    state.shown = rows.filter(function (r) {
      return (sev === '' || SEV[r.sev] === sev) && (rule === '' || r.rule === rule) &&
        (accepted === '' || r.isNew === (accepted === 'new')) &&
        (sla === '' || r.pastSla === (sla === 'past')) &&
        (account === '' || r.account === account) && (region === '' || r.region === region) &&
        (fn === '' || r.fn.toLowerCase().indexOf(fn) >= 0) &&
        (text === '' || (r.fn + ' ' + r.message + ' ' + r.arn + ' ' + r.rule).toLowerCase().indexOf(text) >= 0);
    }).sort(compare);
    state.page = 0;
    render();
  }
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }
  function render() {
    var body = $('findings-body');
    var start = state.page * PAGE, page = state.shown.slice(start, start + PAGE);
    var frag = document.createDocumentFragment();
    page.forEach(function (r) {
      var tr = document.createElement('tr');
      cell(tr, SEV[r.sev], 'sev sev-' + SEV[r.sev]);
      cell(tr, r.rule); cell(tr, r.account); cell(tr, r.region); cell(tr, r.fn); cell(tr, r.message);
      if (data.aged) cell(tr, r.age + (r.pastSla ? ' (past SLA)' : ''), 'num');
      tr.title = r.arn;
      if (r.isNew) tr.className = 'is-new';
      frag.appendChild(tr);
    });
    body.textContent = '';
    body.appendChild(frag);
    var n = state.shown.length;
    $('f-count').textContent = n + ' of ' + rows.length + ' findings';
    $('f-page').textContent = n === 0 ? 'no rows' : 'rows ' + (start + 1) + '–' + (start + page.length) + ' of ' + n;
    $('f-prev').disabled = state.page === 0;
    $('f-next').disabled = start + PAGE >= n;
    Array.prototype.forEach.call(document.querySelectorAll('#findings-table th[data-key]'), function (th) {
      th.setAttribute('aria-sort', th.getAttribute('data-key') === state.key ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
    });
  }
  Object.keys(controls).forEach(function (k) { controls[k].addEventListener('input', apply); });
  Array.prototype.forEach.call(document.querySelectorAll('#findings-table th[data-key]'), function (th) {
    th.addEventListener('click', function () {
      var key = th.getAttribute('data-key');
      state.dir = state.key === key ? -state.dir : 1;
      state.key = key;
      apply();
    });
  });
  $('f-prev').addEventListener('click', function () { state.page--; render(); });
  $('f-next').addEventListener('click', function () { state.page++; render(); });

  var tabs = document.querySelectorAll('[role=tab]');
  function show(id) {
    Array.prototype.forEach.call(tabs, function (t) {
      var on = t.getAttribute('aria-controls') === id;
      t.setAttribute('aria-selected', String(on));
      $(t.getAttribute('aria-controls')).hidden = !on;
    });
  }
  Array.prototype.forEach.call(tabs, function (t) {
    t.addEventListener('click', function () { show(t.getAttribute('aria-controls')); });
  });
  document.getElementById('tablist').hidden = false;
  document.getElementById('findings-ui').hidden = false;
  show('tab-findings');
  apply();
})();
`;

export const HTML_STYLE = `
:root { color-scheme: light; --border: #d0d7de; --muted: #57606a; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto; max-width: 80rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 1.75rem; border-bottom: 1px solid var(--border); }
.meta { color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--border); padding: .25rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; } #findings-table td:nth-child(-n+4), #findings-table th { white-space: nowrap; } #findings-table td:nth-child(5) { min-width: 12rem; } td.num, th.num { text-align: right; }
th[data-key] { cursor: pointer; user-select: none; } th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
.sev { font-weight: 600; } .sev-critical { color: #8b0000; } .sev-high { color: #cf222e; } .sev-medium { color: #9a6700; } .sev-low { color: #0969da; } .sev-info { color: var(--muted); }
.warn { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem .75rem; }
.cards { display: flex; gap: .75rem; flex-wrap: wrap; } .card { border: 1px solid var(--border); border-radius: 6px; padding: .5rem 1rem; min-width: 7rem; }
.card b { display: block; font-size: 1.4rem; }
.filters { display: flex; gap: .5rem; flex-wrap: wrap; align-items: end; } .filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
[role=tablist] { margin-top: 1.5rem; border-bottom: 1px solid var(--border); } [role=tab] { font: inherit; border: 1px solid var(--border); border-bottom: 0; background: #f6f8fa; padding: .35rem .9rem; cursor: pointer; }
[role=tab][aria-selected=true] { background: #fff; font-weight: 600; }
tr.is-new td:first-child::after { content: "new"; margin-left: .4em; padding: 0 .3em; border-radius: 3px; font-size: 11px; color: #fff; background: #1a7f37; }
code { font-size: 12px; }
@media print { [role=tablist], .filters, .pager { display: none !important; } [role=tabpanel][hidden] { display: block !important; } body { max-width: none; } }
`;
