namespace EdgeMlOps.Edge.Component.Health;

/// <summary>
/// Minimal log to standard error (Greengrass captures a component's stderr into its log file; standard output
/// carries result lines outside Greengrass). Thread-safe.
/// </summary>
public sealed class ComponentLog(TextWriter writer, bool verbose = false)
{
    private readonly object _lock = new();

    public static ComponentLog StandardError(bool verbose = false) => new(Console.Error, verbose);

    public bool Verbose => verbose;

    public void Info(string message) => Write("INFO", message);

    public void Warn(string message) => Write("WARN", message);

    public void Error(string message) => Write("ERROR", message);

    public void Debug(string message)
    {
        if (verbose)
        {
            Write("DEBUG", message);
        }
    }

    private void Write(string level, string message)
    {
        lock (_lock)
        {
            writer.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {level} {message}");
            writer.Flush();
        }
    }
}
