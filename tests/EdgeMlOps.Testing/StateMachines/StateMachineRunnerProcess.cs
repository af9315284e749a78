using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// The long-lived <c>node tests/StateMachineRunner/run.mjs</c> process that interprets ASL, shared by every run in
/// the test process (runs are multiplexed by id). Every Task call is sent back here over stdout; answers go in over
/// stdin, one JSON object per line. Started on first use, restarted if it died.
/// </summary>
internal sealed class StateMachineRunnerProcess
{
    private static readonly Lock s_sharedLock = new();
    private static StateMachineRunnerProcess? s_shared;

    private readonly Process _process;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, ActiveRun> _runs = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _stderr = new();
    private long _nextRunId;

    private StateMachineRunnerProcess()
    {
        var script = RepositoryRoot.Combine("tests", "StateMachineRunner", "run.mjs");
        NodeTool.ModuleFile("aws-local-stepfunctions", "package.json");
        _process = new Process { StartInfo = NodeTool.StartInfo(script, []) };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        try
        {
            _process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new StateMachineHarnessException(
                $"Cannot start '{NodeTool.Executable}' (Node.js 20+ must be on PATH, or set {NodeTool.NodeExecutableVariable}).", e);
        }

        _process.StandardInput.AutoFlush = true;
        _process.BeginErrorReadLine();
        _ = Task.Run(ReadLoopAsync);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    /// <summary>The shared process, started (or restarted) as needed.</summary>
    public static StateMachineRunnerProcess Shared
    {
        get
        {
            lock (s_sharedLock)
            {
                if (s_shared is null || s_shared._process.HasExited)
                {
                    s_shared = new StateMachineRunnerProcess();
                }

                return s_shared;
            }
        }
    }

    /// <summary>Runs one execution; <paramref name="onTask"/> answers each Task call with an "answer" message body.</summary>
    public async Task<JsonObject> RunAsync(
        JsonObject request,
        Func<TaskCall, CancellationToken, Task<JsonObject>> onTask,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new StateMachineHarnessException($"The state machine runner did not start within 30 s.\n{StandardError}", e);
        }

        var runId = Interlocked.Increment(ref _nextRunId);
        var run = new ActiveRun(onTask);
        _runs[runId] = run;
        try
        {
            request["type"] = "run";
            request["run"] = runId;
            await SendAsync(request).ConfigureAwait(false);
            try
            {
                return await run.Done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await SendAsync(new JsonObject { ["type"] = "abort", ["run"] = runId }).ConfigureAwait(false);
                throw new StateMachineHarnessException(
                    $"The execution did not finish within {timeout} (Scenario.Timeout). A Wait with RealWaits, or a handler that never returns?");
            }
        }
        finally
        {
            _runs.TryRemove(runId, out _);
        }
    }

    private async Task SendAsync(JsonObject message)
    {
        var line = message.ToJsonString();
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (ParseMessage(line) is not { } message)
                {
                    continue;
                }

                var type = message["type"]?.GetValue<string>();
                if (type == "ready")
                {
                    _ready.TrySetResult();
                    continue;
                }

                var runId = message["run"]?.GetValue<long>() ?? 0;
                if (!_runs.TryGetValue(runId, out var run))
                {
                    continue;
                }

                if (type == "done")
                {
                    run.Done.TrySetResult(message);
                }
                else if (type == "task")
                {
                    _ = AnswerAsync(runId, run, message);
                }
            }
        }
        catch (Exception e)
        {
            FailAll($"Reading from the state machine runner failed: {e.Message}");
            return;
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        FailAll($"The state machine runner (node) exited with code {_process.ExitCode}.");
    }

    // Anything on stdout that is not a protocol message (a stray console.log) is kept with stderr, not fatal.
    private JsonObject? ParseMessage(string line)
    {
        try
        {
            if (JsonNode.Parse(line) is JsonObject message)
            {
                return message;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        lock (_stderr)
        {
            _stderr.AppendLine(line);
        }

        return null;
    }

    private async Task AnswerAsync(long runId, ActiveRun run, JsonObject message)
    {
        var call = new TaskCall(
            message["state"]!.GetValue<string>(),
            message["resource"]?.GetValue<string>() ?? "",
            message["parameters"]?.DeepClone());
        JsonObject answer;
        try
        {
            answer = await run.OnTask(call, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            answer = new JsonObject { ["abort"] = $"Answering task state '{call.StateName}' failed: {e}" };
        }

        answer["type"] = "answer";
        answer["run"] = runId;
        answer["call"] = message["call"]!.DeepClone();
        await SendAsync(answer).ConfigureAwait(false);
    }

    private void FailAll(string reason)
    {
        _ready.TrySetException(new StateMachineHarnessException($"{reason}\n{StandardError}"));
        foreach (var run in _runs.Values)
        {
            run.Done.TrySetException(new StateMachineHarnessException($"{reason}\n{StandardError}"));
        }
    }

    private string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    private void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private sealed class ActiveRun(Func<TaskCall, CancellationToken, Task<JsonObject>> onTask)
    {
        public Func<TaskCall, CancellationToken, Task<JsonObject>> OnTask { get; } = onTask;

        public TaskCompletionSource<JsonObject> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
