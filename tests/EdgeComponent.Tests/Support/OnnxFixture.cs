using EdgeMlOps.Edge.Inference.Runtime;
using EdgeMlOps.Edge.ModelGen.Models;

namespace EdgeComponent.Tests.Support;

/// <summary>
/// Loads the real ONNX Runtime (the Microsoft.ML.OnnxRuntime package's library in the test's output folder) once and generates the test models into a
/// temporary folder with the ModelGen builders.
/// </summary>
public sealed class OnnxFixture : IDisposable
{
    public OnnxFixture()
    {
        ModelDirectory = Path.Combine(Path.GetTempPath(), "edge-component-tests-" + Guid.NewGuid().ToString("N"));
        Models = ModelFiles.WriteAll(ModelDirectory);
        Runtime = OnnxRuntimeEnvironment.Load(RepositoryPaths.OnnxRuntimeX64);
    }

    public OnnxRuntimeEnvironment Runtime { get; }

    public string ModelDirectory { get; }

    public IReadOnlyDictionary<string, string> Models { get; }

    public string KnownOutputModel => Models[ModelFiles.KnownOutput];

    public string KnownOutputNoMetadataModel => Models[ModelFiles.KnownOutputNoMetadata];

    public string WrongShapeModel => Models[ModelFiles.WrongShape];

    public string Yolov8nModel => Models[ModelFiles.Yolov8n];

    public string BlindModel => Models[ModelFiles.Blind];

    public void Dispose()
    {
        try
        {
            Directory.Delete(ModelDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OnnxCollection : ICollectionFixture<OnnxFixture>
{
    public const string Name = "onnx";
}
