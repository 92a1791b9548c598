// Web Worker running the solver off the page's thread.
// In:  { id, requestJson, chunkScenarios? }
// Out: { id, type: 'progress', done, total } per chunk, then
//      { id, type: 'result', resultJson, solveMs } or { id, type: 'error', message }.
'use strict';
importScripts('pitgun-solver.wasm-runtime.js', 'pitgun-solver.js');

const DEFAULT_CHUNK_SCENARIOS = 500;
const solverReady = RaceStrategySolver.load('pitgun-solver.wasm');

self.onmessage = async (event) => {
  const { id, requestJson, chunkScenarios } = event.data;
  try {
    const solver = await solverReady;
    const started = performance.now();
    const total = solver.begin(requestJson);
    const chunk = chunkScenarios || DEFAULT_CHUNK_SCENARIOS;
    let done = 0;
    while (done < total) {
      done = solver.run_chunk(chunk);
      self.postMessage({ id, type: 'progress', done, total });
    }
    const resultJson = solver.finish();
    self.postMessage({ id, type: 'result', resultJson, solveMs: performance.now() - started });
  } catch (err) {
    self.postMessage({ id, type: 'error', message: String((err && err.message) || err) });
  }
};
