// Executes Amazon States Language definitions locally with aws-local-stepfunctions 3.0.0, for the C# harness
// (tests/EdgeMlOps.Testing, LocalStateMachine). One process serves many executions, concurrently.
//
// Protocol: one JSON object per line.
//   stdin  {"type":"run","run":<id>,"definition":{...},"input":<json>,"context":{...},"realWaits":false,"validate":true,
//           "express":false,"limits":{"historyEvents":25000,"payloadBytes":262144,"expressSeconds":300}}
//          {"type":"answer","run":<id>,"call":<n>,"output":<json>}
//          {"type":"answer","run":<id>,"call":<n>,"error":"Name","cause":"text"}
//          {"type":"answer","run":<id>,"call":<n>,"abort":"why the harness gave up"}
//          {"type":"answer","run":<id>,"call":<n>,"quota":{"error":"States.DataLimitExceeded","cause":"..."}}
//          {"type":"abort","run":<id>}
//   stdout {"type":"ready"}
//          {"type":"task","run":<id>,"call":<n>,"state":"Name","resource":"arn:...","parameters":<json>}
//          {"type":"done","run":<id>,"status":"SUCCEEDED|FAILED|TIMED_OUT|ABORTED","output":<json>,
//           "error":"...","cause":"...","events":[{"type":"StateEntered","state":"Name","stateType":"Task","index":0}, ...],
//           "quota":{"historyEvents":N,"maxPayloadBytes":M,"maxPayloadAt":"where","simulatedSeconds":S,"mapConcurrency":{"Map":peak}}}
// Every Task state (also inside Map and Parallel) is answered by C#: the Lambda, SDK or callback resource is never
// called from here. Wait states and Retry intervals take no time unless "realWaits" is true.
//
// Service quotas (see tests/EdgeMlOps.Testing/README.md, "Quotas"): every run counts its history events the way Step
// Functions records them and fails a Standard execution at the 25,000-event limit; every state input and output,
// Task parameters and result, Map iteration input and the execution input/output is measured in UTF-8 bytes and a
// value above 262,144 bytes fails the execution with States.DataLimitExceeded, which no Catch sees (the run is
// aborted, exactly as the service ends the execution). An Express run ("express": true) has no history limit but
// fails with States.Timeout after 5 minutes of simulated time (real time plus the waits and retry intervals skipped).

// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers, which Node 20 lacks; define it before the import.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const { StateMachine, ExecutionError, ExecutionTimeoutError, ExecutionAbortedError } = await import('aws-local-stepfunctions');
const readline = await import('node:readline');

// Quotas must be enforced while the execution runs, not when its event log is read (the log is consumed
// asynchronously and lags behind). So every execution's event logger is watched synchronously: the root execution's
// own events, and the state events of Map iterations and Parallel branches (their start/end are counted from the
// forwarded MapIteration* events). The hook travels in the run options, which nested executions inherit.
let nextRunIsNested = false;
const originalRun = StateMachine.prototype.run;
StateMachine.prototype.run = function run(input, options) {
  const previous = nextRunIsNested;
  nextRunIsNested = Boolean(options?._rootAbortSignal);
  try {
    return originalRun.call(this, input, options);
  } finally {
    nextRunIsNested = previous;
  }
};
const originalExecute = StateMachine.prototype.execute;
StateMachine.prototype.execute = function execute(input, options, cleanupFn) {
  const hook = options?.runOptions?.quotaHook;
  if (hook) watchEvents(options.eventLogger, hook, nextRunIsNested);
  return originalExecute.call(this, input, options, cleanupFn);
};

function watchEvents(logger, hook, nested) {
  let forwarding = 0;
  const dispatch = logger.dispatch.bind(logger);
  logger.dispatch = event => {
    if (forwarding === 0 && !(nested && event.type.startsWith('Execution'))) hook(event);
    dispatch(event);
  };
  for (const name of ['forwardNestedMapEvent', 'forwardNestedParallelEvent']) {
    const forward = logger[name].bind(logger);
    logger[name] = (...args) => {
      forwarding++;
      try {
        forward(...args);
      } finally {
        forwarding--;
      }
    };
  }
}

const pendingCalls = new Map(); // "<run>/<call>" -> { resolve, reject }
// Validating a definition (asl-validator) costs ~350 ms; runs of one StateMachine are independent, so reuse it.
const machines = new Map(); // definition JSON text + validate flag -> StateMachine
const runs = new Map(); // run id -> { abort, harnessAbort }

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

/** Every state of a definition and of its Map item processors and Parallel branches, by name. */
function collectStates(definition, into = new Map()) {
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    into.set(name, state);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) collectStates(processor, into);
    for (const branch of state.Branches ?? []) collectStates(branch, into);
  }
  return into;
}

/** An error the interpreter matches against Retry/Catch by its name, with the message as Cause. */
function taskError(name, cause) {
  const error = new Error(cause ?? '');
  error.name = name;
  return error;
}


// A DISTRIBUTED Map is run by the C# harness (child executions, item readers); the definition it sends holds a Task
// with this resource in its place (LocalStateMachine, DistributedMap.cs).
const DISTRIBUTED_MAP_RESOURCE = 'arn:aws:states:::harness:distributedMap';
const DEFAULT_LIMITS = { historyEvents: 25000, payloadBytes: 262144, expressSeconds: 300 };

/** UTF-8 size of a value as Step Functions measures state data (its JSON text). */
function payloadBytes(value) {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

/** A value of a simple reference path ($.a.b[0]) in a document; undefined if absent. */
function readPath(document, path) {
  if (typeof path !== 'string' || !path.startsWith('$')) return undefined;
  let current = document;
  for (const part of path.slice(1).split(/\.|\[(\d+)\]/).filter(p => p !== undefined && p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[part];
  }
  return current;
}

/** Seconds a Wait state would wait for this input (what the harness skips). */
function waitSeconds(state, input) {
  if (typeof state.Seconds === 'number') return state.Seconds;
  if (state.SecondsPath) return Number(readPath(input, state.SecondsPath)) || 0;
  const timestamp = state.Timestamp ?? (state.TimestampPath ? readPath(input, state.TimestampPath) : undefined);
  if (timestamp) return Math.max(0, (Date.parse(timestamp) - Date.now()) / 1000);
  return 0;
}

/** Seconds before retry attempt n (1-based) of a retrier, as the service computes them (before jitter). */
function retrySeconds(retrier, attempt) {
  const interval = retrier?.IntervalSeconds ?? 1;
  const backoff = retrier?.BackoffRate ?? 2;
  const seconds = interval * Math.pow(backoff, Math.max(0, attempt - 1));
  return retrier?.MaxDelaySeconds ? Math.min(seconds, retrier.MaxDelaySeconds) : seconds;
}

/** History events a Task records per attempt: scheduled + started (+ submitted for .sync and callback tasks). */
function taskStartEvents(resource) {
  if (typeof resource === 'string' && resource.startsWith(DISTRIBUTED_MAP_RESOURCE)) return 2; // MapStateStarted, MapRunStarted
  return /\.(sync(:\d+)?|waitForTaskToken)$/.test(resource ?? '') ? 3 : 2;
}

/** Per-run bookkeeping of the service quotas. */
class QuotaMeter {
  constructor(limits, express, onExceeded) {
    this.limits = { ...DEFAULT_LIMITS, ...(limits ?? {}) };
    this.express = express === true;
    this.onExceeded = onExceeded;
    this.historyEvents = 0;
    this.maxPayloadBytes = 0;
    this.maxPayloadAt = null;
    this.skippedSeconds = 0;
    this.startedAt = Date.now();
    this.activeIterations = new Map(); // Map state name -> running iterations
    this.mapConcurrency = {}; // Map state name -> peak running iterations
    this.failure = null;
  }

  get simulatedSeconds() {
    return (Date.now() - this.startedAt) / 1000 + this.skippedSeconds;
  }

  addEvents(count) {
    if (this.failure) return;
    this.historyEvents += count;
    if (!this.express && this.historyEvents > this.limits.historyEvents) {
      this.fail('States.HistoryLimitExceeded',
        `The execution history reached ${this.historyEvents} events, above the Standard workflow quota of ${this.limits.historyEvents} events; the service fails the execution.`);
    }
  }

  measure(value, where) {
    if (this.failure) return 0;
    const bytes = payloadBytes(value);
    if (bytes > this.maxPayloadBytes) {
      this.maxPayloadBytes = bytes;
      this.maxPayloadAt = where;
    }
    if (bytes > this.limits.payloadBytes) {
      this.fail('States.DataLimitExceeded',
        `${where} is ${bytes} bytes, above the maximum of ${this.limits.payloadBytes} bytes (256 KiB, UTF-8) for state input, output, task parameters and results.`);
    }
    return bytes;
  }

  skip(seconds, where) {
    this.skippedSeconds += seconds;
    this.checkDuration(where);
  }

  checkDuration(where) {
    if (this.express && this.simulatedSeconds > this.limits.expressSeconds) {
      this.fail('States.Timeout',
        `The Express execution ran ${Math.round(this.simulatedSeconds)} s of simulated time (at ${where}), above the ${this.limits.expressSeconds} s maximum duration of an Express workflow.`,
        'TIMED_OUT');
    }
  }

  iteration(mapState, delta) {
    const running = (this.activeIterations.get(mapState) ?? 0) + delta;
    this.activeIterations.set(mapState, running);
    if (running > (this.mapConcurrency[mapState] ?? 0)) this.mapConcurrency[mapState] = running;
  }

  fail(error, cause, status = 'FAILED') {
    if (this.failure) return;
    this.failure = { status, error, cause };
    this.onExceeded(this.failure);
  }

  report() {
    return {
      historyEvents: this.historyEvents,
      maxPayloadBytes: this.maxPayloadBytes,
      maxPayloadAt: this.maxPayloadAt,
      simulatedSeconds: Math.round(this.simulatedSeconds * 1000) / 1000,
      mapConcurrency: this.mapConcurrency,
    };
  }

  /**
   * Counts one interpreter event as the history events Step Functions records for it, and measures its data.
   * "sync" events come from the watched loggers as they happen; "log" events from the execution's event log, of
   * which only the MapIteration* ones (forwarded from nested executions) are counted here.
   */
  onEvent(event, states, source) {
    if (this.failure) return;
    const iterationEvent = event.type.startsWith('MapIteration');
    if ((source === 'log') !== iterationEvent) return;
    const where = event.state ? `${event.state.type} state '${event.state.name}'` : 'the execution';
    switch (event.type) {
      case 'ExecutionStarted':
        this.addEvents(1);
        this.measure(event.input, 'The execution input');
        break;
      case 'ExecutionSucceeded':
        this.addEvents(1);
        this.measure(event.output, 'The execution output');
        break;
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        this.addEvents(1);
        break;
      case 'StateEntered': {
        // <Type>StateEntered; a Map or Parallel also records <Type>StateStarted. Task attempts are counted per call.
        const type = event.state.type;
        this.addEvents(type === 'Map' || type === 'Parallel' ? 2 : 1);
        this.measure(event.state.input, `The input of ${where}`);
        if (type === 'Wait') {
          const definition = states.get(event.state.name);
          if (definition) this.skip(waitSeconds(definition, event.state.input), where);
        }
        break;
      }
      case 'StateExited': {
        // <Type>StateExited; a Map or Parallel also records <Type>StateSucceeded.
        const type = event.state.type;
        this.addEvents(type === 'Map' || type === 'Parallel' ? 2 : 1);
        this.measure(event.state.output, `The output of ${where}`);
        break;
      }
      case 'StateFailed':
        // A failed Map or Parallel records <Type>StateFailed; a Task's TaskFailed is counted with its call.
        if (event.state.type === 'Map' || event.state.type === 'Parallel') this.addEvents(1);
        break;
      case 'StateRetried':
        this.skip(retrySeconds(event.retry?.retrier, event.retry?.attempt ?? 1), where);
        break;
      case 'MapIterationStarted':
        this.addEvents(1);
        this.iteration(event.parentState.name, 1);
        this.measure(event.input, `Item ${event.index} of Map state '${event.parentState.name}'`);
        break;
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.addEvents(1);
        this.iteration(event.parentState.name, -1);
        break;
      default:
        break; // Parallel branches and catches record no event of their own.
    }
    this.checkDuration(where);
  }
}

async function execute(request) {
  const { run: runId, definition, input, context, realWaits, validate, express, limits } = request;
  const states = collectStates(definition);
  const taskResourceLocalHandlers = {};
  const waitTimeOverrides = {};
  const retryIntervalOverrides = {};
  let callCounter = 0;
  let harnessAbort = null;
  let execution;
  // A quota failure ends the execution at once, as the service does: no Retry or Catch of the state sees it.
  const quota = new QuotaMeter(limits, express, () => execution?.abort());

  for (const [name, state] of states) {
    if (state.Type === 'Task') {
      taskResourceLocalHandlers[name] = parameters => {
        const call = ++callCounter;
        const { promise, resolve, reject } = Promise.withResolvers();
        const never = new Promise(() => {}); // the aborted execution never sees this call end
        if (quota.failure) return never;
        quota.addEvents(taskStartEvents(state.Resource));
        quota.measure(parameters, `The parameters of Task state '${name}'`);
        if (quota.failure) return never;
        const isMapRun = state.Resource?.startsWith(DISTRIBUTED_MAP_RESOURCE) === true;
        pendingCalls.set(`${runId}/${call}`, {
          resolve: result => {
            quota.addEvents(isMapRun ? 2 : 1); // TaskSucceeded (MapRunSucceeded, MapStateSucceeded)
            quota.measure(result, `The result of Task state '${name}'`);
            if (!quota.failure) resolve(result);
          },
          reject: error => {
            quota.addEvents(isMapRun ? 2 : 1); // TaskFailed (MapRunFailed, MapStateFailed)
            if (!quota.failure) reject(error);
          },
        });
        send({ type: 'task', run: runId, call, state: name, resource: state.Resource, parameters: parameters ?? null });
        return promise;
      };
    }
    if (!realWaits && state.Type === 'Wait') waitTimeOverrides[name] = 0;
    if (!realWaits && Array.isArray(state.Retry)) retryIntervalOverrides[name] = 0;
  }

  const events = [];
  if (express === true) {
    const waiting = [...states].filter(([, state]) => /\.(sync(:\d+)?|waitForTaskToken)$/.test(state.Resource ?? ''));
    if (waiting.length > 0) {
      send({ type: 'done', run: runId, status: 'INVALID', error: 'States.InvalidDefinition', events,
        cause: `Express workflows do not support the .sync and .waitForTaskToken integration patterns (state ${waiting.map(([n]) => `'${n}'`).join(', ')}).` });
      return;
    }
  }
  try {
    const key = `${validate !== false}:${JSON.stringify(definition)}`;
    let machine = machines.get(key);
    if (!machine) {
      machine = new StateMachine(definition, {
        validationOptions: validate === false ? { noValidate: true } : { checkPaths: true, checkArn: true },
      });
      machines.set(key, machine);
    }
    // $$.State (Name, EnteredTime): the interpreter has none, and copies the context object shallowly, so the one
    // State object given here is what every state sees; it is updated as each state is entered, on the simulated
    // clock (skipped waits and retry intervals count, as they would in the service).
    const stateContext = {};
    execution = machine.run(input ?? {}, {
      overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
      context: { ...(context ?? {}), State: stateContext },
      quotaHook: event => {
        if (event.type === 'StateEntered' && event.state) {
          stateContext.Name = event.state.name;
          stateContext.EnteredTime = new Date(quota.startedAt + quota.simulatedSeconds * 1000).toISOString();
        }
        quota.onEvent(event, states, 'sync');
      },
    });
    if (quota.failure) execution.abort(); // e.g. the input itself, measured before run() returned
  } catch (err) {
    send({ type: 'done', run: runId, status: 'INVALID', error: 'States.InvalidDefinition', cause: String(err?.message ?? err), events });
    return;
  }

  runs.set(runId, {
    abort: reason => {
      harnessAbort = reason;
      execution.abort();
    },
    quotaFail: (error, cause) => quota.fail(error, cause),
  });

  const collectEvents = (async () => {
    for await (const event of execution.eventLogs) {
      quota.onEvent(event, states, 'log');
      const entry = { type: event.type };
      if (event.state) {
        entry.state = event.state.name;
        entry.stateType = event.state.type;
      }
      if (event.parentState) entry.parent = event.parentState.name;
      if (event.index !== undefined) entry.index = event.index;
      if (event.Error !== undefined) entry.error = event.Error;
      if (event.Cause !== undefined) entry.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
      if (event.retry) entry.attempt = event.retry.attempt;
      events.push(entry);
    }
  })();

  let outcome;
  try {
    const output = await execution.result;
    outcome = { status: 'SUCCEEDED', output: output ?? null };
  } catch (err) {
    if (quota.failure) {
      outcome = { status: quota.failure.status, error: quota.failure.error, cause: quota.failure.cause };
    } else if (harnessAbort !== null) {
      outcome = { status: 'HARNESS_ERROR', error: 'Harness', cause: harnessAbort };
    } else if (err instanceof ExecutionTimeoutError) {
      outcome = { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds.' };
    } else if (err instanceof ExecutionAbortedError) {
      outcome = { status: 'ABORTED' };
    } else if (err instanceof ExecutionError) {
      const failure = err.cause ?? err;
      const cause = failure.cause ?? failure.message;
      outcome = { status: 'FAILED', error: failure.name, cause: typeof cause === 'string' ? cause : JSON.stringify(cause) };
    } else {
      outcome = { status: 'FAILED', error: err?.name ?? 'Error', cause: String(err?.message ?? err) };
    }
  }
  await collectEvents;
  runs.delete(runId);
  for (const key of [...pendingCalls.keys()].filter(k => k.startsWith(`${runId}/`))) pendingCalls.delete(key);
  if (quota.failure) outcome = { status: quota.failure.status, error: quota.failure.error, cause: quota.failure.cause };
  send({ type: 'done', run: runId, ...outcome, events, quota: quota.report() });
}

function onAnswer(message) {
  const key = `${message.run}/${message.call}`;
  const pending = pendingCalls.get(key);
  if (!pending) return; // the run already ended (e.g. aborted)
  pendingCalls.delete(key);
  if (message.abort !== undefined) {
    runs.get(message.run)?.abort(message.abort);
    pending.reject(taskError('Harness.Aborted', message.abort));
  } else if (message.quota !== undefined) {
    // A quota the C# side measured (a Distributed Map item): the execution fails, no Catch sees it.
    runs.get(message.run)?.quotaFail(message.quota.error, message.quota.cause);
  } else if (message.error !== undefined) {
    pending.reject(taskError(message.error, message.cause));
  } else {
    pending.resolve(message.output ?? null);
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', line => {
  if (!line.trim()) return;
  let message;
  try {
    message = JSON.parse(line);
  } catch (err) {
    process.stderr.write(`run.mjs: ignoring a line that is not JSON: ${err.message}\n`);
    return;
  }
  if (message.type === 'run') {
    execute(message).catch(err => {
      send({ type: 'done', run: message.run, status: 'HARNESS_ERROR', error: 'Harness', cause: String(err?.stack ?? err), events: [] });
    });
  } else if (message.type === 'answer') {
    onAnswer(message);
  } else if (message.type === 'abort') {
    runs.get(message.run)?.abort('aborted by the harness (Scenario.Timeout)');
  }
});
// The parent closing stdin means it is done with us (or died): leave, so no process stays behind.
lines.on('close', () => process.exit(0));
send({ type: 'ready' });
