using System.Text.Json.Nodes;
using EdgeMlOps.Edge.ModelGen.Models;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>A model the twin's "training" registered: its ONNX bytes and the package SageMaker describes.</summary>
public sealed record RegisteredModel(string Description, byte[] Onnx, string OnnxUri, JsonObject Package)
{
    public string ModelPackageArn => Package["ModelPackageArn"]!.GetValue<string>();

    public int Version => Package["ModelPackageVersion"]!.GetValue<int>();
}

/// <summary>
/// The models of the run, made by the project's own ONNX writer (no downloads), each a known-output model whose
/// detections are the same on every frame:
/// <list type="bullet">
/// <item><see cref="FirstRelease"/>: works but is unsure of what it sees (one scratch in the middle at confidence
/// 0.45, inside the capture band);</item>
/// <item><see cref="Good"/>: a retrained model that agrees with it (the same scratch at 0.5);</item>
/// <item><see cref="Blind"/>: the good model's boxes with every score 0 — a valid YOLOv8 output that never detects
/// anything, shipped with the good model's acceptance set (the wrong artifact);</item>
/// <item><see cref="Disagreeing"/>: sure of a scratch elsewhere (top left) and blind to the one in the middle; its
/// own acceptance set is honest, so only the comparison with the current model in shadow can see it;</item>
/// <item><see cref="Faulty"/>: its output is not a YOLOv8 detection tensor, so the component refuses to load it.</item>
/// </list>
/// </summary>
public static class TwinModels
{
    /// <summary>The first release: one scratch in the middle at 0.45; its one anchor survives any threshold below that.</summary>
    public static KnownOutputModel FirstRelease(int imageSize, IReadOnlyList<string> classNames) => Middle(imageSize, classNames, 0.45f);

    /// <summary>A candidate that agrees with the first release: the same box, a little surer (0.5, still inside the capture band).</summary>
    public static KnownOutputModel Good(int imageSize, IReadOnlyList<string> classNames) => Middle(imageSize, classNames, 0.5f);

    /// <summary>The good model with every score 0: it loads and runs and finds nothing.</summary>
    public static KnownOutputModel Blind(int imageSize, IReadOnlyList<string> classNames)
    {
        var good = Good(imageSize, classNames);
        return good with { Anchors = [.. good.Anchors.Select(a => a with { Scores = new float[a.Scores.Length] })] };
    }

    /// <summary>One scratch at 0.5 in the top-left quarter: no overlap with the good model's box in the middle.</summary>
    public static KnownOutputModel Disagreeing(int imageSize, IReadOnlyList<string> classNames) =>
        new(imageSize, classNames, [new KnownAnchor(imageSize / 4f, imageSize / 4f, imageSize / 6f, imageSize / 8f, Scores(classNames, 0.5f))]);

    public static byte[] Faulty() => WrongShapeModelBuilder.BuildRank4Output();

    private static KnownOutputModel Middle(int imageSize, IReadOnlyList<string> classNames, float confidence)
    {
        var half = imageSize / 2f;
        return new KnownOutputModel(imageSize, classNames, [new KnownAnchor(half, half, imageSize / 3f, imageSize / 5f, Scores(classNames, confidence))]);
    }

    private static float[] Scores(IReadOnlyList<string> classNames, float scratch)
    {
        var scores = new float[classNames.Count];
        scores[0] = scratch;
        return scores;
    }
}
