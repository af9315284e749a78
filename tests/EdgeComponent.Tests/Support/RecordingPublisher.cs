using System.Text;
using System.Text.Json;
using EdgeMlOps.Edge.Component.Publishing;

namespace EdgeComponent.Tests.Support;

/// <summary>Keeps every published message (topic and JSON text) for assertions.</summary>
public sealed class RecordingPublisher : IResultPublisher
{
    private readonly List<(string Topic, string Json)> _messages = [];

    public IReadOnlyList<(string Topic, string Json)> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<JsonDocument> On(string topic) => Messages.Where(m => m.Topic == topic).Select(m => JsonDocument.Parse(m.Json)).ToList();

    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        lock (_messages)
        {
            _messages.Add((topic, Encoding.UTF8.GetString(payload.Span)));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edge-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until true; fails after <paramref name="seconds"/> (a hang guard, not a timing assertion).</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(25);
        }
    }
}
