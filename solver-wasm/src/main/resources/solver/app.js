// The solver page: sends the request to the worker, shows progress, then the result.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  // The worker that runs the solver; null after it failed or was stopped (the next run starts a new one).
  let worker = startWorker();
  let runId = 0;
  let running = false;

  fetch('example-request.json').then((r) => r.text()).then((text) => {
    if ($('request').value === '') {
      $('request').value = text;
    }
  });

  // While a run is going, the button stops it: a worker that died without a word (killed, crashed) leaves no
  // other way out, and a run of a million scenarios may simply take longer than the user wants to wait.
  $('run').addEventListener('click', () => {
    if (running) {
      endRun('stopped', '');
      return;
    }
    runId++;
    running = true;
    $('error').textContent = '';
    $('result').hidden = true;
    $('progress').value = 0;
    $('status').textContent = 'starting…';
    $('run').textContent = 'Stop';
    if (worker === null) {
      worker = startWorker();
    }
    worker.postMessage({ id: runId, requestJson: $('request').value });
  });

  function startWorker() {
    const w = new Worker('solver-worker.js');
    w.onmessage = onWorkerMessage;
    // An error the worker did not catch (its script or the module failed to load, it was killed by an error):
    // it will send nothing more for this run.
    w.onerror = (event) => {
      event.preventDefault();
      failWorker('the solver worker failed: ' + (event.message || 'no reason given'));
    };
    w.onmessageerror = () => failWorker('the solver worker sent a message that could not be read');
    return w;
  }

  // Ends the worker (a new one is started by the next run) and, if a run was going, reports why it ended.
  function failWorker(message) {
    if (running) {
      endRun('', message + '; press Run to try again');
    } else {
      discardWorker();
      $('error').textContent = message;
    }
  }

  function endRun(status, error) {
    running = false;
    runId++;
    discardWorker();
    $('run').textContent = 'Run';
    $('status').textContent = status;
    $('error').textContent = error;
  }

  function discardWorker() {
    if (worker !== null) {
      worker.terminate();
      worker = null;
    }
  }

  function onWorkerMessage(event) {
    const message = event.data;
    if (message.id !== runId) {
      return;
    }
    if (message.type === 'progress') {
      $('progress').value = message.done / message.total;
      $('status').textContent = message.done + ' / ' + message.total + ' scenarios';
      return;
    }
    running = false;
    $('run').textContent = 'Run';
    if (message.type === 'error') {
      $('status').textContent = '';
      $('error').textContent = message.message;
      return;
    }
    $('status').textContent = 'solved in ' + message.solveMs.toFixed(0) + ' ms';
    show(JSON.parse(message.resultJson));
  }

  function show(result) {
    $('recommended').textContent = result.recommended_strategy;
    $('headline').textContent = 'mean ' + result.average_total_time.toFixed(2) + ' s, no tyre failure in '
      + (100 * result.success_probability).toFixed(1) + '% of ' + result.scenarios_count
      + ' scenarios, tyre failures per stint ' + result.tire_failure_rate.toFixed(4);
    drawDistribution(result.total_time_distribution);
    const body = $('histogram').querySelector('tbody');
    body.textContent = '';
    const top = result.strategies_histogram.slice(0, 15);
    const maxWins = top.length > 0 ? top[0].wins : 1;
    for (const entry of top) {
      const row = body.insertRow();
      row.insertCell().textContent = entry.strategy;
      row.insertCell().textContent = entry.wins + ' (' + (100 * entry.share).toFixed(1) + '%)';
      const bar = document.createElement('div');
      bar.style.width = (100 * entry.wins / maxWins) + '%';
      const cell = row.insertCell();
      cell.className = 'bar';
      cell.appendChild(bar);
    }
    $('result').hidden = false;
  }

  function drawDistribution(distribution) {
    const svg = $('distribution');
    const ns = 'http://www.w3.org/2000/svg';
    svg.textContent = '';
    const width = 640, height = 200, axis = 20;
    const counts = distribution.counts;
    const maxCount = Math.max.apply(null, counts) || 1;
    const barWidth = width / counts.length;
    counts.forEach((count, i) => {
      const rect = document.createElementNS(ns, 'rect');
      const h = (height - axis) * count / maxCount;
      rect.setAttribute('x', String(i * barWidth));
      rect.setAttribute('y', String(height - axis - h));
      rect.setAttribute('width', String(Math.max(1, barWidth - 1)));
      rect.setAttribute('height', String(h));
      const title = document.createElementNS(ns, 'title');
      const from = distribution.min_total_time + i * distribution.bin_width;
      title.textContent = from.toFixed(1) + ' s: ' + count;
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    const last = distribution.min_total_time + counts.length * distribution.bin_width;
    [[0, distribution.min_total_time, 'start'], [width, last, 'end']].forEach(([x, value, anchor]) => {
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', String(x));
      label.setAttribute('y', String(height - 5));
      label.setAttribute('text-anchor', anchor);
      label.textContent = value.toFixed(1) + ' s';
      svg.appendChild(label);
    });
  }
})();
