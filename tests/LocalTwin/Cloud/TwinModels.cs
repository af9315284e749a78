using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.ModelGen.Models;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>A model the twin's "training" registered: its ONNX bytes and the package SageMaker describes.</summary>
public sealed record RegisteredModel(string Description, byte[] Onnx, string OnnxUri, JsonObject Package)
{
    public string ModelPackageArn => Package["ModelPackageArn"]!.GetValue<string>();

    public int Version => Package["ModelPackageVersion"]!.GetValue<int>();
}

/// <summary>
/// The two models of the run, made by the project's own ONNX writer (no downloads): a candidate that works but is
/// unsure of what it sees (one scratch at confidence 0.45, inside the capture band), and a faulty one whose output
/// is not a YOLOv8 detection tensor, so the component refuses it on the device (in shadow on the canary, beside the
/// current model, its health message's shadow block reports that the candidate did not load).
/// </summary>
public static class TwinModels
{
    /// <param name="driftBaselineJson">The drift baseline evaluate.py would add to its metadata (edgemlops_drift_baseline).</param>
    public static byte[] Candidate(int imageSize, IReadOnlyList<string> classNames, string driftBaselineJson) =>
        (CandidateModel(imageSize, classNames) with { ExtraMetadata = new Dictionary<string, string> { [OnnxMetadataKeys.DriftBaseline] = driftBaselineJson } }).Build();

    /// <summary>The candidate's definition: its one anchor survives any threshold below 0.45 (its acceptance set's predictions).</summary>
    public static KnownOutputModel CandidateModel(int imageSize, IReadOnlyList<string> classNames)
    {
        var scores = new float[classNames.Count];
        scores[0] = 0.45f;
        var half = imageSize / 2f;
        return new KnownOutputModel(imageSize, classNames, [new KnownAnchor(half, half, imageSize / 3f, imageSize / 5f, scores)]);
    }

    public static byte[] Faulty() => WrongShapeModelBuilder.BuildRank4Output();
}
