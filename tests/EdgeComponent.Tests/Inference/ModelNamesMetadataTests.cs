using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Inference.Inference;
using EdgeMlOps.Edge.ModelGen.Models;

namespace EdgeComponent.Tests.Inference;

/// <summary>
/// The <c>names</c> metadata of a trained model, through the real ONNX Runtime load: ultralytics' exporter writes
/// <c>str()</c> of its names dict (<c>{0: 'scratch'}</c>), train.py once rewrote it as JSON (<c>{"0": "scratch"}</c>);
/// either way the component reports the class as <c>scratch</c>, not <c>class0</c>.
/// </summary>
[Collection(OnnxCollection.Name)]
public sealed class ModelNamesMetadataTests(OnnxFixture onnx)
{
    [Theory]
    [InlineData("ultralytics", "{0: 'scratch'}")]
    [InlineData("json", "{\"0\": \"scratch\"}")]
    public void Model_with_names_in_ultralytics_form_or_json_reports_scratch(string form, string names)
    {
        var path = Write($"names-{form}.onnx", OneClassModel() with { NamesMetadata = names });

        using var model = DetectionModel.Load(onnx.Runtime, path);

        Assert.Equal(names, model.Metadata["names"]);
        Assert.Equal(["scratch"], model.ClassNames);
    }

    private static KnownOutputModel OneClassModel() => new(64, ["scratch"], [new KnownAnchor(20, 30, 20, 10, [0.9f])]);

    private string Write(string name, KnownOutputModel model)
    {
        var path = Path.Combine(onnx.ModelDirectory, name);
        File.WriteAllBytes(path, model.Build());
        return path;
    }
}
