using System.Globalization;
using System.Text;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Pipeline;

namespace EdgeMlOps.Edge.Component.Hosting;

/// <summary>Collects per-frame timings and renders the end-of-run summary (demo mode).</summary>
public sealed class RunSummary
{
    private readonly List<FrameTimings> _frames = [];
    private readonly object _lock = new();

    public void Add(FrameTimings timings)
    {
        lock (_lock)
        {
            _frames.Add(timings);
        }
    }

    public string Render(HealthSnapshot snapshot, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        FrameTimings[] frames;
        lock (_lock)
        {
            frames = [.. _frames];
        }

        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine("=== Edge inference component: run summary ===");
        text.AppendLine(culture, $"frames processed      {snapshot.FramesProcessed}");
        text.AppendLine(culture, $"frames skipped        {snapshot.FramesFailed}{(snapshot.FailuresByReason.Count > 0 ? " (" + string.Join(", ", snapshot.FailuresByReason.Select(f => $"{f.Key}: {f.Value}")) + ")" : string.Empty)}");
        text.AppendLine(culture, $"results published     {snapshot.ResultsPublished} (failures {snapshot.PublishFailures})");
        text.AppendLine(culture, $"detections            {snapshot.Detections}");
        text.AppendLine(culture, $"frames captured       {snapshot.FramesCaptured}");
        text.AppendLine(culture, $"wall time             {elapsed.TotalSeconds:F2} s, {(elapsed.TotalSeconds > 0 ? snapshot.FramesProcessed / elapsed.TotalSeconds : 0):F2} frames/s");
        if (frames.Length > 0)
        {
            text.AppendLine("stage latency (ms)    median      p95");
            Line(text, "decode", frames.Select(f => f.DecodeMs));
            Line(text, "pre-process", frames.Select(f => f.PreprocessMs));
            Line(text, "inference", frames.Select(f => f.InferenceMs));
            Line(text, "post-process", frames.Select(f => f.PostprocessMs));
            Line(text, "publish", frames.Select(f => f.PublishMs));
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string name, IEnumerable<double> values)
    {
        var p = HealthTracker.Percentiles(values.ToArray());
        text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-18}{p.P50,9:F3}{p.P95,9:F3}");
    }
}
