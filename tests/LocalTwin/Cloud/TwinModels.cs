using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Edge.ModelGen.Models;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>A model the twin's "training" registered: its ONNX bytes and the package SageMaker describes.</summary>
public sealed record RegisteredModel(string Description, byte[] Onnx, string ModelDataUrl, JsonObject Package)
{
    public string ModelPackageArn => Package["ModelPackageArn"]!.GetValue<string>();

    public int Version => Package["ModelPackageVersion"]!.GetValue<int>();
}

/// <summary>
/// The two models of the run, made by the project's own ONNX writer (no downloads): a candidate that works but is
/// unsure of what it sees (one scratch at confidence 0.45, inside the capture band), and a faulty one whose output
/// is not a YOLOv8 detection tensor, so the component refuses it on the device and reports ERRORED.
/// </summary>
public static class TwinModels
{
    public static byte[] Candidate(int imageSize, IReadOnlyList<string> classNames)
    {
        var scores = new float[classNames.Count];
        scores[0] = 0.45f;
        var half = imageSize / 2f;
        return new KnownOutputModel(imageSize, classNames, [new KnownAnchor(half, half, imageSize / 3f, imageSize / 5f, scores)]).Build();
    }

    public static byte[] Faulty() => WrongShapeModelBuilder.BuildRank4Output();

    /// <summary>
    /// The package as DescribeModelPackage returns it once a training run registered <paramref name="modelDataUrl"/>
    /// in <paramref name="groupName"/>: approved, with the image size and class names the edge workflow requires.
    /// </summary>
    public static JsonObject DescribedPackage(string groupName, int version, string modelDataUrl, int imageSize, IReadOnlyList<string> classNames, DateTimeOffset created) => new()
    {
        ["ModelPackageGroupName"] = groupName,
        ["ModelPackageVersion"] = version,
        ["ModelPackageArn"] = $"arn:aws:sagemaker:{Testing.CloudFormation.FakeAws.Region}:{Testing.CloudFormation.FakeAws.AccountId}:model-package/{groupName}/{version}",
        ["ModelPackageDescription"] = $"YOLOv8 metal-tag detector, training run {version}",
        ["CreationTime"] = created.ToString("O", CultureInfo.InvariantCulture),
        ["InferenceSpecification"] = new JsonObject
        {
            ["Containers"] = new JsonArray(new JsonObject
            {
                ["Image"] = $"{Testing.CloudFormation.FakeAws.AccountId}.dkr.ecr.{Testing.CloudFormation.FakeAws.Region}.amazonaws.com/edgemlops-onnx:latest",
                ["ModelDataUrl"] = modelDataUrl,
            }),
            ["SupportedContentTypes"] = new JsonArray("application/x-image"),
            ["SupportedResponseMIMETypes"] = new JsonArray("application/json"),
        },
        ["ModelPackageStatus"] = "Completed",
        ["ModelApprovalStatus"] = "Approved",
        ["CustomerMetadataProperties"] = new JsonObject
        {
            ["imageSize"] = imageSize.ToString(CultureInfo.InvariantCulture),
            ["classNames"] = new JsonArray([.. classNames.Select(n => (JsonNode)n)]).ToJsonString(),
        },
    };
}
