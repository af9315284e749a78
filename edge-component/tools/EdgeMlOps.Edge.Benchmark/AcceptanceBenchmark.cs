using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeMlOps.Contracts.Training;
using EdgeMlOps.Edge.Component.Frames;
using EdgeMlOps.Edge.Inference.Acceptance;
using EdgeMlOps.Edge.Inference.Imaging;
using EdgeMlOps.Edge.Inference.Inference;
using EdgeMlOps.Edge.Inference.Runtime;

namespace EdgeMlOps.Edge.Benchmark;

/// <summary>
/// Time of the acceptance check at model load: an acceptance set of the first K images of the images folder (no
/// labels; the training-side predictions are the device's own from a first run, as a matching model's would be) run
/// through <see cref="AcceptanceRunner"/> with the serving defaults, once to warm up, then five times; the median is
/// what a device adds to its start.
/// </summary>
public static class AcceptanceBenchmark
{
    private const int Runs = 5;

    public static int Run(OnnxRuntimeEnvironment runtime, string modelPath, string imagesFolder, int k)
    {
        var files = FolderReplaySource.ListImages(imagesFolder, recursive: true).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Take(k).ToList();
        if (files.Count < k)
        {
            Console.Error.WriteLine($"only {files.Count} JPEGs in {imagesFolder}; {k} needed");
            return 2;
        }

        var loadStarted = Stopwatch.GetTimestamp();
        using var model = DetectionModel.Load(runtime, modelPath);
        var loadMs = Stopwatch.GetElapsedTime(loadStarted).TotalMilliseconds;
        var folder = Path.Combine(Path.GetTempPath(), "edge-benchmark-acceptance-" + Environment.ProcessId);
        try
        {
            var setPath = WriteSet(folder, model, files, predictions: null);
            var first = AcceptanceRunner.Run(model, setPath);
            setPath = WriteSet(folder, model, files, predictions: DevicePredictions(model, files));
            var timings = new List<double>();
            var result = first;
            for (var r = 0; r < Runs; r++)
            {
                result = AcceptanceRunner.Run(model, setPath);
                timings.Add(result.DurationMs);
            }

            timings.Sort();
            Console.WriteLine($"Acceptance check at model load ({runtime.Description}): model {Path.GetFileName(modelPath)} ({model.InputWidth}x{model.InputHeight}), " +
                $"K = {k} images from {imagesFolder}, {Environment.ProcessorCount} logical CPUs, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine($"model load {loadMs:F0} ms; first (cold) acceptance run {first.DurationMs:F0} ms; then {Runs} runs: median {timings[Runs / 2]:F0} ms, " +
                $"min {timings[0]:F0} ms, max {timings[^1]:F0} ms ({timings[Runs / 2] / k:F1} ms per image); status {result.Status}, parity {result.Parity}, " +
                $"{result.DeviceBoxes} boxes");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The device's own boxes on each image at the set's thresholds, the way a matching model's evaluation lists them.</summary>
    private static List<List<AcceptancePrediction>> DevicePredictions(DetectionModel model, IReadOnlyList<string> files)
    {
        using var jpeg = new JpegDecoder();
        using var input = model.CreateInputTensor();
        var image = new DecodedImage();
        var letterbox = new LetterboxPreprocessor(model.InputWidth, model.InputHeight);
        var decoder = new YoloV8Decoder(model.ClassCount, model.AnchorCount);
        var detections = new List<Detection>();
        var all = new List<List<AcceptancePrediction>>();
        foreach (var file in files)
        {
            jpeg.Decode(File.ReadAllBytes(file), image);
            var geometry = letterbox.Process(image, input.Data);
            model.Run(input);
            decoder.Decode(model.Output, geometry, new PostprocessOptions { MaxDetections = AcceptanceRunner.MaxDetections }, detections);
            all.Add(detections.Select(d => new AcceptancePrediction
            {
                ClassId = d.ClassId,
                Confidence = d.Confidence,
                Box = [d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2],
            }).ToList());
        }

        return all;
    }

    private static string WriteSet(string folder, DetectionModel model, IReadOnlyList<string> files, List<List<AcceptancePrediction>>? predictions)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        using var jpeg = new JpegDecoder();
        var images = files.Select((file, i) =>
        {
            var bytes = File.ReadAllBytes(file);
            var name = $"images/{i:00}.jpg";
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            jpeg.ReadHeader(bytes, out var width, out var height);
            return new AcceptanceImage
            {
                File = name,
                Sha256 = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(),
                Width = width,
                Height = height,
                Labels = [],
                Predictions = predictions?[i] ?? [],
            };
        }).ToList();
        var set = new AcceptanceSet
        {
            Format = AcceptanceSet.CurrentFormat,
            Model = new AcceptanceModel
            {
                File = Path.GetFileName(model.Path),
                Sha256 = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(model.Path))).ToLowerInvariant(),
                ImageSize = model.InputWidth,
                ClassNames = model.ClassNames,
            },
            Thresholds = new AcceptanceThresholds { Confidence = 0.25, Iou = 0.45 },
            Metrics = new AcceptanceMetrics { Map50 = 0, Map50To95 = 0, Precision = 0, Recall = 0 },
            Images = images,
        };
        var path = Path.Combine(folder, AcceptanceSet.FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(set));
        return path;
    }
}
