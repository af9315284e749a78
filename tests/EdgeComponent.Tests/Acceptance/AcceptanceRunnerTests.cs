using System.Text.Json.Nodes;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Inference.Acceptance;
using EdgeMlOps.Edge.Inference.Imaging;
using EdgeMlOps.Edge.Inference.Inference;
using EdgeMlOps.Edge.ModelGen.Models;

namespace EdgeComponent.Tests.Acceptance;

/// <summary>The acceptance check on real ONNX Runtime sessions of generated models with known outputs.</summary>
[Collection(OnnxCollection.Name)]
public sealed class AcceptanceRunnerTests(OnnxFixture onnx)
{
    private static byte[] Jpeg(int i) => TestImages.SolidJpeg(128, 128, (byte)(i * 13), (byte)(255 - (i * 7)), 40);

    private string WriteReferenceSet(TempFolder folder, string? claimedModel = null) =>
        KnownOutputAcceptanceSet.ForReference().Write(folder.Path, claimedModel ?? onnx.KnownOutputModel, Jpeg);

    [Fact]
    public void A_model_that_reproduces_its_evaluation_passes_with_parity_1_and_the_metrics_worked_out_by_hand()
    {
        using var folder = new TempFolder();
        var set = WriteReferenceSet(folder);
        using var model = DetectionModel.Load(onnx.Runtime, onnx.KnownOutputModel);

        var result = AcceptanceRunner.Run(model, set);

        Assert.Equal(AcceptanceStatuses.Passed, result.Status);
        Assert.Null(result.Message);
        Assert.Equal((16, 48, 48, 48, 1.0, true), (result.Images, result.ExpectedBoxes, result.DeviceBoxes, result.MatchedBoxes, result.Parity, result.ModelMatches));
        Assert.True(result.MaxConfidenceDifference < 1e-4);
        // 16 images × 3 boxes; labels: all 3 boxes on 8 images, the first only on 4, none on 4 (28 labels, all found).
        Assert.Equal(28.0 / 48, result.Precision, 3);
        Assert.Equal(1.0, result.Recall);
        // Per class, ultralytics' compute_ap (worked out separately): scratch 0.7979, dent 0.6773.
        Assert.Equal(0.7376, result.Map50, 3);
        Assert.Equal((result.Precision, result.Recall, result.Map50), (result.ExpectedPrecision, result.ExpectedRecall, result.ExpectedMap50));
        Assert.Equal(("parity", 0.9), (result.Preprocessing, result.ParityThreshold));
    }

    [Fact]
    public void A_blind_model_shipped_with_the_good_models_evaluation_fails_parity_and_says_what_differed()
    {
        using var folder = new TempFolder();
        var set = WriteReferenceSet(folder);
        using var model = DetectionModel.Load(onnx.Runtime, onnx.BlindModel);

        var result = AcceptanceRunner.Run(model, set);

        Assert.Equal(AcceptanceStatuses.Failed, result.Status);
        Assert.Equal((0.0, 48, 0, 0.0, 0.0, false), (result.Parity, result.ExpectedBoxes, result.DeviceBoxes, result.Recall, result.Map50, result.ModelMatches));
        Assert.Contains("48 of 48 training-side boxes not reproduced", result.Message, StringComparison.Ordinal);
        Assert.Contains("another model file", result.Message, StringComparison.Ordinal);
        Assert.True(result.ExpectedRecall > 0.99);
    }

    [Fact]
    public void Parity_below_a_configured_threshold_fails_and_at_or_above_passes()
    {
        using var folder = new TempFolder();
        var set = WriteReferenceSet(folder);
        // Drop one predicted box from one image: 47 expected, 48 device, 47 matched → parity 47/48.
        var json = JsonNode.Parse(File.ReadAllText(set))!;
        json["images"]![0]!["predictions"]!.AsArray().RemoveAt(2);
        File.WriteAllText(set, json.ToJsonString());
        using var model = DetectionModel.Load(onnx.Runtime, onnx.KnownOutputModel);

        var strict = AcceptanceRunner.Run(model, set, new AcceptanceRunOptions { ParityThreshold = 0.99 });
        var lenient = AcceptanceRunner.Run(model, set, new AcceptanceRunOptions { ParityThreshold = 0.9 });

        Assert.Equal((AcceptanceStatuses.Failed, AcceptanceStatuses.Passed), (strict.Status, lenient.Status));
        Assert.Equal(Math.Round(47.0 / 48, 4), strict.Parity);
        Assert.Contains("0 of 47 training-side boxes not reproduced, 1 of 48 device boxes extra", strict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_corrupt_or_altered_set_is_invalid_with_the_reason_never_an_exception()
    {
        using var model = DetectionModel.Load(onnx.Runtime, onnx.KnownOutputModel);
        using var folder = new TempFolder();

        var missing = AcceptanceRunner.Run(model, Path.Combine(folder.Path, "acceptance", "acceptance.json"));
        Assert.Equal(AcceptanceStatuses.Invalid, missing.Status);
        Assert.Contains("cannot be read", missing.Message, StringComparison.Ordinal);

        var set = WriteReferenceSet(folder);
        File.WriteAllText(Path.Combine(folder.Path, "acceptance", "images", "frame-05.jpg"), "not the image");
        var altered = AcceptanceRunner.Run(model, set);
        Assert.Equal(AcceptanceStatuses.Invalid, altered.Status);
        Assert.Contains("'images/frame-05.jpg' is not the one the set was computed on", altered.Message, StringComparison.Ordinal);

        File.WriteAllText(set, "{\"format\": \"edgemlops.acceptance-set/1\", \"images\": [");
        var corrupt = AcceptanceRunner.Run(model, set);
        Assert.Equal(AcceptanceStatuses.Invalid, corrupt.Status);
        Assert.StartsWith("acceptance set is not usable", corrupt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fast_paths_are_named_in_the_result()
    {
        using var folder = new TempFolder();
        var set = WriteReferenceSet(folder);
        using var model = DetectionModel.Load(onnx.Runtime, onnx.KnownOutputModel);

        var result = AcceptanceRunner.Run(model, set, new AcceptanceRunOptions { Decoder = new JpegDecoderOptions { FastDct = true, AllowDctScaling = true } });

        Assert.Equal("fastDct,dctScaling", result.Preprocessing);
    }
}
