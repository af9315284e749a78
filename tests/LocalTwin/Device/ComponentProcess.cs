using System.Diagnostics;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>
/// One lifecycle script run the way the nucleus runs it: <c>sh -c</c> in the component's work folder with the
/// component's environment, standard output and error appended to the component's log file.
/// </summary>
public sealed class ComponentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;

    private ComponentProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        _pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ComponentProcess Start(string script, string workingDirectory, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        Directory.CreateDirectory(workingDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var log = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        log.WriteLine($"--- {DateTimeOffset.UtcNow:O} sh -c {script}");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start: {script}");
        return new ComponentProcess(process, log);
    }

    /// <summary>Runs a short script (e.g. Shutdown) to completion within <paramref name="timeout"/>; returns its exit code, or null on timeout.</summary>
    public static async Task<int?> RunToEndAsync(string script, string workingDirectory, IReadOnlyDictionary<string, string> environment, string logFile, TimeSpan timeout)
    {
        await using var process = Start(script, workingDirectory, environment, logFile);
        return await process.WaitForExitAsync(timeout).ConfigureAwait(false) ? process.ExitCode : null;
    }

    /// <summary>Waits for the process to exit; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Ends the process tree at once (what the nucleus does once the Shutdown timeout has passed).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _pumps.ConfigureAwait(false);
        await _log.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }
}
