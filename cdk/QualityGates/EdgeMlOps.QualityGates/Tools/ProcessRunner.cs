using System.Diagnostics;

namespace EdgeMlOps.QualityGates.Tools;

public readonly record struct ProcessOutput(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs an external tool to completion, capturing both streams (read concurrently so neither pipe fills).</summary>
public static class ProcessRunner
{
    /// <summary>
    /// How long a tool may run before it counts as hung. The tools here finish a bounded amount of work (one pass over
    /// the templates or ASL files), so this is no performance limit: a loaded machine is slow, not hung.
    /// </summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromHours(1);

    public static ProcessOutput Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(fileName)} did not finish within {timeout.TotalMinutes:0} min (hang guard)");
        }

        return new ProcessOutput(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
