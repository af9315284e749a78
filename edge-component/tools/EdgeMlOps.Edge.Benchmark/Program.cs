using System.Diagnostics;
using System.Globalization;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Frames;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Pipeline;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Inference.Imaging;
using EdgeMlOps.Edge.Inference.Inference;
using EdgeMlOps.Edge.Inference.Runtime;
using EdgeMlOps.Edge.ModelGen.Models;

namespace EdgeMlOps.Edge.Benchmark;

/// <summary>
/// Usage: EdgeMlOps.Edge.Benchmark [--frames N] [--bare-frames N] [--soak N] [--threads 1,2] [--images DIR]
/// [--model FILE] [--onnxruntime LIB] [--spinning] [--acceptance K] [--shadow-frames N] [--shadow-every K] [--shadow-only] [--soak-only] [--drift]
/// --drift measures only the drift statistics per frame (DriftMonitor.Record) at 450×300 and 1920×1080 and their
/// share of the frame time, bounded by the bare inference time (every frame costs at least that).
/// <para>
/// Honest overhead: the denominator is bare inference (one pre-processed frame, no decoding competing) at its
/// fastest intra-op thread setting, measured in the same run, before and after the pipeline runs; the numerator is
/// the pipeline's wall time per frame at its own fastest setting. Thread settings are measured alternately so a
/// change of machine load hits all of them alike.
/// </para>
/// <para>
/// <c>--acceptance K</c> measures only the on-device acceptance check at model load on a set of K images
/// (<see cref="AcceptanceBenchmark"/>).
/// </para>
/// </summary>
public static class Program
{
    private const int Warmup = 30;

    public static async Task<int> Main(string[] args)
    {
        var root = FindRepositoryRoot();
        var frames = 200;
        var bareFrames = 100;
        var soak = 0;
        var images = Path.Combine(root, "tests", "data", "dataset", "images");
        string? model = null;
        string? library = null;
        var threads = Enumerable.Range(1, Environment.ProcessorCount).ToList();
        var spinning = false;
        var soakOnly = false;
        var shadowFrames = 0;
        var shadowEvery = EdgeMlOps.Contracts.ShadowEvaluation.Defaults.SampleEvery;
        var shadowOnly = false;
        var acceptance = 0;
        var driftOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--frames": frames = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--bare-frames": bareFrames = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--soak": soak = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = args[++i].Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList(); break;
                case "--images": images = args[++i]; break;
                case "--model": model = args[++i]; break;
                case "--onnxruntime": library = args[++i]; break;
                case "--spinning": spinning = true; break;
                case "--soak-only": soakOnly = true; break;
                case "--shadow-frames": shadowFrames = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--shadow-every": shadowEvery = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--shadow-only": shadowOnly = true; break;
                case "--acceptance": acceptance = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--drift": driftOnly = true; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: --frames N --bare-frames N --soak N --threads 1,2 --images DIR --model FILE --onnxruntime LIB --spinning --acceptance K --shadow-frames N --shadow-every K --shadow-only --soak-only --drift");
                    return 2;
            }
        }

        model ??= ModelFiles.Write(Path.Combine(Path.GetTempPath(), "edge-benchmark-models"), ModelFiles.Yolov8n, () => new Yolov8nModelBuilder().Build());
        var runtime = OnnxRuntimeEnvironment.Load(library);
        if (acceptance > 0)
        {
            return AcceptanceBenchmark.Run(runtime, model, images, acceptance);
        }

        var detectors = threads.ToDictionary(t => t, t => DetectionModel.Load(runtime, model, new DetectionModelOptions { IntraOpThreads = t, AllowSpinning = spinning }));
        var first = detectors[threads[0]];
        Console.WriteLine($"Edge inference benchmark ({runtime.Description}): model {Path.GetFileName(model)} ({first.InputWidth}x{first.InputHeight}, " +
            $"{first.ClassCount} classes), {FolderReplaySource.ListImages(images, recursive: true).Count} images from {images}");
        Console.WriteLine($"{Environment.ProcessorCount} logical CPUs; intra-op threads {string.Join(", ", threads)}; spinning {(spinning ? "on" : "off")}; " +
            $"{bareFrames} bare frames x 2 rounds, {frames} pipeline frames per run after {Warmup} warm-up");
        Console.WriteLine($"load average at start: {LoadAverage()}");
        if (shadowOnly)
        {
            await ShadowAsync(runtime, detectors[threads[^1]], model, threads[^1], spinning, images, Math.Max(shadowFrames, 200), shadowEvery);
            Console.WriteLine($"load average at end: {LoadAverage()}");
            return 0;
        }

        if (soakOnly)
        {
            // Memory only (e.g. while investigating RSS growth): the soak at the first thread setting, no timing table.
            await SoakAsync(detectors[threads[0]], threads[0], images, soak);
            return 0;
        }

        if (driftOnly)
        {
            DriftCost(detectors, images, bareFrames);
            foreach (var detector in detectors.Values)
            {
                detector.Dispose();
            }

            return 0;
        }

        var bare = threads.ToDictionary(t => t, _ => new List<double>());
        foreach (var t in threads)
        {
            bare[t].AddRange(Bare(detectors[t], images, bareFrames));
        }

        var pipelined = new Dictionary<int, RunResult>();
        var sequential = new Dictionary<int, RunResult>();
        foreach (var t in threads)
        {
            pipelined[t] = await PipelineAsync(detectors[t], images, frames, pipelining: true);
            sequential[t] = await PipelineAsync(detectors[t], images, frames, pipelining: false);
        }

        foreach (var t in Enumerable.Reverse(threads))
        {
            bare[t].AddRange(Bare(detectors[t], images, bareFrames));
        }

        Console.WriteLine();
        Console.WriteLine("threads  bare median  bare mean   pipelined/frame  sequential/frame  pipelined fps   (ms)");
        foreach (var t in threads)
        {
            var p = HealthTracker.Percentiles([.. bare[t]]);
            Console.WriteLine($"{t,7}  {p.P50,11:F2}  {bare[t].Average(),9:F2}  {pipelined[t].PerFrameMs,15:F2}  {sequential[t].PerFrameMs,16:F2}  {pipelined[t].Fps,13:F2}");
        }

        var bareBest = threads.MinBy(t => bare[t].Average());
        var bareMs = bare[bareBest].Average();
        var bestPipelined = threads.MinBy(t => pipelined[t].PerFrameMs);
        var bestSequential = threads.MinBy(t => sequential[t].PerFrameMs);
        var e2e = pipelined[bestPipelined];
        Console.WriteLine();
        Console.WriteLine($"fastest bare inference: {bareBest} thread(s), mean {bareMs:F2} ms, median {HealthTracker.Percentiles([.. bare[bareBest]]).P50:F2} ms");
        Console.WriteLine($"fastest end to end: pipelined with {bestPipelined} thread(s), {e2e.PerFrameMs:F2} ms/frame; sequential with {bestSequential}, {sequential[bestSequential].PerFrameMs:F2} ms/frame");
        Console.WriteLine($"overhead ratio pipelined = {e2e.PerFrameMs:F2} / {bareMs:F2} = {e2e.PerFrameMs / bareMs:F3} (target <= 1.05: {(e2e.PerFrameMs / bareMs <= 1.05 ? "met" : "NOT met")})");
        Console.WriteLine($"overhead ratio sequential = {sequential[bestSequential].PerFrameMs / bareMs:F3} (context only)");
        Console.WriteLine($"pipelined fps x bare time = {e2e.Fps:F2} x {bareMs / 1000:F4} s = {e2e.Fps * bareMs / 1000:F3} (target >= 0.95: {(e2e.Fps * bareMs / 1000 >= 0.95 ? "met" : "NOT met")})");
        Console.WriteLine($"pipelined stage medians at {bestPipelined} thread(s): " + string.Join(", ", e2e.Stages.Select(s => $"{s.Stage} {HealthTracker.Percentiles([.. s.Values]).P50:F2}")) + " ms");
        Console.WriteLine($"managed allocation per frame (pipelined) {e2e.AllocatedBytes / (double)e2e.Frames:F0} bytes");

        if (soak > 0)
        {
            await SoakAsync(detectors[bestPipelined], bestPipelined, images, soak);
        }

        if (shadowFrames > 0)
        {
            await ShadowAsync(runtime, detectors[bestPipelined], model, bestPipelined, spinning, images, shadowFrames, shadowEvery);
        }

        Console.WriteLine($"peak RSS (VmHWM) {ReadStatus("VmHWM:") / 1048576.0:F1} MB with {threads.Count} sessions loaded");
        Console.WriteLine($"load average at end: {LoadAverage()}");
        foreach (var detector in detectors.Values)
        {
            detector.Dispose();
        }

        return 0;
    }

    /// <summary>N pipelined frames at one thread setting: RSS after warm-up to the end, sampled every 500 frames.</summary>
    private static async Task SoakAsync(DetectionModel model, int threads, string images, int soak)
    {
        var run = await PipelineAsync(model, images, soak, pipelining: true);
        Console.WriteLine($"soak: {run.Frames} pipelined frames at {threads} thread(s), {run.PerFrameMs:F2} ms/frame, {run.Skipped} skipped; " +
            $"RSS after warm-up {run.RssAfterWarmup / 1048576.0:F1} MB -> end {run.RssAtEnd / 1048576.0:F1} MB, growth {(run.RssAtEnd - run.RssAfterWarmup) / 1048576.0:F2} MB (target < 2 MB)");
        Console.WriteLine("soak memory every 500 frames (MB): frame, RSS, anonymous RSS, managed heap after the last GC");
        foreach (var sample in run.Memory)
        {
            Console.WriteLine($"  {sample.Frame,6} {sample.Rss / 1048576.0,8:F2} {sample.RssAnon / 1048576.0,8:F2} {sample.ManagedHeap / 1048576.0,8:F2}");
        }

        var half = run.Memory.Where(m => m.Frame >= run.Frames / 2).ToList();
        if (half.Count >= 2)
        {
            Console.WriteLine($"soak RSS growth over the second half ({half[0].Frame} -> {half[^1].Frame}): {(half[^1].Rss - half[0].Rss) / 1048576.0:F2} MB");
        }
    }

    /// <summary>
    /// Champion frames per second with a candidate in shadow (the same model file loaded a second time, so the
    /// candidate costs as much as the current model: the worst case short of a slower candidate) on one frame in
    /// <paramref name="every"/>, divided by without: four rounds, alternating which runs first, the ratio of the summed wall times and of the process CPU time per frame.
    /// </summary>
    private static async Task ShadowAsync(OnnxRuntimeEnvironment runtime, DetectionModel current, string model, int threads, bool spinning,
        string images, int frames, int every)
    {
        const int Rounds = 4;
        var without = new List<RunResult>();
        var with = new List<RunResult>();
        long compared = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Alternating which goes first, so a change of machine load hits both alike.
            if (round % 2 == 0)
            {
                without.Add(await PipelineAsync(current, images, frames, pipelining: true));
            }

            var comparison = new EdgeMlOps.Edge.Component.Shadow.ShadowComparison("benchmark", every);
            using (var shadow = EdgeMlOps.Edge.Component.Shadow.ShadowRunner.TryCreate(runtime, current, model,
                new DetectionModelOptions { IntraOpThreads = threads, AllowSpinning = spinning }, every, comparison)
                ?? throw new InvalidOperationException(comparison.Snapshot().LastError))
            {
                with.Add(await PipelineAsync(current, images, frames, pipelining: true, shadow));
            }

            compared += comparison.Snapshot().FramesCompared;
            if (round % 2 == 1)
            {
                without.Add(await PipelineAsync(current, images, frames, pipelining: true));
            }
        }

        var fpsWithout = without.Sum(r => r.Frames) / without.Sum(r => r.Wall.TotalSeconds);
        var fpsWith = with.Sum(r => r.Frames) / with.Sum(r => r.Wall.TotalSeconds);
        var cpuWithout = without.Sum(r => r.Cpu.TotalMilliseconds) / without.Sum(r => r.Frames);
        var cpuWith = with.Sum(r => r.Cpu.TotalMilliseconds) / with.Sum(r => r.Frames);
        Console.WriteLine();
        Console.WriteLine($"shadow: {threads} thread(s), candidate (the same model loaded again) on 1 frame in {every} ({compared} frames compared over {Rounds} rounds of {frames} frames)");
        Console.WriteLine($"shadow: rounds without {string.Join(", ", without.Select(r => r.Fps.ToString("F2", CultureInfo.InvariantCulture)))} fps; " +
            $"with {string.Join(", ", with.Select(r => r.Fps.ToString("F2", CultureInfo.InvariantCulture)))} fps");
        Console.WriteLine($"shadow ratio (wall clock) = {fpsWith:F2} / {fpsWithout:F2} fps = {fpsWith / fpsWithout:F3} (target >= 0.90: {(fpsWith / fpsWithout >= 0.90 ? "met" : "NOT met")})");
        // On a shared machine the wall clock measures the neighbours as much as the pipeline; CPU time per frame is
        // what bounds the frame rate of a device that runs flat out.
        Console.WriteLine($"shadow ratio (process CPU per frame) = {cpuWithout:F1} / {cpuWith:F1} ms = {cpuWithout / cpuWith:F3} (target >= 0.90: {(cpuWithout / cpuWith >= 0.90 ? "met" : "NOT met")})");
    }

    /// <summary>
    /// Cost of the drift statistics per frame (grid statistics and the sliding-window update, what the pipeline adds
    /// per frame) at two resolutions, median over 2,000 frames of camera-like noise, against the fastest bare
    /// inference median: a frame takes at least its inference, so the share printed is an upper bound.
    /// </summary>
    private static void DriftCost(Dictionary<int, DetectionModel> detectors, string images, int bareFrames)
    {
        var bare = detectors.ToDictionary(d => d.Key, d => HealthTracker.Percentiles(Bare(d.Value, images, bareFrames)).P50);
        var (threads, inferenceMs) = bare.MinBy(b => b.Value);
        var baseline = new EdgeMlOps.Contracts.DriftBaseline
        {
            Statistics = EdgeMlOps.Contracts.DriftStatistics.All.ToDictionary(s => s, s => new EdgeMlOps.Contracts.DriftHistogram
            {
                Edges = s == EdgeMlOps.Contracts.DriftStatistics.Colour ? [.. Enumerable.Range(0, 23).Select(i => i + 0.5)] : [.. Enumerable.Range(1, 9).Select(i => i * 10.0)],
                Proportions = [.. Enumerable.Repeat(s == EdgeMlOps.Contracts.DriftStatistics.Colour ? 1 / 24.0 : 0.1, s == EdgeMlOps.Contracts.DriftStatistics.Colour ? 24 : 10)],
            }),
        };
        Console.WriteLine();
        Console.WriteLine($"bare inference median {inferenceMs:F2} ms ({threads} thread(s)): the lower bound of a frame's time");
        foreach (var (width, height) in new[] { (450, 300), (1920, 1080) })
        {
            var rgb = new byte[width * height * 3];
            new Random(7).NextBytes(rgb);
            var monitor = new EdgeMlOps.Edge.Component.Drift.DriftMonitor(baseline, 600);
            float[] confidences = [0.82f, 0.41f];
            var times = new double[2000];
            for (var i = -200; i < times.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                monitor.Record(rgb, width, height, confidences, 600);
                if (i >= 0)
                {
                    times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }

            var median = HealthTracker.Percentiles(times).P50;
            Console.WriteLine($"drift statistics {width}x{height}: median {median * 1000:F1} µs per frame = {median / inferenceMs:P3} of the bare inference time (target <= 1 %)");
        }

        Console.WriteLine($"load average at end: {LoadAverage()}");
    }

    /// <summary>Inference alone on one pre-processed frame: per-run times after a short warm-up.</summary>
    private static double[] Bare(DetectionModel model, string images, int frames)
    {
        using var input = model.CreateInputTensor();
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();
        decoder.Decode(File.ReadAllBytes(FolderReplaySource.ListImages(images, recursive: true)[0]), image, model.InputWidth, model.InputHeight);
        new LetterboxPreprocessor(model.InputWidth, model.InputHeight).Process(image, input.Data);
        for (var i = 0; i < 10; i++)
        {
            model.Run(input);
        }

        var times = new double[frames];
        for (var i = 0; i < frames; i++)
        {
            var started = Stopwatch.GetTimestamp();
            model.Run(input);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return times;
    }

    private sealed record RunResult(long Frames, long Skipped, TimeSpan Wall, IReadOnlyList<(string Stage, List<double> Values)> Stages,
        long RssAfterWarmup, long RssAtEnd, long AllocatedBytes, IReadOnlyList<MemorySample> Memory, TimeSpan Cpu)
    {
        public double Fps => Frames / Wall.TotalSeconds;

        public double PerFrameMs => Wall.TotalMilliseconds / Frames;
    }

    /// <summary>Memory after a number of measured frames: where RSS growth comes from (native or managed heap).</summary>
    private sealed record MemorySample(long Frame, long Rss, long RssAnon, long ManagedHeap)
    {
        public static MemorySample Take(long frame) =>
            new(frame, ReadStatus("VmRSS:"), ReadStatus("RssAnon:"), GC.GetGCMemoryInfo().HeapSizeBytes);
    }

    private static async Task<RunResult> PipelineAsync(DetectionModel model, string images, int frames, bool pipelining,
        EdgeMlOps.Edge.Component.Shadow.ShadowRunner? shadow = null)
    {
        var health = new HealthTracker();
        var configuration = new StaticRuntimeConfigurationSource(new RuntimeSettings { FrameIntervalMs = 0, Capture = new CaptureSettings { Enabled = false } });
        using var pipeline = new InferencePipeline(model, new InferencePipelineProps
        {
            ThingName = "benchmark",
            Model = new ModelIdentity("benchmark", "benchmark"),
            Configuration = configuration,
            Publisher = new NullPublisher(),
            Health = health,
            Pipelining = pipelining,
            Log = new ComponentLog(TextWriter.Null),
            Shadow = shadow,
        });
        string[] names = ["decode", "pre-process", "inference", "post-process", "publish"];
        var stages = names.Select(n => (n, new List<double>(frames))).ToList();
        long completed = 0;
        long rssAfterWarmup = 0;
        long allocatedAtWarmup = 0;
        var cpuAtWarmup = TimeSpan.Zero;
        var wall = new Stopwatch();
        var memory = new List<MemorySample>();
        pipeline.FrameCompleted += t =>
        {
            completed++;
            if (completed == Warmup)
            {
                // Measure from here: the first frames pay for JIT, ONNX Runtime arenas and buffer growth.
                rssAfterWarmup = ReadStatus("VmRSS:");
                allocatedAtWarmup = GC.GetTotalAllocatedBytes(precise: false);
                memory.Add(MemorySample.Take(0));
                cpuAtWarmup = Process.GetCurrentProcess().TotalProcessorTime;
                wall.Restart();
                return;
            }

            if (completed > Warmup && (completed - Warmup) % 500 == 0)
            {
                memory.Add(MemorySample.Take(completed - Warmup));
            }

            if (completed > Warmup)
            {
                stages[0].Item2.Add(t.DecodeMs);
                stages[1].Item2.Add(t.PreprocessMs);
                stages[2].Item2.Add(t.InferenceMs);
                stages[3].Item2.Add(t.PostprocessMs);
                stages[4].Item2.Add(t.PublishMs);
            }
        };

        var source = new FolderReplaySource(images, () => TimeSpan.Zero, loop: true, maxFrames: frames + Warmup, recursive: true);
        await pipeline.RunAsync(source, CancellationToken.None);
        wall.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtWarmup;
        return new RunResult(completed - Warmup, health.Snapshot().FramesFailed, wall.Elapsed, stages, rssAfterWarmup, ReadStatus("VmRSS:"),
            GC.GetTotalAllocatedBytes(precise: false) - allocatedAtWarmup, memory, cpu);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static long ReadStatus(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return Environment.WorkingSet;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeMlOpsInfra.sln")) || File.Exists(Path.Combine(dir.FullName, "global.json")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
