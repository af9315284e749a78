namespace EdgeMlOps.Edge.ModelGen.Models;

/// <summary>Writes the standard set of generated models into a folder, skipping files already up to date.</summary>
public static class ModelFiles
{
    public const string Yolov8n = "yolov8n-640-seeded.onnx";
    public const string KnownOutput = "known-output.onnx";
    public const string KnownOutputNoMetadata = "known-output-no-metadata.onnx";
    public const string WrongShape = "wrong-shape.onnx";
    public const string Blind = "blind.onnx";

    /// <summary>Writes every model into <paramref name="directory"/> and returns their paths by file name.</summary>
    public static IReadOnlyDictionary<string, string> WriteAll(string directory, bool includeYolov8n = true)
    {
        Directory.CreateDirectory(directory);
        var written = new Dictionary<string, string>
        {
            [KnownOutput] = Write(directory, KnownOutput, () => KnownOutputModel.Reference().Build()),
            [KnownOutputNoMetadata] = Write(directory, KnownOutputNoMetadata, () => (KnownOutputModel.Reference() with { WriteMetadata = false }).Build()),
            [WrongShape] = Write(directory, WrongShape, WrongShapeModelBuilder.BuildRank4Output),
            [Blind] = Write(directory, Blind, () => BlindModel.Reference().Build()),
        };
        if (includeYolov8n)
        {
            written[Yolov8n] = Write(directory, Yolov8n, () => new Yolov8nModelBuilder().Build());
        }

        return written;
    }

    /// <summary>Writes one model; the content is deterministic, so an existing file of the same bytes is left alone.</summary>
    public static string Write(string directory, string fileName, Func<byte[]> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        var bytes = build();
        if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            // A unique temporary name, then an atomic rename: parallel writers never see half a model.
            var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }

        return path;
    }
}
