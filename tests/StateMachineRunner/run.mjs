// Executes Amazon States Language definitions locally with aws-local-stepfunctions 3.0.0, for the C# harness
// (tests/EdgeMlOps.Testing, LocalStateMachine). One process serves many executions, concurrently.
//
// Protocol: one JSON object per line.
//   stdin  {"type":"run","run":<id>,"definition":{...},"input":<json>,"context":{...},"realWaits":false,"validate":true}
//          {"type":"answer","run":<id>,"call":<n>,"output":<json>}
//          {"type":"answer","run":<id>,"call":<n>,"error":"Name","cause":"text"}
//          {"type":"answer","run":<id>,"call":<n>,"abort":"why the harness gave up"}
//          {"type":"abort","run":<id>}
//   stdout {"type":"ready"}
//          {"type":"task","run":<id>,"call":<n>,"state":"Name","resource":"arn:...","parameters":<json>}
//          {"type":"done","run":<id>,"status":"SUCCEEDED|FAILED|TIMED_OUT|ABORTED","output":<json>,
//           "error":"...","cause":"...","events":[{"type":"StateEntered","state":"Name","stateType":"Task","index":0}, ...]}
// Every Task state (also inside Map and Parallel) is answered by C#: the Lambda, SDK or callback resource is never
// called from here. Wait states and Retry intervals take no time unless "realWaits" is true.

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

async function execute(request) {
  const { run: runId, definition, input, context, realWaits, validate } = request;
  const states = collectStates(definition);
  const taskResourceLocalHandlers = {};
  const waitTimeOverrides = {};
  const retryIntervalOverrides = {};
  let callCounter = 0;
  let harnessAbort = null;

  for (const [name, state] of states) {
    if (state.Type === 'Task') {
      taskResourceLocalHandlers[name] = parameters => {
        const call = ++callCounter;
        const { promise, resolve, reject } = Promise.withResolvers();
        pendingCalls.set(`${runId}/${call}`, { resolve, reject });
        send({ type: 'task', run: runId, call, state: name, resource: state.Resource, parameters: parameters ?? null });
        return promise;
      };
    }
    if (!realWaits && state.Type === 'Wait') waitTimeOverrides[name] = 0;
    if (!realWaits && Array.isArray(state.Retry)) retryIntervalOverrides[name] = 0;
  }

  const events = [];
  let execution;
  try {
    const key = `${validate !== false}:${JSON.stringify(definition)}`;
    let machine = machines.get(key);
    if (!machine) {
      machine = new StateMachine(definition, {
        validationOptions: validate === false ? { noValidate: true } : { checkPaths: true, checkArn: true },
      });
      machines.set(key, machine);
    }
    execution = machine.run(input ?? {}, {
      overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
      context: context ?? {},
    });
  } catch (err) {
    send({ type: 'done', run: runId, status: 'INVALID', error: 'States.InvalidDefinition', cause: String(err?.message ?? err), events });
    return;
  }

  runs.set(runId, {
    abort: reason => {
      harnessAbort = reason;
      execution.abort();
    },
  });

  const collectEvents = (async () => {
    for await (const event of execution.eventLogs) {
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
    if (harnessAbort !== null) {
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
  send({ type: 'done', run: runId, ...outcome, events });
}

function onAnswer(message) {
  const key = `${message.run}/${message.call}`;
  const pending = pendingCalls.get(key);
  if (!pending) return; // the run already ended (e.g. aborted)
  pendingCalls.delete(key);
  if (message.abort !== undefined) {
    runs.get(message.run)?.abort(message.abort);
    pending.reject(taskError('Harness.Aborted', message.abort));
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
