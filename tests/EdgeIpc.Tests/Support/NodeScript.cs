using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace EdgeIpc.Tests.Support;

/// <summary>Runs a Node script from tests/EdgeIpc.Tests/js and reads the JSON line it prints per step.</summary>
internal sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    private readonly System.Text.StringBuilder _stderr = new();

    private NodeScript(Process process)
    {
        _process = process;
    }

    public static NodeScript Start(string script, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.TestScript(script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var runner = new NodeScript(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                runner._lines.Writer.TryComplete();
            }
            else if (e.Data.StartsWith('{'))
            {
                runner._lines.Writer.TryWrite(JsonDocument.Parse(e.Data).RootElement.Clone());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (runner._stderr)
            {
                runner._stderr.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runner;
    }

    /// <summary>The next step line the script printed; fails with the script's stderr when it exits first.</summary>
    public async Task<JsonElement> NextStepAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(cts.Token);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            throw new InvalidOperationException($"The Node script printed no further step ({ex.GetType().Name}). stderr:\n{StandardError}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
