// Pitgun live page (docs/live.md). No framework: one WebSocket subscription (/ws?subscribe=derived), state kept in
// bounded typed arrays, the DOM and the charts updated once per animation frame. Everything it loads comes from the
// gateway that served it.
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  /** Samples each strip chart keeps (per channel); the memory window. */
  const WINDOW = clampInt(params.get('window'), 8192, 256, 1 << 18);
  /** Channels with a ring of their own, at most (a frame carries at most 256, plus derived ones). */
  const MAX_CHANNELS = 512;
  /** Laps whose traces are kept for comparison (the best lap is never the one dropped). */
  const MAX_LAP_TRACES = 32;
  /** Samples a lap trace holds at most (about 5 minutes at 100 Hz). */
  const MAX_LAP_SAMPLES = 1 << 15;
  /** Sessions listed at most (the oldest quiet one goes first). */
  const MAX_SESSIONS = 64;
  /** Lap rows kept per session (the best lap's is never the one dropped). */
  const MAX_LAP_ROWS = 500;
  /** Gaps (disconnections) remembered per session. */
  const MAX_GAPS = 32;
  const DISTANCE_CHANNELS = ['Lap_Distance', 'lap_distance', 'LapDistance'];
  // sim.v1 names, then the F1 game's (f1-25.v1: Throttle, Brake), then lower-case ones.
  const DEFAULT_CHANNELS = ['Speed', 'Throttle_Position', 'Brake_Pedal', 'Power_kW', 'Throttle', 'Brake', 'speed',
    'throttle', 'brake'];
  const COMPARE_CHANNELS = ['Speed', 'Throttle_Position', 'Brake_Pedal', 'Engine_RPM', 'Gear', 'Power_kW',
    'Throttle', 'Brake', 'speed', 'throttle', 'brake', 'engine_rpm', 'gear'];
  const TOKEN_KEY = 'pitgun.token';
  const COLORS = ['#f55', '#5af', '#fc4', '#6d6', '#c8f', '#f9a', '#4dd', '#fa6'];

  const $ = (id) => document.getElementById(id);
  /** What the Content-Security-Policy (the gateway's own origin only) refused: should stay empty. */
  const policyViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    if (policyViolations.length < 100) policyViolations.push(e.violatedDirective + ' ' + e.blockedURI);
  });

  /** Units and which channels the dictionary has (the others are derived by the manifest). */
  const dictionary = { units: new Map(), loaded: false };
  const sessions = new Map();
  let selected = null;
  let socket = null;
  let reconnectMs = 500;
  /** When the last message came: what a disconnection cost starts after it. */
  let lastMessageMs = 0;
  /**
   * A disconnection not yet reported by a reconnection: {sinceMs: the last message received (or the connection's
   * opening), slow: the gateway's close said the page fell behind, reason: what its close said, or ''}.
   */
  let outage = null;
  /** What the status said at the last disconnection (it stays only until the page reconnects); null before any. */
  let lastDisconnection = null;
  let framesReceived = 0;
  let insightsReceived = 0;
  let dirty = false;
  let sessionsDirty = false;
  let channelsDirty = false;
  let lapsDirty = false;
  let compareDirty = false;
  let lastSessionLabelsMs = 0;
  let labelRefreshPending = false;
  const chosen = new Set();
  /** name → {plot, el, points, lastX}: one strip chart per chosen channel. */
  const charts = new Map();
  let comparePlot = null;
  let deltaPlot = null;
  let compareAuto = true;
  /** The laps and channel the person picked; what is drawn follows on the next render. */
  const compareRequest = { lapA: null, lapB: null, channel: null };
  /**
   * What the comparison view shows, set only by renderCompare so its laps and figures always belong together (a
   * reader never sees the new laps with the old delta).
   */
  const comparison = { lapA: null, lapB: null, channel: null, points: 0, finalDeltaS: null, lapTimeDiffS: null };

  function clampInt(text, fallback, min, max) {
    const n = parseInt(text, 10);
    return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
  }

  function formatLapTime(s) {
    if (s == null || !Number.isFinite(s)) return '–';
    const m = Math.floor(s / 60);
    const rest = s - m * 60;
    return m + ':' + (rest < 10 ? '0' : '') + rest.toFixed(3);
  }

  function formatDelta(s) {
    if (s == null || !Number.isFinite(s)) return '–';
    return (s >= 0 ? '+' : '−') + Math.abs(s).toFixed(3) + ' s';
  }

  // ---- Bounded storage -------------------------------------------------------------------------------------------

  /**
   * The last WINDOW samples of a session: one time column and one column per channel, each written twice (at i and
   * i + WINDOW), so the window is always one contiguous subarray and a chart gets it without a copy.
   */
  class Ring {
    constructor(capacity) {
      this.capacity = capacity;
      this.time = new Float64Array(capacity * 2);
      this.columns = new Map();
      this.write = 0;
      this.size = 0;
    }

    column(name) {
      let c = this.columns.get(name);
      if (c === undefined) {
        if (this.columns.size >= MAX_CHANNELS) return null;
        c = new Float64Array(this.capacity * 2).fill(NaN);
        this.columns.set(name, c);
      }
      return c;
    }

    push(t, samples) {
      const w = this.write;
      const w2 = w + this.capacity;
      this.time[w] = t;
      this.time[w2] = t;
      // A channel absent from this frame keeps its last value (a step): the F1 game sends its channels in packets
      // of their own (speed in car telemetry, distance in lap data), so most frames carry only some of them.
      const last = this.size === 0 ? -1 : (w + this.capacity - 1) % this.capacity;
      for (const [name, column] of this.columns) {
        const v = samples[name];
        const x = typeof v === 'number' ? v : (v === true ? 1 : (v === false ? 0 : (last < 0 ? NaN : column[last])));
        column[w] = x;
        column[w2] = x;
      }
      this.write = (w + 1) % this.capacity;
      if (this.size < this.capacity) this.size++;
    }

    /** The window [start, end) of the doubled arrays. */
    start() { return this.write + this.capacity - this.size; }
    end() { return this.write + this.capacity; }
  }

  /** One lap's samples against distance: what the comparison overlays. Grows by doubling, up to MAX_LAP_SAMPLES. */
  class LapTrace {
    constructor(lap, startUs) {
      this.lap = lap;
      this.startUs = startUs;
      this.n = 0;
      this.distance = new Float64Array(1024);
      this.time = new Float64Array(1024);
      this.channels = new Map();
      this.full = false;
    }

    add(timestampUs, distance, samples) {
      if (this.n === this.distance.length) {
        if (this.n >= MAX_LAP_SAMPLES) { this.full = true; return; }
        this.distance = grow(this.distance, Float64Array);
        this.time = grow(this.time, Float64Array);
        for (const [name, c] of this.channels) this.channels.set(name, grow(c, Float32Array));
      }
      const i = this.n;
      this.distance[i] = distance;
      this.time[i] = (timestampUs - this.startUs) / 1e6;
      for (const name of COMPARE_CHANNELS) {
        const v = samples[name];
        if (typeof v !== 'number') continue;
        let c = this.channels.get(name);
        if (c === undefined) {
          c = new Float32Array(this.distance.length).fill(NaN);
          this.channels.set(name, c);
        }
        c[i] = v;
      }
      this.n = i + 1;
    }

    /** Comparable: a flying lap (starts at or after the line) with enough samples. */
    comparable() { return this.n > 10 && this.distance[0] >= 0; }
  }

  function grow(array, Type) {
    const bigger = new Type(Math.min(array.length * 2, MAX_LAP_SAMPLES));
    if (Type === Float32Array) bigger.fill(NaN);
    bigger.set(array);
    return bigger;
  }

  function newSession(key, frame) {
    return {
      key, sessionId: frame.session_id, sourceId: frame.source_id ?? 0, playerId: frame.player_id,
      frames: 0, firstUs: frame.timestamp_us, lastUs: frame.timestamp_us, lap: null, sector: null,
      lapStartUs: frame.timestamp_us, laps: new Map(), seenAtMs: Date.now(),
      // Stretches of the session the page did not receive (disconnected): {fromUs, toUs, lap}; gapFromUs is set
      // at a disconnection and closed by the session's next frame.
      gaps: [], gapFromUs: null,
      // Only the selected session keeps samples (ring and lap traces).
      ring: null, traces: new Map(), trace: null, channelNames: new Set(),
    };
  }

  function sessionKey(sessionId, sourceId) { return sessionId + '/' + (sourceId ?? 0); }

  function session(frame) {
    const key = sessionKey(frame.session_id, frame.source_id);
    let s = sessions.get(key);
    if (s === undefined) {
      if (sessions.size >= MAX_SESSIONS) dropQuietestSession();
      s = newSession(key, frame);
      sessions.set(key, s);
      sessionsDirty = true;
      if (selected === null) select(key);
    }
    return s;
  }

  function dropQuietestSession() {
    let oldest = null;
    for (const s of sessions.values()) {
      if (s !== selected && (oldest === null || s.seenAtMs < oldest.seenAtMs)) oldest = s;
    }
    if (oldest !== null) sessions.delete(oldest.key);
  }

  // ---- Stream --------------------------------------------------------------------------------------------------

  function onFrame(frame) {
    framesReceived++;
    const s = session(frame);
    // The first frame after a disconnection: the frames in between were not received. The lap in progress has a
    // hole, so its trace is dropped (never compared), and a lap that began meanwhile was not seen to begin.
    const resumed = s.gapFromUs !== null;
    if (resumed) {
      s.gaps.push({ fromUs: s.gapFromUs, toUs: frame.timestamp_us, lap: s.lap });
      if (s.gaps.length > MAX_GAPS) s.gaps.shift();
      s.gapFromUs = null;
      if (s.trace !== null) { s.traces.delete(s.trace.lap); s.trace = null; }
      if (s === selected) { lapsDirty = true; compareDirty = true; }
    }
    s.frames++;
    s.lastUs = frame.timestamp_us;
    s.seenAtMs = Date.now();
    // lap_number and sector are optional per frame (the envelope schema): a frame without them is on the current lap
    // and sector, so only a number changes them.
    const lap = frame.lap_number ?? null;
    if (lap !== null && lap !== s.lap) {
      // A trace starts only where a lap is seen to begin: the first lap seen may have begun before the page did.
      const seenToBegin = s.lap !== null && !resumed;
      s.lap = lap;
      s.sector = null;
      s.lapStartUs = frame.timestamp_us;
      if (s === selected) {
        startTrace(s, seenToBegin ? lap : null, frame.timestamp_us);
        lapsDirty = true;
      }
    }
    if (frame.sector != null) s.sector = frame.sector;
    if (s !== selected) return;
    const samples = frame.samples || {};
    for (const name in samples) {
      if (!s.channelNames.has(name)) {
        s.channelNames.add(name);
        s.ring.column(name);
        channelsDirty = true;
        if (DEFAULT_CHANNELS.includes(name) && chosen.size < 4) chosen.add(name);
      }
    }
    s.ring.push((frame.timestamp_us - s.firstUs) / 1e6, samples);
    if (s.trace !== null) {
      // Only frames with something to compare: the F1 game sends distance (lap data) and speed (car telemetry) in
      // packets of their own, and its manifest puts the held distance on the telemetry frames.
      const d = distanceOf(samples);
      if (d !== null && hasCompareChannel(samples)) s.trace.add(frame.timestamp_us, d, samples);
    }
    dirty = true;
  }

  function hasCompareChannel(samples) {
    for (const name of COMPARE_CHANNELS) if (typeof samples[name] === 'number') return true;
    return false;
  }

  /** The points of a channel's chart that have a value (NaN ones are not drawn). */
  function drawnPoints(name) {
    const column = selected === null || selected.ring === null ? undefined : selected.ring.columns.get(name);
    if (column === undefined) return 0;
    let n = 0;
    for (let i = selected.ring.start(); i < selected.ring.end(); i++) if (Number.isFinite(column[i])) n++;
    return n;
  }

  function distanceOf(samples) {
    for (const name of DISTANCE_CHANNELS) {
      const v = samples[name];
      if (typeof v === 'number') return v;
    }
    return null;
  }

  function startTrace(s, lap, startUs) {
    if (lap === null) { s.trace = null; return; }
    s.trace = new LapTrace(lap, startUs);
    s.traces.set(lap, s.trace);
    if (s.traces.size > MAX_LAP_TRACES) {
      const best = bestLap(s);
      for (const old of s.traces.keys()) {
        if (old !== lap && (best === null || old !== best.lap)) { s.traces.delete(old); break; }
      }
    }
    compareDirty = true;
  }

  function onInsight(insight) {
    insightsReceived++;
    if (insight.kind !== 'lap_summary' || insight.lap_number == null) return;
    const key = sessionKey(insight.session_id, insight.source_id);
    const s = sessions.get(key);
    if (s === undefined) return;
    const w = insight.window || {};
    const channels = insight.channels || {};
    const speed = channels.Speed || channels.speed;
    const kinds = lapKinds(insight.lap_number, channels);
    s.laps.set(insight.lap_number, {
      lap: insight.lap_number,
      timeS: (w.end_timestamp_us - w.start_timestamp_us) / 1e6,
      frames: w.frame_count,
      maxSpeed: speed && typeof speed.max === 'number' ? speed.max : null,
      kinds,
      flying: kinds.length === 0,
    });
    if (s.laps.size > MAX_LAP_ROWS) dropOldestLapRow(s);
    if (s === selected) { lapsDirty = true; compareDirty = true; dirty = true; }
  }

  /**
   * What kind of lap a summary is, as its source says: the summary's max of `out_lap`, `in_lap` and `lap_invalid`
   * (0 or 1 per frame; the F1 game's manifest derives them from its lap data, docs/f1.md). A source that says
   * nothing (sim.v1) has its out-lap as lap 0.
   */
  function lapKinds(lap, channels) {
    const says = (name) => (channels[name] && typeof channels[name].max === 'number' ? channels[name].max >= 1 : null);
    const kinds = [];
    const out = says('out_lap');
    if (out === true || (out === null && lap === 0)) kinds.push('out');
    if (says('in_lap') === true) kinds.push('in');
    if (says('lap_invalid') === true) kinds.push('invalid');
    return kinds;
  }

  /** Drops the oldest lap row but the best lap's: a long race keeps its best lap in the table and the comparison. */
  function dropOldestLapRow(s) {
    const best = bestLap(s);
    for (const lap of s.laps.keys()) {
      if (best === null || lap !== best.lap) { s.laps.delete(lap); return; }
    }
  }

  function onMessage(event) {
    lastMessageMs = Date.now();
    let message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (message.type === 'derived_frame' && message.frame) onFrame(message.frame);
    else if (message.type === 'insight' && message.insight) onInsight(message.insight);
    schedule();
  }

  function connect() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    // Browsers cannot set headers on a WebSocket: the token travels as a subprotocol (docs/security.md), never
    // in the URL. The gateway selects "pitgun" and never echoes the token back.
    const protocols = token ? ['pitgun', 'pitgun.bearer.' + token] : ['pitgun'];
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    setStatus('connecting…', '');
    const ws = new WebSocket(scheme + location.host + '/ws?subscribe=derived', protocols);
    socket = ws;
    let openedMs = 0;
    ws.onopen = () => {
      reconnectMs = 500;
      openedMs = Date.now();
      if (outage === null) { setStatus('live', 'up'); return; }
      // The stream is live only: what the gateway sent while the page was away is not sent again.
      setStatus('live — reconnected ' + clock(openedMs) + (outage.slow ?
        '; the gateway had dropped the page as too slow: data it sent after ' :
        ' after a disconnection' + (outage.reason ? ' (' + outage.reason + ')' : '') +
        ': anything the gateway sent after ') + clock(outage.sinceMs) + ' was missed', 'warn');
      outage = null;
    };
    ws.onmessage = onMessage;
    ws.onclose = (e) => {
      if (socket !== ws) return;
      socket = null;
      if (openedMs > 0) {
        // The gateway closes a subscriber that fell behind with 1008 "subscriber too slow…" (docs/gateway.md), but
        // that close frame queues behind what the page has not read and may be cut off (1006): any disconnection
        // after being live may have lost data, and only the close says for sure that some was.
        const slow = e.code === 1008 && e.reason.startsWith('subscriber too slow');
        outage = { sinceMs: Math.max(lastMessageMs, openedMs), slow: slow || (outage !== null && outage.slow),
          reason: outage !== null && outage.reason ? outage.reason : e.reason };
        for (const s of sessions.values()) if (s.gapFromUs === null) s.gapFromUs = s.lastUs;
      }
      // Whatever the code, the gateway's close reason says why (1008 too slow or refused, 1011 an output too long
      // for the subscriber buffer, ...); before, only 1008's was shown. The page always retries, and says when.
      const hint = e.code === 1006 && !token ? ' (with --tokens-file: enter a token with subscribe)' :
        e.reason ? ' (' + e.code + ': ' + e.reason + ')' : e.code === 1008 ? ' (policy)' : '';
      lastDisconnection = 'disconnected' + hint + '; retrying in ' + reconnectMs / 1000 + ' s';
      setStatus(lastDisconnection, 'down');
      setTimeout(connect, reconnectMs);
      reconnectMs = Math.min(reconnectMs * 2, 10000);
    };
  }

  /** HH:MM:SS, local time. */
  function clock(ms) { return new Date(ms).toTimeString().slice(0, 8); }

  function setStatus(text, cls) {
    const el = $('status');
    el.textContent = text;
    el.className = 'status ' + cls;
  }

  // ---- Selection -----------------------------------------------------------------------------------------------

  function select(key) {
    const s = sessions.get(key);
    if (selected !== null && selected !== s) {
      selected.ring = null;
      selected.traces = new Map();
      selected.trace = null;
      selected.channelNames = new Set();
    }
    selected = s || null;
    if (selected !== null && selected.ring === null) {
      selected.ring = new Ring(WINDOW);
      selected.trace = null;
    }
    for (const c of charts.values()) c.plot.destroy();
    charts.clear();
    $('charts').textContent = '';
    chosen.clear();
    compareAuto = true;
    sessionsDirty = channelsDirty = lapsDirty = compareDirty = dirty = true;
    schedule();
  }

  /**
   * A lap is complete once the car is seen on a later one: a lap summary also comes when a session ends mid-lap,
   * and that lap's time is not a lap time.
   */
  function complete(s, lap) { return s.lap !== null && lap < s.lap; }

  /** The fastest complete flying lap: not an out-lap or in-lap, not invalid (lapKinds). */
  function bestLap(s) {
    let best = null;
    for (const row of s.laps.values()) {
      if (row.flying && complete(s, row.lap) && Number.isFinite(row.timeS) && (best === null || row.timeS < best.timeS)) {
        best = row;
      }
    }
    return best;
  }

  // ---- Rendering (once per animation frame) ---------------------------------------------------------------------

  let scheduled = false;
  function schedule() {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(render);
    }
  }

  function render() {
    scheduled = false;
    const now = Date.now();
    // Session labels (frame counts) at most twice a second; a late refresh is scheduled so the last one shows.
    if (sessionsDirty || now - lastSessionLabelsMs >= 500) {
      renderSessions();
      lastSessionLabelsMs = now;
    } else if (!labelRefreshPending) {
      labelRefreshPending = true;
      setTimeout(() => { labelRefreshPending = false; sessionsDirty = true; schedule(); }, 500);
    }
    if (channelsDirty) renderChannelChoices();
    if (selected !== null && dirty) {
      renderNow(selected);
      renderCharts(selected);
    }
    if (lapsDirty && selected !== null) renderLaps(selected);
    if (compareDirty && selected !== null) renderCompare(selected);
    dirty = false;
  }

  function renderSessions() {
    sessionsDirty = false;
    const el = $('session');
    if (sessions.size === 0) return;
    if (el.options.length === 1 && el.options[0].value === '') el.remove(0);
    const present = new Set();
    for (const o of el.options) present.add(o.value);
    for (const s of sessions.values()) {
      const label = s.sessionId.slice(0, 8) + '… source ' + s.sourceId + ' · lap ' + (s.lap ?? '–') + ' · ' +
        s.frames + ' frames';
      if (!present.has(s.key)) {
        const o = document.createElement('option');
        o.value = s.key;
        o.textContent = label;
        o.title = s.sessionId;
        el.appendChild(o);
      } else {
        for (const o of el.options) if (o.value === s.key && o.textContent !== label) o.textContent = label;
      }
    }
    for (let i = el.options.length - 1; i >= 0; i--) if (!sessions.has(el.options[i].value)) el.remove(i);
    if (selected !== null) el.value = selected.key;
  }

  function renderChannelChoices() {
    channelsDirty = false;
    const el = $('channels');
    el.textContent = '';
    if (selected === null) return;
    const names = [...selected.channelNames].sort();
    const fragment = document.createDocumentFragment();
    for (const name of names) {
      const label = document.createElement('label');
      const derived = dictionary.loaded && !dictionary.units.has(name);
      if (derived) label.className = 'derived';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = name;
      box.checked = chosen.has(name);
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + name + (derived ? ' (derived)' : '')));
      fragment.appendChild(label);
    }
    el.appendChild(fragment);
    dirty = true;
  }

  function renderNow(s) {
    $('current-lap').textContent = s.lap ?? '–';
    $('current-sector').textContent = s.sector ?? '–';
    $('current-lap-time').textContent = formatLapTime((s.lastUs - s.lapStartUs) / 1e6);
    $('frames').textContent = s.frames;
    let last = null;
    for (const row of s.laps.values()) if (complete(s, row.lap) && (last === null || row.lap > last.lap)) last = row;
    $('last-lap-time').textContent = last ? formatLapTime(last.timeS) : '–';
    const best = bestLap(s);
    $('best-lap-time').textContent = best ? formatLapTime(best.timeS) : '–';
  }

  function chartWidth(el) { return Math.max(300, (el.clientWidth || document.body.clientWidth) - 10); }

  function renderCharts(s) {
    for (const [name, chart] of charts) {
      if (!chosen.has(name)) { chart.plot.destroy(); chart.el.remove(); charts.delete(name); }
    }
    const ring = s.ring;
    const start = ring.start();
    const end = ring.end();
    const xs = ring.time.subarray(start, end);
    let i = 0;
    for (const name of chosen) {
      const column = ring.columns.get(name);
      if (column === undefined) continue;
      let chart = charts.get(name);
      if (chart === undefined) {
        const el = document.createElement('div');
        el.className = 'chart';
        el.dataset.channel = name;
        $('charts').appendChild(el);
        const unit = dictionary.units.get(name);
        const plot = new uPlot({
          width: chartWidth($('charts')), height: 130,
          scales: { x: { time: false } },
          cursor: { sync: { key: 'strip' } },
          legend: { live: true },
          series: [
            { label: 't (s)', value: (u, v) => (v == null ? '–' : v.toFixed(2)) },
            { label: name + (unit ? ' [' + unit + ']' : ''), stroke: COLORS[i % COLORS.length], width: 1,
              points: { show: false } },
          ],
          axes: [{ stroke: '#aaa', grid: { stroke: '#2a2f37' } }, { stroke: '#aaa', size: 60, grid: { stroke: '#2a2f37' } }],
        }, [xs, column.subarray(start, end)], el);
        chart = { plot, el, points: 0, lastX: null };
        charts.set(name, chart);
      } else {
        chart.plot.setData([xs, column.subarray(start, end)]);
      }
      chart.points = xs.length;
      chart.lastX = xs.length > 0 ? xs[xs.length - 1] : null;
      i++;
    }
  }

  function renderLaps(s) {
    lapsDirty = false;
    const body = $('laps').tBodies[0];
    const best = bestLap(s);
    const rows = [...s.laps.values()].sort((a, b) => a.lap - b.lap);
    const fragment = document.createDocumentFragment();
    let gap = 0;
    for (const row of rows) {
      // A gap goes before the lap in progress when it began: the summaries of the laps that ended in it were missed.
      while (gap < s.gaps.length && (s.gaps[gap].lap ?? -1) <= row.lap) fragment.appendChild(gapRow(s, s.gaps[gap++]));
      const tr = document.createElement('tr');
      tr.dataset.lap = row.lap;
      tr.dataset.timeS = row.timeS;
      tr.dataset.kinds = row.kinds.join(' ');
      if (best !== null && row.lap === best.lap) tr.className = 'best';
      else if (!row.flying) tr.className = 'not-flying';
      const cells = [row.lap + lapNote(s, row), formatLapTime(row.timeS),
        best !== null && row.flying && complete(s, row.lap) ? formatDelta(row.timeS - best.timeS) : '',
        row.frames, row.maxSpeed == null ? '' : row.maxSpeed.toFixed(1)];
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = c;
        tr.appendChild(td);
      }
      fragment.appendChild(tr);
    }
    while (gap < s.gaps.length) fragment.appendChild(gapRow(s, s.gaps[gap++]));
    body.textContent = '';
    body.appendChild(fragment);
  }

  /** A row saying which stretch of the session (t as on the strip charts) the page did not receive. */
  function gapRow(s, g) {
    const tr = document.createElement('tr');
    tr.className = 'gap';
    const td = document.createElement('td');
    td.colSpan = 5;
    td.textContent = 'not received (disconnected): t ' + ((g.fromUs - s.firstUs) / 1e6).toFixed(3) + '–' +
      ((g.toUs - s.firstUs) / 1e6).toFixed(3) + ' s';
    tr.appendChild(td);
    return tr;
  }

  /** " (out, invalid)", " (partial)" or nothing: what a lap's number is followed by in the table and the selects. */
  function lapNote(s, row) {
    const notes = row.kinds.slice();
    if (!complete(s, row.lap)) notes.push('partial');
    return notes.length === 0 ? '' : ' (' + notes.join(', ') + ')';
  }

  /** Laps with an insight (finished) and a trace from the line. */
  function comparableLaps(s) {
    const laps = [];
    for (const [lap, trace] of s.traces) {
      if (s.laps.has(lap) && complete(s, lap) && trace.comparable()) laps.push(lap);
    }
    return laps.sort((a, b) => a - b);
  }

  function fillSelect(el, values, value, label) {
    const wanted = values.map(String).join(',');
    if (el.dataset.values !== wanted) {
      el.textContent = '';
      for (const v of values) {
        const o = document.createElement('option');
        o.value = v;
        o.textContent = label(v);
        el.appendChild(o);
      }
      el.dataset.values = wanted;
    }
    if (value != null) el.value = String(value);
  }

  function renderCompare(s) {
    compareDirty = false;
    const laps = comparableLaps(s);
    const lapLabel = (lap) => {
      const row = s.laps.get(Number(lap));
      return lap + lapNote(s, row) + ' · ' + formatLapTime(row.timeS);
    };
    let a = compareRequest.lapA;
    let b = compareRequest.lapB;
    if (compareAuto || !laps.includes(a) || !laps.includes(b)) {
      // MoTeC's habit: the best lap as the reference, the latest one against it; flying laps only (a person may
      // still pick an out-lap or an invalid one through the selects).
      const flying = laps.filter((lap) => s.laps.get(lap).flying);
      const best = bestLap(s);
      a = best !== null && flying.includes(best.lap) ? best.lap : flying[0];
      b = flying.length > 0 ? flying[flying.length - 1] : undefined;
      if (a === b && flying.length > 1) b = flying.find((lap) => lap !== a);
    }
    fillSelect($('lap-a'), laps, a, lapLabel);
    fillSelect($('lap-b'), laps, b, lapLabel);
    const traceA = s.traces.get(a);
    const traceB = s.traces.get(b);
    const channels = traceA ? COMPARE_CHANNELS.filter((c) => traceA.channels.has(c)) : [];
    let channel = compareRequest.channel;
    if (!channels.includes(channel)) channel = channels[0];
    fillSelect($('compare-channel'), channels, channel, (c) => c);
    if (traceA === undefined || traceB === undefined || a === b || channel === undefined) {
      comparison.lapA = comparison.lapB = null;
      comparison.finalDeltaS = comparison.lapTimeDiffS = null;
      comparison.points = 0;
      $('compare-final-delta').textContent = '–';
      return;
    }
    const result = compareLaps(traceA, traceB, channel);
    comparison.lapA = a;
    comparison.lapB = b;
    comparison.channel = channel;
    comparison.points = result.n;
    comparison.finalDeltaS = result.n > 0 ? result.delta[result.n - 1] : null;
    comparison.lapTimeDiffS = s.laps.get(b).timeS - s.laps.get(a).timeS;
    $('compare-final-delta').textContent = formatDelta(comparison.finalDeltaS);
    const x = result.distance.subarray(0, result.n);
    const data = [x, result.valueA.subarray(0, result.n), result.valueB.subarray(0, result.n)];
    const deltaData = [x, result.delta.subarray(0, result.n)];
    const width = chartWidth($('compare-chart'));
    const unit = dictionary.units.get(channel);
    if (comparePlot !== null && comparePlot.series[1].label.startsWith(channel + ' ')) {
      comparePlot.series[1].label = channel + ' lap ' + a;
      comparePlot.setData(data);
      deltaPlot.setData(deltaData);
    } else {
      if (comparePlot !== null) { comparePlot.destroy(); deltaPlot.destroy(); }
      const sync = { key: 'compare' };
      comparePlot = new uPlot({
        width, height: 200, scales: { x: { time: false } }, cursor: { sync },
        series: [{ label: 'distance (m)' },
          { label: channel + ' lap A', stroke: '#f55', width: 1, points: { show: false } },
          { label: channel + ' lap B', stroke: '#5af', width: 1, points: { show: false } }],
        axes: [{ stroke: '#aaa', grid: { stroke: '#2a2f37' } },
          { stroke: '#aaa', size: 60, label: unit || '', grid: { stroke: '#2a2f37' } }],
      }, data, $('compare-chart'));
      deltaPlot = new uPlot({
        width, height: 170, cursor: { sync },
        scales: {
          x: { time: false },
          // Symmetric about zero, so ahead and behind read at a glance.
          y: { range: (u, min, max) => { const m = Math.max(Math.abs(min), Math.abs(max), 0.01) * 1.1; return [-m, m]; } },
        },
        series: [{ label: 'distance (m)' },
          { label: 'Δ time B − A (s)', stroke: '#fc4', width: 1.5, points: { show: false },
            value: (u, v) => (v == null ? '–' : v.toFixed(3)) }],
        axes: [{ stroke: '#aaa', grid: { stroke: '#2a2f37' } },
          { stroke: '#aaa', size: 60, label: 's', grid: { stroke: '#2a2f37' }, values: (u, ticks) => ticks.map((v) => v.toFixed(3)) }],
      }, deltaData, $('delta-chart'));
    }
  }

  /**
   * Lap B against lap A over lap distance, on A's samples within the distance both laps covered: B's elapsed time
   * and channel value at each of A's distances, linearly interpolated between B's two samples around it (distance
   * only grows within a lap, so one forward pass finds them). The delta is B's elapsed time minus A's at the same
   * distance: positive where B is behind. At the last common distance it is the lap-time difference, to within
   * a sample period at each end of the lap (where the first and last samples fall relative to the line).
   */
  function compareLaps(a, b, channel) {
    const n = a.n;
    const out = {
      n: 0, distance: new Float64Array(n), delta: new Float64Array(n),
      valueA: new Float64Array(n), valueB: new Float64Array(n),
    };
    const lo = Math.max(a.distance[0], b.distance[0]);
    const hi = Math.min(a.distance[a.n - 1], b.distance[b.n - 1]);
    const ca = a.channels.get(channel);
    const cb = b.channels.get(channel);
    let j = 0;
    for (let i = 0; i < n; i++) {
      const d = a.distance[i];
      if (d < lo || d > hi) continue;
      while (j < b.n - 2 && b.distance[j + 1] < d) j++;
      const d0 = b.distance[j];
      const d1 = b.distance[j + 1];
      const f = d1 > d0 ? Math.min(1, Math.max(0, (d - d0) / (d1 - d0))) : 0;
      const k = out.n++;
      out.distance[k] = d;
      out.delta[k] = b.time[j] + f * (b.time[j + 1] - b.time[j]) - a.time[i];
      out.valueA[k] = ca ? ca[i] : NaN;
      out.valueB[k] = cb ? cb[j] + f * (cb[j + 1] - cb[j]) : NaN;
    }
    return out;
  }

  // ---- Wiring ---------------------------------------------------------------------------------------------------

  $('window-size').textContent = WINDOW;
  $('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    const old = socket;
    socket = null;
    if (old !== null) old.close();
    connect();
  });
  $('session').addEventListener('change', (e) => select(e.target.value));
  $('channels').addEventListener('change', (e) => {
    if (e.target.type !== 'checkbox') return;
    if (e.target.checked) chosen.add(e.target.value); else chosen.delete(e.target.value);
    dirty = true;
    schedule();
  });
  const onCompareChange = () => {
    compareAuto = false;
    compareRequest.lapA = Number($('lap-a').value);
    compareRequest.lapB = Number($('lap-b').value);
    compareRequest.channel = $('compare-channel').value;
    compareDirty = true;
    schedule();
  };
  $('lap-a').addEventListener('change', onCompareChange);
  $('lap-b').addEventListener('change', onCompareChange);
  $('compare-channel').addEventListener('change', onCompareChange);
  window.addEventListener('resize', () => {
    for (const c of charts.values()) c.plot.setSize({ width: chartWidth($('charts')), height: 130 });
  });

  fetch('/dictionary').then((r) => r.json()).then((index) => {
    const href = index.dictionaries && index.dictionaries[0] && index.dictionaries[0].href;
    return href ? fetch(href).then((r) => r.json()) : null;
  }).then((doc) => {
    if (doc && doc.parameters) {
      for (const p of doc.parameters) dictionary.units.set(p.name, p.unit);
      dictionary.loaded = true;
      channelsDirty = true;
      schedule();
    }
  }).catch(() => { /* units are a nicety; the charts work without them */ });

  connect();

  /** For tests and the curious: read-only views of the page's state. */
  window.pitgunLive = {
    window: WINDOW,
    status: () => $('status').textContent,
    lastDisconnection: () => lastDisconnection,
    framesReceived: () => framesReceived,
    insightsReceived: () => insightsReceived,
    sessions: () => [...sessions.values()].map((s) => ({ key: s.key, sessionId: s.sessionId, sourceId: s.sourceId,
      frames: s.frames, lap: s.lap, sector: s.sector })),
    selected: () => (selected === null ? null : selected.key),
    select: (key) => select(key),
    charts: () => [...charts.entries()].map(([name, c]) => ({ name, points: c.points, lastX: c.lastX,
      drawn: drawnPoints(name) })),
    laps: () => (selected === null ? [] : [...selected.laps.values()]),
    bestLap: () => { const best = selected === null ? null : bestLap(selected); return best === null ? null : best.lap; },
    traces: () => (selected === null ? [] : [...selected.traces.values()].map((t) => ({ lap: t.lap, n: t.n,
      capacity: t.distance.length }))),
    ringSize: () => (selected === null || selected.ring === null ? 0 : selected.ring.size),
    comparison: () => ({ ...comparison }),
    policyViolations: () => policyViolations.slice(),
    gaps: () => (selected === null ? [] : selected.gaps.map((g) => ({ ...g }))),
  };
})();
