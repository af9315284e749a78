using System.Text.Json.Nodes;
using EdgeMlOps.Contracts.Training;

namespace EdgeMlOps.ModelTraining.Tests.Contract;

public sealed class AcceptanceSetTests
{
    private const string Sha = "e36229a992d303769d184e6f33e6fa3f2756e735a7c83b9f3ed673960a0137e0";

    private static JsonObject Document() => JsonNode.Parse($$"""
        {
          "format": "edgemlops.acceptance-set/1",
          "model": { "file": "model.onnx", "sha256": "{{Sha}}", "imageSize": 640, "classNames": ["scratch", "dent"] },
          "thresholds": { "confidence": 0.25, "iou": 0.45 },
          "metrics": { "map50": 0.734, "map50_95": 0.412, "precision": 0.81, "recall": 0.66 },
          "images": [
            { "file": "images/a.jpg", "sha256": "{{Sha}}", "width": 450, "height": 300,
              "labels": [ { "classId": 0, "box": [345.0, 192.0, 385.0, 226.0] } ],
              "predictions": [ { "classId": 1, "confidence": 0.91, "box": [340.5, 190.0, 386.0, 227.25] } ] },
            { "file": "images/b.jpg", "sha256": "{{Sha}}", "width": 450, "height": 300, "labels": [], "predictions": [] }
          ]
        }
        """)!.AsObject();

    [Fact]
    public void Reads_every_member_of_the_document()
    {
        var set = AcceptanceSet.Parse(Document().ToJsonString());

        Assert.Equal(["scratch", "dent"], set.Model.ClassNames);
        Assert.Equal(0.412, set.Metrics.Map50To95);
        Assert.Equal(0.45, set.Thresholds.Iou);
        Assert.Equal(2, set.Images.Count);
        Assert.Equal(new AcceptancePrediction { ClassId = 1, Confidence = 0.91, Box = set.Images[0].Predictions[0].Box }, set.Images[0].Predictions[0]);
        Assert.Equal([340.5, 190.0, 386.0, 227.25], set.Images[0].Predictions[0].Box);
        Assert.Empty(set.Images[1].Labels);
    }

    [Fact]
    public void Fails_if_the_format_is_another_version()
    {
        var document = Document();
        document["format"] = "edgemlops.acceptance-set/2";

        var error = Assert.Throws<AcceptanceSetException>(() => AcceptanceSet.Parse(document.ToJsonString(), "s3://b/acceptance.json"));

        Assert.Contains("s3://b/acceptance.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("edgemlops.acceptance-set/2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_listing_every_problem_with_its_place()
    {
        var document = Document();
        document["images"]![0]!["predictions"]![0]!["classId"] = 5;
        document["images"]![0]!["predictions"]![0]!["confidence"] = 0.1;
        document["images"]![1]!["file"] = "../escape.jpg";
        document["images"]![0]!["labels"]![0]!["box"] = new JsonArray(10, 10, 5, 20);

        var error = Assert.Throws<AcceptanceSetException>(() => AcceptanceSet.Parse(document.ToJsonString()));

        Assert.Contains(error.Problems, p => p.StartsWith("images[0].predictions[0].classId 5", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("images[0].predictions[0].confidence 0.1", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("images[1].file", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("images[0].labels[0].box", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_if_a_required_member_is_missing()
    {
        var document = Document();
        document.Remove("thresholds");

        var error = Assert.Throws<AcceptanceSetException>(() => AcceptanceSet.Parse(document.ToJsonString()));

        Assert.Contains("thresholds", error.Message, StringComparison.Ordinal);
    }
}
