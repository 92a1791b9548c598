// JS glue for pitgun-solver.wasm (TeaVM, WebAssembly GC). Load after pitgun-solver.wasm-runtime.js,
// in a Web Worker (importScripts) or a page (<script>): solving is CPU-bound and blocks its thread.
//
//   const solver = await RaceStrategySolver.load('pitgun-solver.wasm');
//   const resultJson = solver.solve_strategy(JSON.stringify(request));
//
// Requests and results are risk-analysis-request/v1 and simulation-result/v1 JSON strings.
(function (scope) {
  'use strict';

  function failIfError(json) {
    if (json.length === 0 || json.indexOf('{\n  "error"') !== 0) {
      return json;
    }
    const error = JSON.parse(json).error;
    const where = error.pointer === '' ? '/' : error.pointer;
    const err = new Error(where + ': ' + error.message);
    err.pointer = error.pointer;
    throw err;
  }

  class RaceStrategySolver {
    /** Instantiates the WebAssembly module; resolves to a solver. */
    static async load(wasmUrl) {
      const teavm = await scope.TeaVM.wasmGC.load(wasmUrl || 'pitgun-solver.wasm');
      return new RaceStrategySolver(teavm.exports);
    }

    constructor(exports) {
      this.exports = exports;
    }

    /** Runs a whole request; returns the simulation-result/v1 JSON text or throws Error(pointer: message). */
    solve_strategy(requestJson) {
      return failIfError(this.exports.solveStrategy(requestJson));
    }

    /** Starts a chunked run (for progress reporting); returns the number of scenarios. */
    begin(requestJson) {
      failIfError(this.exports.begin(requestJson));
      return this.exports.scenariosCount();
    }

    /** Simulates up to maxScenarios more scenarios; returns how many are done. */
    run_chunk(maxScenarios) {
      return this.exports.runChunk(maxScenarios);
    }

    /** The result JSON text once every scenario is done. */
    finish() {
      return failIfError(this.exports.finish());
    }
  }

  scope.RaceStrategySolver = RaceStrategySolver;
})(self);
